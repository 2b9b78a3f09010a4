#ifndef TESTS_INTEGRATION_ACCESS_MATRIX_MATRIX_RECORDS_H_
#define TESTS_INTEGRATION_ACCESS_MATRIX_MATRIX_RECORDS_H_

// The records the access matrix acts on: for each operation a record in the
// state where the operation is legal, made by the organisations entitled to
// each step, in the world (see matrix_table.h) of the caller.

#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/integration/access_matrix/matrix_table.h"
#include "tests/testing/sample_requests.h"
#include "tests/testing/secure_gateway_binary.h"

namespace nhs::tobacco::access_matrix {

using ::nhs::tobacco::testing::Ctx;
using ::nhs::tobacco::testing::GrpcAs;
using ::nhs::tobacco::testing::SecureGatewayBinary;

// ---------------------------------------------------------------------------
// The record each operation needs, in the state where it is legal.
enum class Stage {
  kNone,
  kReferral,  // received
  kAccepted,  // accepted by the service, ready for a recommendation
  kRecommended,
  kSent,
  kAcknowledged,
  kPrescribed,
  // GP refusals (issue 12, gp): acknowledged, then declined by the GP (a
  // branch after kAcknowledged, not after kPrescribed).
  kDeclined,
  // care (issue 12): accepted, then a quit date 28 days ago (IN_TREATMENT),
  // where a 4-week outcome is due today.
  kInTreatment
};

struct Need {
  Stage stage = Stage::kNone;
  v1::Route route = v1::ROUTE_PHARMACY_SUPPLY;
  bool changes = false;  // a refusal must leave the record as it was
};

inline Need NeedOf(Op op) {
  constexpr v1::Route kGpRoute = v1::ROUTE_GP_PRESCRIPTION;
  constexpr v1::Route kPharmacyRoute = v1::ROUTE_PHARMACY_SUPPLY;
  constexpr v1::Route kServiceRoute = v1::ROUTE_SERVICE_SUPPLY;
  switch (op) {
    case Op::kGetReferral:
    case Op::kListReferrals:
    case Op::kListAnotherOrganisationsReferrals:
    case Op::kListOutcomes:
    case Op::kGetReferralTimeline:
      return {Stage::kReferral};
    // safety: the alert the first recommendation raised.
    case Op::kListSafetyAlerts:
      return {Stage::kRecommended, kPharmacyRoute};
    case Op::kAcknowledgeSafetyAlert:
      return {Stage::kRecommended, kPharmacyRoute, true};
    case Op::kUpdateReferralStatus:
    case Op::kUpdateReferral:
      return {Stage::kReferral, kPharmacyRoute, true};
    case Op::kRecordOutcome:
      return {Stage::kInTreatment, kPharmacyRoute, true};
    case Op::kRecommendPrescription:
    case Op::kSetQuitDate:
    case Op::kRecordContact:
      return {Stage::kAccepted, kPharmacyRoute, true};
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
    case Op::kRecommendAlternative:
      return {Stage::kDeclined, kGpRoute, true};
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
inline std::string EpsId(int n) {
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

// A number never used before in this process: request ids must be unique
// for as long as the gateway runs (they are idempotency keys).
inline int NextNumber() {
  static int counter = 0;
  return ++counter;
}

// care: today (UTC) plus `days`, YYYY-MM-DD, for quit dates and follow-ups.
inline std::string DaysFromToday(int days) {
  return absl::FormatCivilTime(
      absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) + days);
}

inline std::string NextId(absl::string_view what) {
  return absl::StrCat(what, "-", NextNumber());
}

class MatrixRecords {
 public:
  explicit MatrixRecords(SecureGatewayBinary& gateway) : gateway_(gateway) {}

  SecureGatewayBinary& gateway() { return gateway_; }
  GrpcAs& As(const std::string& cert) { return gateway_.As(cert); }

  const char* Creator(World w) {
    if (w == World::kTalkingTherapies) return "talking-therapies-tt001";
    return w == World::kMain ? "trust-rx9" : "integrator-x26";
  }
  const char* ServiceCert(World w) {
    return w == World::kIntegrator ? "service-x26" : "service-tds01";
  }
  const char* ServiceOds(World w) {
    return w == World::kIntegrator ? "X26" : "TDS01";
  }
  std::string TargetOds(World w, v1::Route route) {
    if (w == World::kIntegrator) return "X26";
    if (route == v1::ROUTE_PHARMACY_SUPPLY) return "FZZ99";
    if (route == v1::ROUTE_SERVICE_SUPPLY) return "TDS01";
    return "";  // the GP route defaults to the patient's practice
  }
  const char* Acknowledger(World w, v1::Route route) {
    if (w == World::kIntegrator) return "integrator-x26";
    if (route == v1::ROUTE_PHARMACY_SUPPLY) return "pharmacy-fzz99";
    if (route == v1::ROUTE_SERVICE_SUPPLY) return "service-tds01";
    return "gp-y90001";
  }
  const char* Prescriber(World w) {
    return w == World::kIntegrator ? "gp-x26" : "gp-y90001";
  }
  std::string OdsOfCert(const std::string& cert) {
    if (cert == "service-x26" || cert == "gp-x26" || cert == "integrator-x26") {
      return "X26";
    }
    for (const CallerInfo& c : kCallers) {
      if (cert == c.cert) return c.ods;
    }
    return "";
  }

  v1::CreateReferralRequest ReferralBody(World w) {
    v1::CreateReferralRequest r =
        testing::SampleReferralRequest(NextId("referral"));
    if (w == World::kIntegrator) {
      r.mutable_referral()->mutable_referrer()->set_ods_code("X26");
      r.mutable_referral()->mutable_service()->set_ods_code("X26");
    }
    if (w == World::kTalkingTherapies) {
      // Its role's own source is filled in (issue 12).
      r.mutable_referral()->mutable_referrer()->set_ods_code("TT001");
      r.mutable_referral()->clear_source();
    }
    return r;
  }

  // The referral a caller asks to create: a related caller names itself
  // where its role needs it (as referrer; a service as the service).
  v1::CreateReferralRequest ReferralBodyFor(const CallerInfo& c) {
    v1::CreateReferralRequest r = ReferralBody(c.world);
    if (c.related && c.caller != Caller::kService) {
      r.mutable_referral()->mutable_referrer()->set_ods_code(c.ods);
    }
    // A community pharmacy refers under its own source (issue 12).
    if (c.related && std::string(c.role) == "pharmacy") {
      r.mutable_referral()->clear_source();
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
  Fixture Make(World w, Stage stage, v1::Route route) {
    Fixture f;
    v1::Referral referral;
    grpc::Status s =
        gateway_.As(Creator(w))
            .referrals->CreateReferral(Ctx().get(), ReferralBody(w), &referral);
    EXPECT_TRUE(s.ok()) << "set-up CreateReferral: " << s.error_message();
    f.referral_id = referral.referral_id();
    if (stage >= Stage::kAccepted) {
      v1::UpdateReferralStatusRequest accept;
      accept.set_request_id(NextId("accept"));
      accept.set_referral_id(f.referral_id);
      accept.set_status(v1::REFERRAL_STATUS_ACCEPTED);
      accept.mutable_actor()->mutable_organisation()->set_ods_code(
          ServiceOds(w));
      s = gateway_.As(ServiceCert(w))
              .referrals->UpdateReferralStatus(Ctx().get(), accept, &referral);
      EXPECT_TRUE(s.ok()) << "set-up accept: " << s.error_message();
    }
    if (stage == Stage::kInTreatment) {
      v1::SetQuitDateRequest quit;
      quit.set_request_id(NextId("quit-date"));
      quit.set_referral_id(f.referral_id);
      quit.set_quit_date(DaysFromToday(-28));
      quit.mutable_actor()->mutable_organisation()->set_ods_code(ServiceOds(w));
      s = gateway_.As(ServiceCert(w))
              .referrals->SetQuitDate(Ctx().get(), quit, &referral);
      EXPECT_TRUE(s.ok()) << "set-up SetQuitDate: " << s.error_message();
    }
    if (stage <= Stage::kAccepted || stage == Stage::kInTreatment) {
      f.fingerprint = Fingerprint(w, f);
      return f;
    }
    v1::PrescriptionRequest p;
    s = gateway_.As(ServiceCert(w))
            .prescriptions->RecommendPrescription(
                Ctx().get(),
                testing::SampleRecommendation(
                    NextId("recommend"), f.referral_id, "nrt-patch-21mg-24h",
                    route, TargetOds(w, route)),
                &p);
    EXPECT_TRUE(s.ok()) << "set-up Recommend: " << s.error_message();
    f.prescription_id = p.prescription_id();
    if (stage >= Stage::kSent) {
      s = gateway_.As(ServiceCert(w))
              .prescriptions->MarkSent(
                  Ctx().get(),
                  Step<v1::TransitionRequest>(f.prescription_id, ServiceOds(w)),
                  &p);
      EXPECT_TRUE(s.ok()) << "set-up MarkSent: " << s.error_message();
    }
    if (stage >= Stage::kAcknowledged) {
      const char* who = Acknowledger(w, route);
      s = gateway_.As(who).prescriptions->Acknowledge(
          Ctx().get(),
          Step<v1::TransitionRequest>(f.prescription_id, OdsOfCert(who)), &p);
      EXPECT_TRUE(s.ok()) << "set-up Acknowledge: " << s.error_message();
    }
    if (stage == Stage::kDeclined) {
      auto decline = Step<v1::ReasonedTransitionRequest>(
          f.prescription_id, OdsOfCert(Prescriber(w)));
      decline.set_reason_code("CLINICAL_CONTRAINDICATION");
      s = gateway_.As(Prescriber(w))
              .prescriptions->Decline(Ctx().get(), decline, &p);
      EXPECT_TRUE(s.ok()) << "set-up Decline: " << s.error_message();
    } else if (stage >= Stage::kPrescribed) {
      auto prescribe = Step<v1::PrescribeRequest>(f.prescription_id,
                                                  OdsOfCert(Prescriber(w)));
      f.eps_id = EpsId(NextNumber());
      prescribe.set_eps_prescription_id(f.eps_id);
      s = gateway_.As(Prescriber(w))
              .prescriptions->Prescribe(Ctx().get(), prescribe, &p);
      EXPECT_TRUE(s.ok()) << "set-up Prescribe: " << s.error_message();
    }
    f.fingerprint = Fingerprint(w, f);
    return f;
  }

  // The record `need` describes in `w`, shared by cases until one changes
  // it (Spent).
  Fixture& FixtureFor(World w, const Need& need) {
    auto it = fixtures_.find(Key(w, need));
    if (it == fixtures_.end()) {
      it = fixtures_.emplace(Key(w, need), Make(w, need.stage, need.route))
               .first;
    }
    return it->second;
  }
  void Spent(World w, const Need& need) { fixtures_.erase(Key(w, need)); }

  // What the world's service (which may read everything of it) sees of a
  // record now: a request's status and version; a referral's status and
  // how many requests and outcomes it has.
  std::string Fingerprint(World w, const Fixture& f) {
    GrpcAs& service = gateway_.As(ServiceCert(w));
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
  std::string DeadLetter() {
    if (!dead_letter_.empty()) return dead_letter_;
    const absl::Time give_up = absl::Now() + absl::Seconds(15);
    while (dead_letter_.empty() && absl::Now() < give_up) {
      v1::ListDeliveriesRequest list;
      list.set_state(v1::DELIVERY_STATE_DEAD_LETTER);
      v1::ListDeliveriesResponse listed;
      grpc::Status s = gateway_.As("admin-ops")
                           .admin->ListDeliveries(Ctx().get(), list, &listed);
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

 private:
  static std::string Key(World w, const Need& need) {
    return absl::StrCat(static_cast<int>(w), "/", static_cast<int>(need.stage),
                        "/", static_cast<int>(need.route));
  }

  SecureGatewayBinary& gateway_;
  std::map<std::string, Fixture> fixtures_;
  std::string dead_letter_;
};

}  // namespace nhs::tobacco::access_matrix

#endif  // TESTS_INTEGRATION_ACCESS_MATRIX_MATRIX_RECORDS_H_
