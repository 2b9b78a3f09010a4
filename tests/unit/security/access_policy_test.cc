#include "gateway/security/access_policy.h"

#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::security {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;
using O = Operation;

const Role kRoles[] = {Role::kGp,
                       Role::kPharmacy,
                       Role::kMentalHealthTrust,
                       Role::kTobaccoService,
                       Role::kIntegrator,
                       Role::kAdmin,
                       Role::kTalkingTherapies,
                       Role::kLocalAuthority,
                       Role::kVoluntarySector,
                       Role::kIcbCommissioner};
const Operation kOps[] = {
    O::kCreateReferral,     O::kReadReferral,     O::kUpdateReferralStatus,
    O::kRecommend,          O::kReadPrescription, O::kMarkSent,
    O::kAcknowledge,        O::kPrescribe,        O::kDecline,
    O::kRequireAppointment, O::kDispense,         O::kSupply,
    O::kRecordNotSupplied,  O::kCancel,           O::kRecordOutcome,
    O::kReadOutcomes,       O::kAdminister,       O::kReadFormulary,
    O::kReadReports};

// How the caller relates to the record in a scenario.
// kIcbOfPractice / kIcbOfService: the caller is the ICB the registered
// practice / the service is mapped to (reports, issue 14).
enum class Relation {
  kNone,
  kReferrer,
  kService,
  kGp,
  kTarget,
  kEpsHolder,
  kIcbOfPractice,
  kIcbOfService
};
const Relation kRelations[] = {
    Relation::kNone,          Relation::kReferrer,
    Relation::kService,       Relation::kGp,
    Relation::kTarget,        Relation::kEpsHolder,
    Relation::kIcbOfPractice, Relation::kIcbOfService};
const v1::Route kRoutes[] = {v1::ROUTE_GP_PRESCRIPTION,
                             v1::ROUTE_PHARMACY_SUPPLY,
                             v1::ROUTE_SERVICE_SUPPLY};

constexpr char kMe[] = "ME001";

RecordView Scenario(Relation relation, v1::Route route) {
  RecordView v{"RX9", "TDS01", "Y90001", "FZZ99", route, false};
  switch (relation) {
    case Relation::kNone:
      break;
    case Relation::kReferrer:
      v.referrer_ods = kMe;
      break;
    case Relation::kService:
      v.service_ods = kMe;
      break;
    case Relation::kGp:
      v.gp_ods = kMe;
      break;
    case Relation::kTarget:
      v.target_ods = kMe;
      break;
    case Relation::kEpsHolder:
      v.holds_eps_id = true;
      break;
    case Relation::kIcbOfPractice:
      v.gp_icb_ods = kMe;
      break;
    case Relation::kIcbOfService:
      v.service_icb_ods = kMe;
      break;
  }
  return v;
}

using Grant = std::tuple<Role, Operation, Relation>;
constexpr v1::Route kAny = v1::ROUTE_UNSPECIFIED;

// The entitlements of issue 6 / ARCHITECTURE.md section 6, written out
// independently of the implementation's table: (role, operation, relation)
// and the route it is limited to (kAny = every route).
std::map<Grant, std::set<v1::Route>> Expected() {
  const std::set<v1::Route> all = {v1::ROUTE_GP_PRESCRIPTION,
                                   v1::ROUTE_PHARMACY_SUPPLY,
                                   v1::ROUTE_SERVICE_SUPPLY};
  const std::set<v1::Route> gp = {v1::ROUTE_GP_PRESCRIPTION};
  const std::set<v1::Route> pharmacy = {v1::ROUTE_PHARMACY_SUPPLY};
  const std::set<v1::Route> service = {v1::ROUTE_SERVICE_SUPPLY};
  std::map<Grant, std::set<v1::Route>> g;
  using R = Role;
  using L = Relation;
  // A trust: referrals it sent, and their outcomes.
  g[{R::kMentalHealthTrust, O::kCreateReferral, L::kReferrer}] = all;
  g[{R::kMentalHealthTrust, O::kReadReferral, L::kReferrer}] = all;
  g[{R::kMentalHealthTrust, O::kReadOutcomes, L::kReferrer}] = all;
  // A GP practice: its patients, and requests sent to it.
  g[{R::kGp, O::kCreateReferral, L::kReferrer}] = all;
  for (L l : {L::kReferrer, L::kGp}) {
    g[{R::kGp, O::kReadReferral, l}] = all;
    g[{R::kGp, O::kReadOutcomes, l}] = all;
  }
  g[{R::kGp, O::kReadPrescription, L::kTarget}] = all;
  g[{R::kGp, O::kReadPrescription, L::kGp}] = all;
  for (O op :
       {O::kAcknowledge, O::kPrescribe, O::kDecline, O::kRequireAppointment}) {
    g[{R::kGp, op, L::kTarget}] = gp;
  }
  // A pharmacy: only what is routed to it (or, on the GP route, the
  // prescription whose EPS id it holds).
  g[{R::kPharmacy, O::kReadPrescription, L::kTarget}] = all;
  g[{R::kPharmacy, O::kReadPrescription, L::kEpsHolder}] = all;
  for (O op : {O::kAcknowledge, O::kSupply, O::kRecordNotSupplied}) {
    g[{R::kPharmacy, op, L::kTarget}] = pharmacy;
  }
  g[{R::kPharmacy, O::kDispense, L::kEpsHolder}] = gp;
  // The service: its own referrals and recommendations.
  for (O op : {O::kCreateReferral, O::kReadReferral, O::kUpdateReferralStatus,
               O::kRecommend, O::kReadPrescription, O::kMarkSent, O::kCancel,
               O::kRecordOutcome, O::kReadOutcomes}) {
    g[{R::kTobaccoService, op, L::kService}] = all;
  }
  for (O op : {O::kAcknowledge, O::kSupply, O::kRecordNotSupplied}) {
    g[{R::kTobaccoService, op, L::kTarget}] = service;
  }
  // An integrator acts for its own organisation.
  g[{R::kIntegrator, O::kCreateReferral, L::kReferrer}] = all;
  g[{R::kIntegrator, O::kReadReferral, L::kReferrer}] = all;
  g[{R::kIntegrator, O::kReadReferral, L::kService}] = all;
  g[{R::kIntegrator, O::kReadPrescription, L::kTarget}] = all;
  g[{R::kIntegrator, O::kReadPrescription, L::kService}] = all;
  g[{R::kIntegrator, O::kMarkSent, L::kService}] = all;
  g[{R::kIntegrator, O::kAcknowledge, L::kTarget}] = all;
  // Admin operations need admin, whatever the record.
  for (L l : kRelations) g[{R::kAdmin, O::kAdminister, l}] = all;
  // Referrers (issue 12): every role that refers follows the prescription
  // requests of its referrals; the new roles and community pharmacies
  // refer, and read their referrals and outcomes.
  for (R r : {R::kMentalHealthTrust, R::kGp, R::kIntegrator, R::kPharmacy,
              R::kTalkingTherapies, R::kLocalAuthority, R::kVoluntarySector}) {
    g[{r, O::kReadPrescription, L::kReferrer}] = all;
  }
  for (R r : {R::kPharmacy, R::kTalkingTherapies, R::kLocalAuthority,
              R::kVoluntarySector}) {
    for (O op : {O::kCreateReferral, O::kReadReferral, O::kReadOutcomes}) {
      g[{r, op, L::kReferrer}] = all;
    }
  }
  // The formulary holds no patient data: every role may list it.
  for (R r : kRoles) {
    for (L l : kRelations) g[{r, O::kReadFormulary, l}] = all;
  }
  // Reports (issue 14): a service its own referrals, a practice its
  // consenting patients, an ICB those whose practice or service is mapped
  // to it; nobody else.
  g[{R::kTobaccoService, O::kReadReports, L::kService}] = all;
  g[{R::kGp, O::kReadReports, L::kGp}] = all;
  g[{R::kIcbCommissioner, O::kReadReports, L::kIcbOfPractice}] = all;
  g[{R::kIcbCommissioner, O::kReadReports, L::kIcbOfService}] = all;
  return g;
}

TEST(AccessPolicyTest, EveryRoleOperationRelationAndRouteMatchesTheTable) {
  const auto expected = Expected();
  int checked = 0;
  for (Role role : kRoles) {
    for (Operation op : kOps) {
      for (Relation relation : kRelations) {
        for (v1::Route route : kRoutes) {
          auto it = expected.find({role, op, relation});
          const bool allowed =
              it != expected.end() && it->second.contains(route);
          absl::Status status = Authorize(Principal{kMe, role, ""}, op,
                                          Scenario(relation, route));
          EXPECT_EQ(status.ok(), allowed)
              << RoleName(role) << " " << OperationName(op) << " relation "
              << static_cast<int>(relation) << " route "
              << v1::Route_Name(route);
          ++checked;
        }
      }
    }
  }
  EXPECT_EQ(checked, 10 * 19 * 8 * 3);
}

TEST(AccessPolicyTest, ReportsAreRefusedWholeToRolesThatCanCountNothing) {
  for (Role role : {Role::kTobaccoService, Role::kGp, Role::kIcbCommissioner,
                    Role::kDevelopment}) {
    EXPECT_THAT(
        AuthorizeAnyRecord(Principal{kMe, role, ""}, O::kGetOutcomeReport),
        IsOk())
        << RoleName(role);
  }
  for (Role role :
       {Role::kAdmin, Role::kPharmacy, Role::kMentalHealthTrust,
        Role::kIntegrator, Role::kTalkingTherapies, Role::kGateway}) {
    EXPECT_THAT(
        AuthorizeAnyRecord(Principal{kMe, role, ""}, O::kGetPathwayReport),
        StatusIs(absl::StatusCode::kPermissionDenied))
        << RoleName(role);
  }
}

TEST(AccessPolicyTest, AReportFactRelatesThePracticeOnlyWithConsent) {
  domain::ReportSubject subject;
  subject.referrer_ods = "RX9";
  subject.service_ods = "TDS01";
  subject.gp_ods = "Y90001";
  const Principal gp{"Y90001", Role::kGp, ""};
  EXPECT_THAT(Authorize(gp, O::kReadReports, ViewOf(subject)),
              StatusIs(absl::StatusCode::kPermissionDenied));
  subject.shares_with_gp = true;
  EXPECT_THAT(Authorize(gp, O::kReadReports, ViewOf(subject)), IsOk());
  EXPECT_EQ(ViewOf(subject).service_ods, "TDS01");
}

TEST(AccessPolicyTest, PharmacyCannotReadOrConfirmAnotherPharmacysItem) {
  v1::PrescriptionRequest p;
  p.set_route(v1::ROUTE_PHARMACY_SUPPLY);
  p.mutable_target()->set_ods_code("FZZ99");
  p.mutable_service()->set_ods_code("TDS01");
  const Principal other{"FZZ98", Role::kPharmacy, ""};
  EXPECT_THAT(Authorize(other, O::kReadPrescription, ViewOf(p)),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Authorize(other, O::kSupply, ViewOf(p)),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Authorize({"FZZ99", Role::kPharmacy, ""}, O::kSupply, ViewOf(p)),
              IsOk());
}

TEST(AccessPolicyTest, GpCannotConfirmSupply) {
  v1::PrescriptionRequest p;
  p.set_route(v1::ROUTE_PHARMACY_SUPPLY);
  p.mutable_target()->set_ods_code("FZZ99");
  p.mutable_gp_practice()->set_ods_code("Y90001");
  const Principal gp{"Y90001", Role::kGp, ""};
  EXPECT_THAT(Authorize(gp, O::kReadPrescription, ViewOf(p)), IsOk())
      << "its own patient";
  EXPECT_THAT(Authorize(gp, O::kSupply, ViewOf(p)),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST(AccessPolicyTest, DenialsNameNoRecordDetail) {
  v1::Referral r;
  r.mutable_referrer()->set_ods_code("RX9");
  r.mutable_patient()->set_nhs_number("9990000018");
  absl::Status denied = Authorize({"RX8", Role::kMentalHealthTrust, ""},
                                  O::kReadReferral, ViewOf(r));
  EXPECT_THAT(denied, StatusIs(absl::StatusCode::kPermissionDenied,
                               HasSubstr(std::string(kNotEntitled))));
  EXPECT_THAT(denied.message(), Not(HasSubstr("RX9")));
  EXPECT_THAT(denied.message(), Not(HasSubstr("9990000018")));
}

TEST(AccessPolicyTest, DevelopmentPrincipalIsUnrestricted) {
  for (Operation op : kOps) {
    EXPECT_THAT(Authorize(DevelopmentPrincipal(), op, RecordView()), IsOk());
  }
}

TEST(AccessPolicyTest, GatewayPrincipalMayDoSystemWorkAndNothingElse) {
  for (Operation op : AllOperations()) {
    EXPECT_THAT(Authorize(GatewayPrincipal(), op, RecordView()),
                StatusIs(absl::StatusCode::kPermissionDenied))
        << OperationName(op);
  }
  EXPECT_THAT(AuthorizeSystemWork(GatewayPrincipal()), IsOk());
  EXPECT_THAT(AuthorizeSystemWork(DevelopmentPrincipal()), IsOk());
}

TEST(AccessPolicyTest, NoCertificateRoleMayDoSystemWork) {
  for (Role role : kRoles) {
    EXPECT_THAT(AuthorizeSystemWork(Principal{kMe, role, ""}),
                StatusIs(absl::StatusCode::kPermissionDenied,
                         HasSubstr(std::string(kNotEntitled))))
        << RoleName(role);
  }
}

TEST(AccessPolicyTest, TrustReadsThePrescriptionOfItsOwnReferralOnly) {
  v1::PrescriptionRequest p;
  p.set_route(v1::ROUTE_GP_PRESCRIPTION);
  p.mutable_target()->set_ods_code("Y90001");
  p.mutable_service()->set_ods_code("TDS01");
  p.mutable_gp_practice()->set_ods_code("Y90001");
  const Principal trust{"RX9", Role::kMentalHealthTrust, ""};
  EXPECT_THAT(Authorize(trust, O::kReadPrescription, ViewOf(p, "RX9")), IsOk());
  EXPECT_THAT(Authorize(trust, O::kGetTimeline, ViewOf(p, "RX9")), IsOk());
  // Another trust's referral, and a request whose referrer is unknown: the
  // same refusal a missing record gets.
  for (absl::string_view referrer : {"RX8", ""}) {
    EXPECT_THAT(Authorize(trust, O::kGetPrescription, ViewOf(p, referrer)),
                StatusIs(absl::StatusCode::kPermissionDenied,
                         "ReadPrescription refused for RX9 "
                         "(mental_health_trust): " +
                             std::string(kNotEntitled)))
        << referrer;
  }
  // Reading never lets a referrer act on the request.
  for (O op : {O::kAcknowledge, O::kDecline, O::kCancel, O::kMarkSent}) {
    EXPECT_THAT(Authorize(trust, op, ViewOf(p, "RX9")),
                StatusIs(absl::StatusCode::kPermissionDenied))
        << OperationName(op);
  }
}

TEST(AccessPolicyTest, OnlyAReferrerThatIsNothingElseRelatesOnlyAsReferrer) {
  struct Case {
    const char* who;
    Role role;
    RecordView view;
    bool only_referrer;
  };
  const Case cases[] = {
      {"RX9",
       Role::kMentalHealthTrust,
       {"RX9", "TDS01", "Y90001", "FZZ99", v1::ROUTE_PHARMACY_SUPPLY, false},
       true},
      {"Y90001",
       Role::kGp,
       {"Y90001", "TDS01", "Y90001", "Y90001", v1::ROUTE_GP_PRESCRIPTION,
        false},
       false},  // also the practice asked to prescribe
      {"FZZ99",
       Role::kPharmacy,
       {"FZZ99", "TDS01", "Y90001", "FZZ99", v1::ROUTE_PHARMACY_SUPPLY, false},
       false},  // also the target
      {"FZZ99",
       Role::kPharmacy,
       {"FZZ99", "TDS01", "Y90001", "Y90001", v1::ROUTE_GP_PRESCRIPTION, true},
       false},  // also holds the EPS id
      {"X26",
       Role::kIntegrator,
       {"X26", "X26", "Y90001", "FZZ99", v1::ROUTE_PHARMACY_SUPPLY, false},
       false},  // also the service
      {"TT001",
       Role::kTalkingTherapies,
       {"TT001", "TDS01", "Y90001", "FZZ99", v1::ROUTE_PHARMACY_SUPPLY, false},
       true},
      {"RX8",
       Role::kMentalHealthTrust,
       {"RX9", "TDS01", "Y90001", "FZZ99", v1::ROUTE_PHARMACY_SUPPLY, false},
       false},  // not related at all
      {"DEV",
       Role::kDevelopment,
       {"DEV", "TDS01", "Y90001", "FZZ99", v1::ROUTE_PHARMACY_SUPPLY, false},
       false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(RelatesOnlyAsReferrer(Principal{c.who, c.role, ""}, c.view),
              c.only_referrer)
        << c.who << " " << RoleName(c.role);
  }
}

TEST(AccessPolicyTest, NewReferringRolesCreateAndReadOnlyTheirOwnReferrals) {
  v1::Referral r;
  r.mutable_referrer()->set_ods_code("LA001");
  r.mutable_service()->set_ods_code("TDS01");
  for (Role role : {Role::kTalkingTherapies, Role::kLocalAuthority,
                    Role::kVoluntarySector, Role::kPharmacy}) {
    const Principal self{"LA001", role, ""};
    const Principal other{"LA002", role, ""};
    for (O op : {O::kCreateReferral, O::kGetReferral, O::kListOutcomes}) {
      EXPECT_THAT(Authorize(self, op, ViewOf(r)), IsOk())
          << RoleName(role) << " " << OperationName(op);
      EXPECT_THAT(Authorize(other, op, ViewOf(r)),
                  StatusIs(absl::StatusCode::kPermissionDenied))
          << RoleName(role) << " " << OperationName(op);
    }
    EXPECT_THAT(Authorize(self, O::kUpdateReferralStatus, ViewOf(r)),
                StatusIs(absl::StatusCode::kPermissionDenied))
        << RoleName(role);
  }
}
// safety: the CYP1A2 safety alert rules, role x relation.
TEST(AccessPolicyTest, SafetyAlertsAreForThePrescriberAndTheServiceOnly) {
  struct Case {
    Role role;
    const char* relation;  // prescriber, service, referrer, none
    bool read;
    bool acknowledge;
  };
  const std::vector<Case> cases = {
      {Role::kMentalHealthTrust, "prescriber", true, true},
      {Role::kMentalHealthTrust, "referrer", true, false},
      {Role::kMentalHealthTrust, "none", false, false},
      {Role::kTobaccoService, "service", true, true},
      {Role::kTobaccoService, "prescriber", false, false},
      {Role::kTobaccoService, "none", false, false},
      {Role::kIntegrator, "prescriber", true, false},
      {Role::kIntegrator, "service", true, false},
      {Role::kGp, "prescriber", false, false},
      {Role::kPharmacy, "service", false, false},
      {Role::kAdmin, "service", false, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrCat(RoleName(c.role), " as ", c.relation));
    RecordView v;
    v.prescriber_ods = "RX9";
    v.service_ods = "TDS01";
    v.referrer_ods = "RX9";
    const std::string relation = c.relation;
    if (relation == "prescriber") v.prescriber_ods = kMe;
    if (relation == "service") v.service_ods = kMe;
    if (relation == "referrer") v.referrer_ods = kMe;
    const Principal me{kMe, c.role, ""};
    EXPECT_EQ(Authorize(me, O::kReadSafetyAlerts, v).ok(), c.read);
    EXPECT_EQ(Authorize(me, O::kListSafetyAlerts, v).ok(), c.read);
    EXPECT_EQ(Authorize(me, O::kAcknowledgeSafetyAlert, v).ok(), c.acknowledge);
  }
}

}  // namespace
}  // namespace nhs::tobacco::security
