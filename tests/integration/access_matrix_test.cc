// The access matrix on the wire: every role, as an organisation related to
// the record and as one that is not, against every operation, through every
// edge of the real tobacco-gateway binary that offers it (gRPC; HL7 v2 over
// MLLP/TLS; FHIR $process-message over HTTPS), all on mutual TLS with the
// development PKI. One table (kMatrix) says who may do what; each edge is a
// column that must give the table's answer - allowed, or refused (gRPC
// PERMISSION_DENIED, HL7 AE with an ERR naming the field at fault, FHIR 403
// forbidden) - and every refusal must leave an audit row naming the caller.
// An edge that does not offer an operation to a role (HL7 takes referrals
// from trusts only) must refuse it: no edge may be a way round the table.
// The proof for issue 10 that no edge can bypass the security boundary.
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "adapters/fhir/https_client.h"
#include "adapters/fhir/systems.h"
#include "adapters/hl7v2/mllp_client.h"
#include "adapters/hl7v2/mllp_transport.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/sample_requests.h"
#include "tests/testing/secure_gateway_binary.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::Ctx;
using ::nhs::tobacco::testing::GrpcAs;
using ::nhs::tobacco::testing::SecureGatewayBinary;
using Json = nlohmann::json;

// ---------------------------------------------------------------------------
// Who calls. Records come in two "worlds" so that one certificate can be
// related to a record or not:
//   main:        referred by trust RX9 to service TDS01, GP practice Y90001,
//                asked of pharmacy FZZ99 (pharmacy route), TDS01 (service
//                route) or Y90001 (GP route);
//   integrator:  referred by integrator X26 to a service run by X26, GP
//                practice Y90001, asked of X26 on every route.
enum class World { kMain, kIntegrator };

enum class Caller {
  kTrust,
  kTrustUnrelated,
  kGp,
  kGpUnrelated,
  kPharmacy,
  kPharmacyUnrelated,
  kService,
  kServiceUnrelated,
  kIntegrator,
  kIntegratorUnrelated,
  kAdmin,
};

struct CallerInfo {
  Caller caller;
  const char* label;
  const char* cert;
  const char* ods;
  const char* role;
  World world;
  // Related: the organisation holds, in this world, every relation its role
  // can have to a record (a pharmacy also quotes the EPS id it would hold).
  bool related;
};

constexpr CallerInfo kCallers[] = {
    {Caller::kTrust, "trust RX9 (referrer)", "trust-rx9", "RX9",
     "mental_health_trust", World::kMain, true},
    {Caller::kTrustUnrelated, "trust RX9 (unrelated)", "trust-rx9", "RX9",
     "mental_health_trust", World::kIntegrator, false},
    {Caller::kGp, "GP Y90001 (patient's practice, target)", "gp-y90001",
     "Y90001", "gp", World::kMain, true},
    {Caller::kGpUnrelated, "GP Y90002 (unrelated)", "gp-y90002", "Y90002", "gp",
     World::kMain, false},
    {Caller::kPharmacy, "pharmacy FZZ99 (target, quotes EPS id)",
     "pharmacy-fzz99", "FZZ99", "pharmacy", World::kMain, true},
    {Caller::kPharmacyUnrelated, "pharmacy FZZ98 (unrelated)", "pharmacy-fzz98",
     "FZZ98", "pharmacy", World::kMain, false},
    {Caller::kService, "service TDS01 (treating)", "service-tds01", "TDS01",
     "tobacco_service", World::kMain, true},
    {Caller::kServiceUnrelated, "service TDS01 (unrelated)", "service-tds01",
     "TDS01", "tobacco_service", World::kIntegrator, false},
    {Caller::kIntegrator, "integrator X26 (referrer, service, target)",
     "integrator-x26", "X26", "integrator", World::kIntegrator, true},
    {Caller::kIntegratorUnrelated, "integrator X26 (unrelated)",
     "integrator-x26", "X26", "integrator", World::kMain, false},
    {Caller::kAdmin, "admin ADM01", "admin-ops", "ADM01", "admin", World::kMain,
     true},
};

// ---------------------------------------------------------------------------
// What they ask. A route suffix is part of the operation where the policy
// depends on the route.
enum class Op {
  kCreateReferral,
  kGetReferral,
  kListReferrals,  // own organisation's list: is the record in it?
  kListAnotherOrganisationsReferrals,
  kUpdateReferralStatus,
  kRecommendPrescription,
  kGetPrescription,
  kListPrescriptions,  // own list: is the request in it?
  kListAnotherOrganisationsPrescriptions,
  kGetTimeline,
  kWatchEvents,  // does the stream carry the request's events?
  kMarkSent,
  kAcknowledgeGpRoute,
  kAcknowledgePharmacyRoute,
  kAcknowledgeServiceRoute,
  kPrescribe,
  kDecline,
  kRequireAppointment,
  kDispense,
  kSupplyPharmacyRoute,
  kSupplyServiceRoute,
  kRecordNotSuppliedPharmacyRoute,
  kRecordNotSuppliedServiceRoute,
  kCancel,
  kRecordOutcome,
  kListOutcomes,
  kListDeliveries,
  kGetDelivery,
  kDiscardDelivery,
  kReplayDelivery,
  kGetDeliveryStats,
  kVerifyAuditChain,
  kListAuditRecords,
};

struct Row {
  Op op;
  const char* name;
  std::vector<Caller> allowed;  // everyone else is refused
};

// THE TABLE: role x operation x relation -> allowed, from kRules in
// gateway/security/access_policy.cc and the README's Security section.
// Reads of a prescription (Get, Timeline, own list, Watch) follow
// ReadPrescription; lists of another organisation are refused to everyone.
const std::vector<Row>& Matrix() {
  using C = Caller;
  static const auto* rows = new std::vector<Row>{
      {Op::kCreateReferral,
       "CreateReferral",
       {C::kTrust, C::kGp, C::kService, C::kIntegrator}},
      {Op::kGetReferral,
       "GetReferral",
       {C::kTrust, C::kGp, C::kService, C::kIntegrator}},
      {Op::kListReferrals,
       "ListReferrals",
       {C::kTrust, C::kGp, C::kService, C::kIntegrator}},
      {Op::kListAnotherOrganisationsReferrals, "ListReferrals(other ODS)", {}},
      {Op::kUpdateReferralStatus, "UpdateReferralStatus", {C::kService}},
      {Op::kRecommendPrescription, "RecommendPrescription", {C::kService}},
      {Op::kGetPrescription,
       "GetPrescription",
       {C::kGp, C::kPharmacy, C::kService, C::kIntegrator}},
      // The store lists a request under its target and its service only,
      // so the patient's GP practice, which may Get it, does not find it in
      // its own list (reported; not an edge difference).
      {Op::kListPrescriptions,
       "ListPrescriptions",
       {C::kPharmacy, C::kService, C::kIntegrator}},
      {Op::kListAnotherOrganisationsPrescriptions,
       "ListPrescriptions(other ODS)",
       {}},
      {Op::kGetTimeline,
       "GetTimeline",
       {C::kGp, C::kPharmacy, C::kService, C::kIntegrator}},
      {Op::kWatchEvents,
       "WatchEvents",
       {C::kGp, C::kPharmacy, C::kService, C::kIntegrator}},
      {Op::kMarkSent, "MarkSent", {C::kService, C::kIntegrator}},
      {Op::kAcknowledgeGpRoute,
       "Acknowledge(GP route)",
       {C::kGp, C::kIntegrator}},
      {Op::kAcknowledgePharmacyRoute,
       "Acknowledge(pharmacy route)",
       {C::kPharmacy, C::kIntegrator}},
      {Op::kAcknowledgeServiceRoute,
       "Acknowledge(service route)",
       {C::kService, C::kIntegrator}},
      {Op::kPrescribe, "Prescribe", {C::kGp}},
      {Op::kDecline, "Decline", {C::kGp}},
      {Op::kRequireAppointment, "RequireAppointment", {C::kGp}},
      {Op::kDispense, "Dispense", {C::kPharmacy}},
      {Op::kSupplyPharmacyRoute, "Supply(pharmacy route)", {C::kPharmacy}},
      {Op::kSupplyServiceRoute, "Supply(service route)", {C::kService}},
      {Op::kRecordNotSuppliedPharmacyRoute,
       "RecordNotSupplied(pharmacy route)",
       {C::kPharmacy}},
      {Op::kRecordNotSuppliedServiceRoute,
       "RecordNotSupplied(service route)",
       {C::kService}},
      {Op::kCancel, "Cancel", {C::kService}},
      {Op::kRecordOutcome, "RecordOutcome", {C::kService}},
      {Op::kListOutcomes, "ListOutcomes", {C::kTrust, C::kGp, C::kService}},
      {Op::kListDeliveries, "ListDeliveries", {C::kAdmin}},
      {Op::kGetDelivery, "GetDelivery", {C::kAdmin}},
      {Op::kDiscardDelivery, "DiscardDelivery", {C::kAdmin}},
      {Op::kReplayDelivery, "ReplayDelivery", {C::kAdmin}},
      {Op::kGetDeliveryStats, "GetDeliveryStats", {C::kAdmin}},
      {Op::kVerifyAuditChain, "VerifyAuditChain", {C::kAdmin}},
      {Op::kListAuditRecords, "ListAuditRecords", {C::kAdmin}},
  };
  return *rows;
}

bool Allowed(const Row& row, Caller caller) {
  for (Caller c : row.allowed) {
    if (c == caller) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// The record each operation needs, in the state where it is legal.
enum class Stage {
  kNone,
  kReferral,
  kRecommended,
  kSent,
  kAcknowledged,
  kPrescribed
};

struct Need {
  Stage stage = Stage::kNone;
  v1::Route route = v1::ROUTE_PHARMACY_SUPPLY;
  bool changes = false;  // a refusal must leave the record as it was
};

Need NeedOf(Op op) {
  constexpr v1::Route kGpRoute = v1::ROUTE_GP_PRESCRIPTION;
  constexpr v1::Route kPharmacyRoute = v1::ROUTE_PHARMACY_SUPPLY;
  constexpr v1::Route kServiceRoute = v1::ROUTE_SERVICE_SUPPLY;
  switch (op) {
    case Op::kGetReferral:
    case Op::kListReferrals:
    case Op::kListAnotherOrganisationsReferrals:
    case Op::kListOutcomes:
      return {Stage::kReferral};
    case Op::kUpdateReferralStatus:
    case Op::kRecommendPrescription:
    case Op::kRecordOutcome:
      return {Stage::kReferral, kPharmacyRoute, true};
    case Op::kGetPrescription:
    case Op::kListPrescriptions:
    case Op::kListAnotherOrganisationsPrescriptions:
    case Op::kGetTimeline:
    case Op::kWatchEvents:
      return {Stage::kRecommended, kPharmacyRoute};
    case Op::kMarkSent:
    case Op::kCancel:
      return {Stage::kRecommended, kPharmacyRoute, true};
    case Op::kAcknowledgeGpRoute:
      return {Stage::kSent, kGpRoute, true};
    case Op::kAcknowledgePharmacyRoute:
      return {Stage::kSent, kPharmacyRoute, true};
    case Op::kAcknowledgeServiceRoute:
      return {Stage::kSent, kServiceRoute, true};
    case Op::kPrescribe:
    case Op::kDecline:
    case Op::kRequireAppointment:
      return {Stage::kAcknowledged, kGpRoute, true};
    case Op::kDispense:
      return {Stage::kPrescribed, kGpRoute, true};
    case Op::kSupplyPharmacyRoute:
    case Op::kRecordNotSuppliedPharmacyRoute:
      return {Stage::kAcknowledged, kPharmacyRoute, true};
    case Op::kSupplyServiceRoute:
    case Op::kRecordNotSuppliedServiceRoute:
      return {Stage::kAcknowledged, kServiceRoute, true};
    default:
      return {};
  }
}

struct Fixture {
  std::string referral_id;
  std::string prescription_id;
  std::string eps_id;
  // What the world's service sees of the record when it was made.
  std::string fingerprint;
};

// A valid short-form EPS prescription id (MOD 37-2 check character),
// different for each n.
std::string EpsId(int n) {
  std::string id =
      absl::StrFormat("%06X-Y90001-%05X", 0xA00000 + n, 0x10000 + n);
  constexpr char kChars[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ+";
  int total = 0;
  for (char c : id) {
    if (c == '-') continue;
    const int value = c <= '9' ? c - '0' : c - 'A' + 10;
    total = ((total + value) * 2) % 37;
  }
  id.push_back(kChars[((1 - total) % 37 + 37) % 37]);
  return id;
}

// ---------------------------------------------------------------------------
// What an edge answered.
struct Answer {
  enum Kind { kAllowed, kRefused, kOther } kind = kOther;
  std::string detail;
  // A refusal the gateway must have audited, and the record it names ("" =
  // any).
  bool audited = false;
  std::string record_id;
};

const char* KindName(Answer::Kind k) {
  return k == Answer::kAllowed   ? "allowed"
         : k == Answer::kRefused ? "refused"
                                 : "something else";
}

Answer FromGrpc(const grpc::Status& s, const std::string& record_id) {
  if (s.ok()) return {Answer::kAllowed, "OK"};
  if (s.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
    return {Answer::kRefused, s.error_message(), true, record_id};
  }
  return {Answer::kOther,
          absl::StrCat("gRPC code ", s.error_code(), ": ", s.error_message())};
}

// A refusal's audit row: the caller, and the record it concerned or, for a
// refusal about no record, the operation's name.
struct AuditExpectation {
  std::string ods;
  std::string role;
  std::string record_id;
  std::string operation;
  std::string what;
};

class AccessMatrixTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // X26 also runs a tobacco service and a GP practice in the integrator
    // world: certificates only to set its records up.
    testing::MakeExtraDevCert("service-x26", "X26", "tobacco_service");
    testing::MakeExtraDevCert("gp-x26", "X26", "gp");
    gateway_ = new SecureGatewayBinary("access_matrix");
  }
  static void TearDownTestSuite() {
    delete gateway_;
    gateway_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(gateway_->started()); }

  static GrpcAs& As(const std::string& cert) { return gateway_->As(cert); }
  static std::string NextId(absl::string_view what) {
    return absl::StrCat(what, "-", ++counter_);
  }

  // --- The worlds' organisations and who sets their records up.
  static const char* Creator(World w) {
    return w == World::kMain ? "trust-rx9" : "integrator-x26";
  }
  static const char* ServiceCert(World w) {
    return w == World::kMain ? "service-tds01" : "service-x26";
  }
  static const char* ServiceOds(World w) {
    return w == World::kMain ? "TDS01" : "X26";
  }
  static std::string TargetOds(World w, v1::Route route) {
    if (w == World::kIntegrator) return "X26";
    if (route == v1::ROUTE_PHARMACY_SUPPLY) return "FZZ99";
    if (route == v1::ROUTE_SERVICE_SUPPLY) return "TDS01";
    return "";  // the GP route defaults to the patient's practice
  }
  static const char* Acknowledger(World w, v1::Route route) {
    if (w == World::kIntegrator) return "integrator-x26";
    if (route == v1::ROUTE_PHARMACY_SUPPLY) return "pharmacy-fzz99";
    if (route == v1::ROUTE_SERVICE_SUPPLY) return "service-tds01";
    return "gp-y90001";
  }
  static const char* Prescriber(World w) {
    return w == World::kMain ? "gp-y90001" : "gp-x26";
  }
  static std::string OdsOfCert(const std::string& cert) {
    if (cert == "service-x26" || cert == "gp-x26" || cert == "integrator-x26") {
      return "X26";
    }
    for (const CallerInfo& c : kCallers) {
      if (cert == c.cert) return c.ods;
    }
    return "";
  }

  static v1::CreateReferralRequest ReferralBody(World w) {
    v1::CreateReferralRequest r =
        testing::SampleReferralRequest(NextId("referral"));
    if (w == World::kIntegrator) {
      r.mutable_referral()->mutable_referrer()->set_ods_code("X26");
      r.mutable_referral()->mutable_service()->set_ods_code("X26");
    }
    return r;
  }

  // The referral a caller asks to create: a related caller names itself
  // where its role needs it (as referrer; a service as the service).
  static v1::CreateReferralRequest ReferralBodyFor(const CallerInfo& c) {
    v1::CreateReferralRequest r = ReferralBody(c.world);
    if (c.related && c.caller != Caller::kService) {
      r.mutable_referral()->mutable_referrer()->set_ods_code(c.ods);
    }
    return r;
  }

  template <typename Request>
  static Request Step(const std::string& prescription_id,
                      const std::string& ods) {
    Request r;
    r.set_request_id(NextId("step"));
    r.set_prescription_id(prescription_id);
    r.mutable_actor()->mutable_organisation()->set_ods_code(ods);
    return r;
  }

  // A fresh record of world `w` at `stage` on `route`, set up by the
  // organisations entitled to each step.
  static Fixture Make(World w, Stage stage, v1::Route route) {
    Fixture f;
    v1::Referral referral;
    grpc::Status s =
        As(Creator(w))
            .referrals->CreateReferral(Ctx().get(), ReferralBody(w), &referral);
    EXPECT_TRUE(s.ok()) << "set-up CreateReferral: " << s.error_message();
    f.referral_id = referral.referral_id();
    if (stage == Stage::kReferral) {
      f.fingerprint = Fingerprint(w, f);
      return f;
    }
    v1::PrescriptionRequest p;
    s = As(ServiceCert(w))
            .prescriptions->RecommendPrescription(
                Ctx().get(),
                testing::SampleRecommendation(
                    NextId("recommend"), f.referral_id, "nrt-patch-21mg-24h",
                    route, TargetOds(w, route)),
                &p);
    EXPECT_TRUE(s.ok()) << "set-up Recommend: " << s.error_message();
    f.prescription_id = p.prescription_id();
    if (stage >= Stage::kSent) {
      s = As(ServiceCert(w))
              .prescriptions->MarkSent(
                  Ctx().get(),
                  Step<v1::TransitionRequest>(f.prescription_id, ServiceOds(w)),
                  &p);
      EXPECT_TRUE(s.ok()) << "set-up MarkSent: " << s.error_message();
    }
    if (stage >= Stage::kAcknowledged) {
      const char* who = Acknowledger(w, route);
      s = As(who).prescriptions->Acknowledge(
          Ctx().get(),
          Step<v1::TransitionRequest>(f.prescription_id, OdsOfCert(who)), &p);
      EXPECT_TRUE(s.ok()) << "set-up Acknowledge: " << s.error_message();
    }
    if (stage >= Stage::kPrescribed) {
      auto prescribe = Step<v1::PrescribeRequest>(f.prescription_id,
                                                  OdsOfCert(Prescriber(w)));
      f.eps_id = EpsId(++counter_);
      prescribe.set_eps_prescription_id(f.eps_id);
      s = As(Prescriber(w))
              .prescriptions->Prescribe(Ctx().get(), prescribe, &p);
      EXPECT_TRUE(s.ok()) << "set-up Prescribe: " << s.error_message();
    }
    f.fingerprint = Fingerprint(w, f);
    return f;
  }

  // The record for `op` in `w`, shared by cases until one changes it.
  Fixture& FixtureFor(World w, const Need& need) {
    const std::string key =
        absl::StrCat(static_cast<int>(w), "/", static_cast<int>(need.stage),
                     "/", static_cast<int>(need.route));
    auto it = fixtures_.find(key);
    if (it == fixtures_.end()) {
      it = fixtures_.emplace(key, Make(w, need.stage, need.route)).first;
    }
    return it->second;
  }
  void Spent(World w, const Need& need) {
    fixtures_.erase(absl::StrCat(static_cast<int>(w), "/",
                                 static_cast<int>(need.stage), "/",
                                 static_cast<int>(need.route)));
  }

  // What the world's service (which may read everything of it) sees of a
  // record now: a request's status and version; a referral's status and
  // how many requests and outcomes it has.
  static std::string Fingerprint(World w, const Fixture& f) {
    GrpcAs& service = As(ServiceCert(w));
    if (!f.prescription_id.empty()) {
      v1::GetPrescriptionRequest get;
      get.set_prescription_id(f.prescription_id);
      v1::PrescriptionRequest p;
      grpc::Status s =
          service.prescriptions->GetPrescription(Ctx().get(), get, &p);
      EXPECT_TRUE(s.ok()) << s.error_message();
      return absl::StrCat(v1::PrescriptionStatus_Name(p.status()), " v",
                          p.version());
    }
    v1::GetReferralRequest get;
    get.set_referral_id(f.referral_id);
    v1::Referral referral;
    grpc::Status s =
        service.referrals->GetReferral(Ctx().get(), get, &referral);
    EXPECT_TRUE(s.ok()) << s.error_message();
    v1::ListPrescriptionsRequest list;
    list.set_referral_id(f.referral_id);
    v1::ListPrescriptionsResponse requests;
    s = service.prescriptions->ListPrescriptions(Ctx().get(), list, &requests);
    EXPECT_TRUE(s.ok()) << s.error_message();
    v1::ListOutcomesRequest outcomes_of;
    outcomes_of.set_referral_id(f.referral_id);
    v1::ListOutcomesResponse outcomes;
    s = service.outcomes->ListOutcomes(Ctx().get(), outcomes_of, &outcomes);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return absl::StrCat(v1::ReferralStatus_Name(referral.status()), ", ",
                        requests.prescriptions_size(), " requests, ",
                        outcomes.outcomes_size(), " outcomes");
  }

  // A dead letter (the outbox's routes lead nowhere, one attempt each).
  static std::string DeadLetter() {
    if (!dead_letter_.empty()) return dead_letter_;
    const absl::Time give_up = absl::Now() + absl::Seconds(15);
    while (dead_letter_.empty() && absl::Now() < give_up) {
      v1::ListDeliveriesRequest list;
      list.set_state(v1::DELIVERY_STATE_DEAD_LETTER);
      v1::ListDeliveriesResponse listed;
      grpc::Status s =
          As("admin-ops").admin->ListDeliveries(Ctx().get(), list, &listed);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (listed.deliveries_size() > 0) {
        dead_letter_ = listed.deliveries(0).message_id();
      } else {
        absl::SleepFor(absl::Milliseconds(100));
      }
    }
    EXPECT_FALSE(dead_letter_.empty()) << "no dead letter appeared";
    return dead_letter_;
  }

  // ---------------------------------------------------------------- edges
  // gRPC offers every operation to every role.
  Answer ViaGrpc(Op op, const CallerInfo& c, const Fixture& f);
  // HL7 v2 over MLLP offers CreateReferral, to trusts.
  Answer ViaHl7(Op op, const CallerInfo& c);
  // FHIR $process-message offers the GP's decisions and the pharmacy's
  // (or service's) dispense and supply reports, to anyone.
  Answer ViaFhir(Op op, const CallerInfo& c, const Fixture& f);

  enum class Edge { kGrpc, kHl7, kFhir };

  static bool Offers(Edge edge, Op op) {
    switch (edge) {
      case Edge::kGrpc:
        return true;
      case Edge::kHl7:
        return op == Op::kCreateReferral;
      case Edge::kFhir:
        return op == Op::kPrescribe || op == Op::kDecline ||
               op == Op::kRequireAppointment || op == Op::kDispense ||
               op == Op::kSupplyPharmacyRoute ||
               op == Op::kSupplyServiceRoute ||
               op == Op::kRecordNotSuppliedPharmacyRoute ||
               op == Op::kRecordNotSuppliedServiceRoute;
    }
    return false;
  }
  // Whom the edge serves at all; anyone else must be refused.
  static bool Serves(Edge edge, const CallerInfo& c) {
    return edge != Edge::kHl7 || std::string(c.role) == "mental_health_trust";
  }

  // Drives every case of the table through `edge`; returns the number of
  // cases.
  int RunEdge(Edge edge, absl::string_view edge_name) {
    int cases = 0;
    const int64_t audited_before = LastAuditSequence();
    std::vector<AuditExpectation> audits;
    for (const Row& row : Matrix()) {
      if (!Offers(edge, row.op)) continue;
      const Need need = NeedOf(row.op);
      for (const CallerInfo& c : kCallers) {
        const bool expected = Serves(edge, c) && Allowed(row, c.caller);
        Fixture f;
        if (need.stage != Stage::kNone) f = FixtureFor(c.world, need);
        Answer got = edge == Edge::kGrpc  ? ViaGrpc(row.op, c, f)
                     : edge == Edge::kHl7 ? ViaHl7(row.op, c)
                                          : ViaFhir(row.op, c, f);
        ++cases;
        const std::string what =
            absl::StrCat(edge_name, " ", row.name, " by ", c.label);
        const Answer::Kind want =
            expected ? Answer::kAllowed : Answer::kRefused;
        if (got.kind != want) {
          ADD_FAILURE() << what << ": expected " << KindName(want) << ", got "
                        << KindName(got.kind) << " (" << got.detail << ")";
        }
        if (got.kind == Answer::kAllowed && need.changes) {
          Spent(c.world, need);
        } else if (got.kind == Answer::kRefused && need.changes) {
          EXPECT_EQ(Fingerprint(c.world, f), f.fingerprint)
              << what << ": a refusal changed the record";
        }
        if (got.kind == Answer::kRefused && got.audited) {
          audits.push_back({c.ods, c.role, got.record_id,
                            got.record_id.empty() ? row.name : "", what});
        }
      }
    }
    ExpectAudited(audits, audited_before);
    return cases;
  }

  // The audit log after `after`, oldest first (admin only).
  static std::vector<v1::AuditRecord> AuditRows(int64_t after) {
    std::vector<v1::AuditRecord> rows;
    while (true) {
      v1::ListAuditRecordsRequest list;
      list.set_after_sequence(after);
      list.set_limit(1000);
      v1::ListAuditRecordsResponse page;
      grpc::Status s =
          As("admin-ops").admin->ListAuditRecords(Ctx().get(), list, &page);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok() || page.records_size() == 0) return rows;
      for (const auto& r : page.records()) rows.push_back(r);
      after = page.records(page.records_size() - 1).sequence();
    }
  }
  static int64_t LastAuditSequence() {
    std::vector<v1::AuditRecord> rows = AuditRows(0);
    return rows.empty() ? 0 : rows.back().sequence();
  }

  // Every refusal has its own PERMISSION_DENIED row, written since the
  // edge's cases began, naming the caller (organisation and role) and the
  // record (or the operation). Refusals are audited asynchronously: wait a
  // little.
  static void ExpectAudited(const std::vector<AuditExpectation>& expected,
                            int64_t after) {
    std::vector<const AuditExpectation*> missing;
    const absl::Time give_up = absl::Now() + absl::Seconds(5);
    do {
      std::vector<v1::AuditRecord> rows = AuditRows(after);
      std::vector<bool> used(rows.size(), false);
      missing.clear();
      for (const AuditExpectation& e : expected) {
        bool found = false;
        for (size_t i = 0; i < rows.size() && !found; ++i) {
          const v1::AuditRecord& r = rows[i];
          found = !used[i] && r.ods_code() == e.ods && r.role() == e.role &&
                  r.result() == "PERMISSION_DENIED" &&
                  (e.record_id.empty() ? r.operation() == e.operation
                                       : r.record_id() == e.record_id);
          if (found) used[i] = true;
        }
        if (!found) missing.push_back(&e);
      }
      if (missing.empty()) break;
      absl::SleepFor(absl::Milliseconds(100));
    } while (absl::Now() < give_up);
    for (const AuditExpectation* e : missing) {
      ADD_FAILURE() << "no audit row for the refusal of " << e->what << " (ods "
                    << e->ods << ", record '" << e->record_id
                    << "', operation '" << e->operation << "')";
    }
    EXPECT_GT(expected.size(), 0u);
  }

  static SecureGatewayBinary* gateway_;
  static int counter_;
  static std::string dead_letter_;
  std::map<std::string, Fixture> fixtures_;
};

SecureGatewayBinary* AccessMatrixTest::gateway_ = nullptr;
int AccessMatrixTest::counter_ = 0;
std::string AccessMatrixTest::dead_letter_;

// ------------------------------------------------------------------- gRPC
Answer AccessMatrixTest::ViaGrpc(Op op, const CallerInfo& c, const Fixture& f) {
  GrpcAs& as = As(c.cert);
  const std::string& rx = f.prescription_id;
  v1::PrescriptionRequest p;
  switch (op) {
    case Op::kCreateReferral: {
      v1::Referral out;
      return FromGrpc(
          as.referrals->CreateReferral(Ctx().get(), ReferralBodyFor(c), &out),
          "");
    }
    case Op::kGetReferral: {
      v1::GetReferralRequest get;
      get.set_referral_id(f.referral_id);
      v1::Referral out;
      return FromGrpc(as.referrals->GetReferral(Ctx().get(), get, &out),
                      f.referral_id);
    }
    case Op::kListReferrals: {
      v1::ListReferralsRequest list;
      list.set_page_size(500);
      do {
        v1::ListReferralsResponse page;
        grpc::Status s = as.referrals->ListReferrals(Ctx().get(), list, &page);
        if (!s.ok()) return FromGrpc(s, "");
        for (const auto& r : page.referrals()) {
          if (r.referral_id() == f.referral_id) {
            return {Answer::kAllowed, "listed"};
          }
        }
        list.set_page_token(page.next_page_token());
      } while (!list.page_token().empty());
      return {Answer::kRefused, "not in the caller's list"};
    }
    case Op::kListAnotherOrganisationsReferrals: {
      v1::ListReferralsRequest list;
      const std::string other = std::string(c.ods) == "TDS01" ? "RX9" : "TDS01";
      list.set_ods_code(other);
      v1::ListReferralsResponse page;
      return FromGrpc(as.referrals->ListReferrals(Ctx().get(), list, &page),
                      other);
    }
    case Op::kUpdateReferralStatus: {
      v1::UpdateReferralStatusRequest update;
      update.set_request_id(NextId("status"));
      update.set_referral_id(f.referral_id);
      update.set_status(v1::REFERRAL_STATUS_ACCEPTED);
      update.mutable_actor()->mutable_organisation()->set_ods_code(c.ods);
      v1::Referral out;
      return FromGrpc(
          as.referrals->UpdateReferralStatus(Ctx().get(), update, &out),
          f.referral_id);
    }
    case Op::kRecommendPrescription:
      return FromGrpc(as.prescriptions->RecommendPrescription(
                          Ctx().get(),
                          testing::SampleRecommendation(
                              NextId("recommend"), f.referral_id,
                              "nrt-patch-21mg-24h", v1::ROUTE_PHARMACY_SUPPLY,
                              TargetOds(c.world, v1::ROUTE_PHARMACY_SUPPLY)),
                          &p),
                      f.referral_id);
    case Op::kGetPrescription: {
      v1::GetPrescriptionRequest get;
      get.set_prescription_id(rx);
      return FromGrpc(as.prescriptions->GetPrescription(Ctx().get(), get, &p),
                      rx);
    }
    case Op::kListPrescriptions: {
      v1::ListPrescriptionsRequest list;
      list.set_referral_id(f.referral_id);
      list.set_page_size(500);
      v1::ListPrescriptionsResponse page;
      grpc::Status s =
          as.prescriptions->ListPrescriptions(Ctx().get(), list, &page);
      if (!s.ok()) return FromGrpc(s, "");
      for (const auto& listed : page.prescriptions()) {
        if (listed.prescription_id() == rx) return {Answer::kAllowed, "listed"};
      }
      return {Answer::kRefused, "not in the caller's list"};
    }
    case Op::kListAnotherOrganisationsPrescriptions: {
      v1::ListPrescriptionsRequest list;
      const std::string other =
          std::string(c.ods) == "TDS01" ? "FZZ99" : "TDS01";
      list.set_ods_code(other);
      v1::ListPrescriptionsResponse page;
      return FromGrpc(
          as.prescriptions->ListPrescriptions(Ctx().get(), list, &page), other);
    }
    case Op::kGetTimeline: {
      v1::GetTimelineRequest get;
      get.set_prescription_id(rx);
      v1::GetTimelineResponse out;
      return FromGrpc(as.prescriptions->GetTimeline(Ctx().get(), get, &out),
                      rx);
    }
    case Op::kWatchEvents: {
      // The request's events are all committed: a caller who may see them
      // gets the first at once; anyone else gets nothing until the deadline.
      auto ctx = Ctx(absl::Milliseconds(700));
      v1::WatchEventsRequest watch;
      watch.set_prescription_id(rx);
      auto reader = as.prescriptions->WatchEvents(ctx.get(), watch);
      v1::TimelineEvent event;
      const bool got = reader->Read(&event);
      ctx->TryCancel();
      grpc::Status s = reader->Finish();
      if (got) return {Answer::kAllowed, "streamed"};
      if (s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
          s.error_code() == grpc::StatusCode::CANCELLED) {
        return {Answer::kRefused, "nothing streamed"};
      }
      return FromGrpc(s, rx);
    }
    case Op::kMarkSent:
      return FromGrpc(
          as.prescriptions->MarkSent(
              Ctx().get(), Step<v1::TransitionRequest>(rx, c.ods), &p),
          rx);
    case Op::kAcknowledgeGpRoute:
    case Op::kAcknowledgePharmacyRoute:
    case Op::kAcknowledgeServiceRoute:
      return FromGrpc(
          as.prescriptions->Acknowledge(
              Ctx().get(), Step<v1::TransitionRequest>(rx, c.ods), &p),
          rx);
    case Op::kPrescribe: {
      auto prescribe = Step<v1::PrescribeRequest>(rx, c.ods);
      prescribe.set_eps_prescription_id(EpsId(++counter_));
      return FromGrpc(as.prescriptions->Prescribe(Ctx().get(), prescribe, &p),
                      rx);
    }
    case Op::kDecline: {
      auto decline = Step<v1::ReasonedTransitionRequest>(rx, c.ods);
      decline.set_reason_code("CLINICAL_CONTRAINDICATION");
      return FromGrpc(as.prescriptions->Decline(Ctx().get(), decline, &p), rx);
    }
    case Op::kRequireAppointment:
      return FromGrpc(
          as.prescriptions->RequireAppointment(
              Ctx().get(), Step<v1::TransitionRequest>(rx, c.ods), &p),
          rx);
    case Op::kDispense: {
      auto dispense = Step<v1::TransitionRequest>(rx, c.ods);
      v1::ExternalId* eps = dispense.add_external_ids();
      eps->set_system(fhir::kEpsOrderNumberSystem);
      // A related pharmacy holds the request's EPS id; another quotes one
      // of its own.
      eps->set_value(c.related ? f.eps_id : EpsId(++counter_));
      return FromGrpc(as.prescriptions->Dispense(Ctx().get(), dispense, &p),
                      rx);
    }
    case Op::kSupplyPharmacyRoute:
    case Op::kSupplyServiceRoute:
      return FromGrpc(
          as.prescriptions->Supply(Ctx().get(),
                                   Step<v1::TransitionRequest>(rx, c.ods), &p),
          rx);
    case Op::kRecordNotSuppliedPharmacyRoute:
    case Op::kRecordNotSuppliedServiceRoute: {
      auto not_supplied = Step<v1::ReasonedTransitionRequest>(rx, c.ods);
      not_supplied.set_reason_code("OUT_OF_STOCK");
      return FromGrpc(
          as.prescriptions->RecordNotSupplied(Ctx().get(), not_supplied, &p),
          rx);
    }
    case Op::kCancel: {
      auto cancel = Step<v1::ReasonedTransitionRequest>(rx, c.ods);
      cancel.set_reason_code("PATIENT_DECLINED");
      return FromGrpc(as.prescriptions->Cancel(Ctx().get(), cancel, &p), rx);
    }
    case Op::kRecordOutcome: {
      v1::RecordOutcomeRequest record;
      record.set_request_id(NextId("outcome"));
      v1::Outcome* o = record.mutable_outcome();
      o->set_referral_id(f.referral_id);
      o->set_follow_up(v1::FOLLOW_UP_POINT_WEEK_4);
      o->set_status(v1::OUTCOME_STATUS_QUIT_SELF_REPORTED);
      o->set_quit_date("2026-10-20");
      o->set_recorded_on("2026-11-17");
      o->mutable_recorded_by()->mutable_organisation()->set_ods_code(c.ods);
      v1::Outcome out;
      return FromGrpc(as.outcomes->RecordOutcome(Ctx().get(), record, &out),
                      f.referral_id);
    }
    case Op::kListOutcomes: {
      v1::ListOutcomesRequest list;
      list.set_referral_id(f.referral_id);
      v1::ListOutcomesResponse out;
      return FromGrpc(as.outcomes->ListOutcomes(Ctx().get(), list, &out),
                      f.referral_id);
    }
    case Op::kListDeliveries: {
      v1::ListDeliveriesResponse out;
      return FromGrpc(as.admin->ListDeliveries(
                          Ctx().get(), v1::ListDeliveriesRequest(), &out),
                      "");
    }
    case Op::kGetDelivery: {
      v1::GetDeliveryRequest get;
      get.set_message_id(DeadLetter());
      v1::Delivery out;
      return FromGrpc(as.admin->GetDelivery(Ctx().get(), get, &out), "");
    }
    case Op::kDiscardDelivery: {
      v1::DiscardDeliveryRequest discard;
      discard.set_message_id(DeadLetter());
      discard.set_reason("access matrix");
      v1::Delivery out;
      return FromGrpc(as.admin->DiscardDelivery(Ctx().get(), discard, &out),
                      "");
    }
    case Op::kReplayDelivery: {
      v1::ReplayDeliveryRequest replay;
      replay.set_message_id(DeadLetter());
      v1::Delivery out;
      return FromGrpc(as.admin->ReplayDelivery(Ctx().get(), replay, &out), "");
    }
    case Op::kGetDeliveryStats: {
      v1::GetDeliveryStatsResponse out;
      return FromGrpc(as.admin->GetDeliveryStats(
                          Ctx().get(), v1::GetDeliveryStatsRequest(), &out),
                      "");
    }
    case Op::kVerifyAuditChain: {
      v1::VerifyAuditChainResponse out;
      grpc::Status s = as.admin->VerifyAuditChain(
          Ctx().get(), v1::VerifyAuditChainRequest(), &out);
      if (s.ok() && !out.intact()) {
        return {Answer::kOther, absl::StrCat("chain broken: ", out.problem())};
      }
      return FromGrpc(s, "");
    }
    case Op::kListAuditRecords: {
      v1::ListAuditRecordsRequest list;
      list.set_limit(1);
      v1::ListAuditRecordsResponse out;
      return FromGrpc(as.admin->ListAuditRecords(Ctx().get(), list, &out), "");
    }
  }
  return {Answer::kOther, "operation not driven over gRPC"};
}

// -------------------------------------------------------------------- HL7
std::string ReadText(const std::string& path) {
  return testing::ReadFile(path);
}

Answer AccessMatrixTest::ViaHl7(Op op, const CallerInfo& c) {
  if (op != Op::kCreateReferral) return {Answer::kOther, "not offered"};
  // The reference REF^I12 in original acknowledgement mode, sent honestly
  // (MSH-4 = the certificate's organisation), naming as referrer (PRD-7) and
  // service what the gRPC case names.
  const v1::CreateReferralRequest body = ReferralBodyFor(c);
  const std::string control_id = NextId("MX");
  std::string message = ReadText(std::string(TOBACCO_SOURCE_DIR) +
                                 "/tests/testdata/hl7v2/ref_i12_basic.hl7");
  message = absl::StrReplaceAll(
      message,
      {{"|P|2.5.1|||AL|AL", "|P|2.5.1"},
       {"MSG000101", control_id},
       {"|RIO|RX9|", absl::StrCat("|RIO|", c.ods, "|")},
       {"C7654321^GMC~RX9^ODS",
        absl::StrCat("C7654321^GMC~", body.referral().referrer().ods_code(),
                     "^ODS")},
       {"||||||TDS01^ODS",
        absl::StrCat("||||||", body.referral().service().ods_code(), "^ODS")},
       {"\r\n", "\r"},
       {"\n", "\r"}});
  hl7v2::MllpTlsOptions tls;
  tls.cert_file =
      (testing::DevCerts() / (std::string(c.cert) + ".pem")).string();
  tls.key_file =
      (testing::DevCerts() / (std::string(c.cert) + ".key")).string();
  tls.ca_file = (testing::DevCerts() / "ca.pem").string();
  auto context = hl7v2::MllpTlsContext::ForClient(tls);
  if (!context.ok()) return {Answer::kOther, context.status().ToString()};
  hl7v2::MllpClientOptions options;
  options.address = absl::StrCat("127.0.0.1:", gateway_->mllp_port());
  options.io_timeout = absl::Seconds(10);
  options.attempts = 1;
  options.tls = *context;
  hl7v2::MllpClient client(options);
  absl::StatusOr<std::string> ack = client.Send(message);
  if (!ack.ok()) return {Answer::kOther, ack.status().ToString()};
  if (absl::StrContains(*ack, absl::StrCat("MSA|AA|", control_id))) {
    return {Answer::kAllowed, "AA"};
  }
  // Refused: AE, with an ERR naming the field at fault - MSH-4 (the sender
  // may not send this) or PRD-7 (the referrer is not the sender).
  if (absl::StrContains(*ack, absl::StrCat("MSA|AE|", control_id)) &&
      absl::StrContains(*ack, "\rERR|") &&
      (absl::StrContains(*ack, "MSH^1^4") || absl::StrContains(*ack, "PRD"))) {
    return {Answer::kRefused, *ack, true, ""};
  }
  return {Answer::kOther, absl::StrReplaceAll(*ack, {{"\r", "\n"}})};
}

// ------------------------------------------------------------------- FHIR
Json Example(const std::string& name) {
  return Json::parse(ReadText(std::string(TOBACCO_SOURCE_DIR) +
                              "/tests/testdata/fhir/" + name));
}

Answer AccessMatrixTest::ViaFhir(Op op, const CallerInfo& c, const Fixture& f) {
  Json bundle;
  if (op == Op::kPrescribe || op == Op::kDecline ||
      op == Op::kRequireAppointment) {
    bundle = Example("gp_decision_prescribed_bundle.json");
    Json& request = bundle["entry"][1]["resource"];
    request["basedOn"][0]["identifier"]["value"] = f.prescription_id;
    request["groupIdentifier"]["value"] = EpsId(++counter_);
    if (op == Op::kDecline) {
      request["status"] = "cancelled";
      request["statusReason"]["coding"] =
          Json::array({{{"code", "CLINICAL_CONTRAINDICATION"}}});
    } else if (op == Op::kRequireAppointment) {
      request["status"] = "on-hold";
    }
  } else {
    bundle = Example("pharmacy_dispense_bundle.json");
    Json& dispense = bundle["entry"][1]["resource"];
    Json ids = Json::array();
    if (op == Op::kDispense) {
      // A related pharmacy quotes the request's EPS id; another one of its
      // own.
      ids.push_back({{"identifier",
                      {{"system", fhir::kEpsOrderNumberSystem},
                       {"value", c.related ? f.eps_id : EpsId(++counter_)}}}});
    }
    ids.push_back({{"identifier",
                    {{"system", fhir::kPrescriptionRequestSystem},
                     {"value", f.prescription_id}}}});
    dispense["authorizingPrescription"] = ids;
    if (op == Op::kRecordNotSuppliedPharmacyRoute ||
        op == Op::kRecordNotSuppliedServiceRoute) {
      dispense["status"] = "declined";
      dispense["statusReasonCodeableConcept"]["coding"] =
          Json::array({{{"code", "OUT_OF_STOCK"}}});
    }
  }
  bundle["id"] = NextId("bundle");
  // Sent honestly: the sender (or performer) is the certificate's
  // organisation.
  bundle["entry"][3]["resource"]["identifier"][0]["value"] = c.ods;

  fhir::HttpsClientOptions options;
  options.ca_cert_path = (testing::DevCerts() / "ca.pem").string();
  options.client_cert_path =
      (testing::DevCerts() / (std::string(c.cert) + ".pem")).string();
  options.client_key_path =
      (testing::DevCerts() / (std::string(c.cert) + ".key")).string();
  options.io_timeout = absl::Seconds(10);
  auto r = fhir::PostMessage(gateway_->fhir_url(), bundle.dump(), options);
  if (!r.ok()) return {Answer::kOther, r.status().ToString()};
  if (r->status == 200) return {Answer::kAllowed, "200"};
  const Json outcome = Json::parse(r->body, nullptr, false);
  if (r->status == 403 && !outcome.is_discarded() &&
      outcome.value("resourceType", "") == "OperationOutcome" &&
      outcome["issue"][0].value("code", "") == "forbidden") {
    return {Answer::kRefused, r->body, true, f.prescription_id};
  }
  return {Answer::kOther, absl::StrCat("HTTP ", r->status, ": ", r->body)};
}

// ------------------------------------------------------------------ tests

TEST_F(AccessMatrixTest, TheTableNamesEveryCallerOnce) {
  // Guards the table itself: 11 callers (6 roles, related or not), and no
  // row grants a caller twice.
  EXPECT_EQ(std::size(kCallers), 11u);
  for (size_t i = 0; i < std::size(kCallers); ++i) {
    EXPECT_EQ(static_cast<size_t>(kCallers[i].caller), i);
  }
  for (const Row& row : Matrix()) {
    std::set<Caller> seen(row.allowed.begin(), row.allowed.end());
    EXPECT_EQ(seen.size(), row.allowed.size()) << row.name;
  }
}

TEST_F(AccessMatrixTest, GrpcGivesEveryRoleTheTablesAnswer) {
  const absl::Time start = absl::Now();
  const int cases = RunEdge(Edge::kGrpc, "gRPC");
  EXPECT_EQ(cases, static_cast<int>(Matrix().size() * std::size(kCallers)));
  std::cout << "gRPC: " << cases << " cases in " << (absl::Now() - start)
            << "\n";
}

TEST_F(AccessMatrixTest, Hl7GivesEveryRoleTheTablesAnswer) {
  const absl::Time start = absl::Now();
  const int cases = RunEdge(Edge::kHl7, "HL7");
  EXPECT_EQ(cases, static_cast<int>(std::size(kCallers)));
  std::cout << "HL7: " << cases << " cases in " << (absl::Now() - start)
            << "\n";
}

TEST_F(AccessMatrixTest, FhirGivesEveryRoleTheTablesAnswer) {
  const absl::Time start = absl::Now();
  const int cases = RunEdge(Edge::kFhir, "FHIR");
  EXPECT_EQ(cases, static_cast<int>(8 * std::size(kCallers)));
  std::cout << "FHIR: " << cases << " cases in " << (absl::Now() - start)
            << "\n";
}

}  // namespace
}  // namespace nhs::tobacco
