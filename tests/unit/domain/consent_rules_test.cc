// Consent gates every message by the party it goes to (issue 12): the
// table of kinds, the plan functions dropping what consent does not allow,
// and which requests a withdrawal cancels.
#include "gateway/domain/consent_rules.h"

#include "gateway/domain/delivery_plan.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kTrust[] = "RX9";
constexpr char kGp[] = "Y90001";
constexpr char kPharmacy[] = "FZZ99";
constexpr char kService[] = "TDS01";

DeliveryRoutes AllRoutes() {
  DeliveryRoutes routes;
  routes.Add(kTrust, v1::DELIVERY_CHANNEL_HL7V2_MLLP);
  routes.Add(kGp, v1::DELIVERY_CHANNEL_FHIR_HTTPS);
  routes.Add(kPharmacy, v1::DELIVERY_CHANNEL_FHIR_HTTPS);
  routes.Add(kService, v1::DELIVERY_CHANNEL_FHIR_HTTPS);
  return routes;
}

v1::Referral Referral(bool gp, bool pharmacy, bool mh_team) {
  v1::Referral r;
  r.mutable_referrer()->set_ods_code(kTrust);
  r.mutable_gp_practice()->set_ods_code(kGp);
  r.mutable_nominated_pharmacy()->set_ods_code(kPharmacy);
  r.mutable_service()->set_ods_code(kService);
  r.mutable_consent()->set_share_with_gp(gp);
  r.mutable_consent()->set_share_with_pharmacy(pharmacy);
  r.mutable_consent()->set_share_with_mental_health_team(mh_team);
  return r;
}

v1::PrescriptionRequest Request(v1::Route route, const char* target,
                                v1::PrescriptionStatus status) {
  v1::PrescriptionRequest p;
  p.set_route(route);
  p.mutable_target()->set_ods_code(target);
  p.mutable_service()->set_ods_code(kService);
  p.mutable_nominated_pharmacy()->set_ods_code(kPharmacy);
  p.set_status(status);
  p.set_cyp1a2_safety_alert(true);
  return p;
}

TEST(ConsentPartyOfTest, EveryKindNamesThePartyWhoseConsentItNeeds) {
  struct Row {
    v1::MessageKind kind;
    ConsentParty party;
  };
  const Row rows[] = {
      {v1::MESSAGE_KIND_REFERRAL_RESPONSE, ConsentParty::kMentalHealthTeam},
      {v1::MESSAGE_KIND_TRUST_OUTCOME, ConsentParty::kMentalHealthTeam},
      {v1::MESSAGE_KIND_SAFETY_ALERT, ConsentParty::kMentalHealthTeam},
      {v1::MESSAGE_KIND_GP_RECOMMENDATION, ConsentParty::kGp},
      {v1::MESSAGE_KIND_GP_OUTCOME, ConsentParty::kGp},
      {v1::MESSAGE_KIND_GP_REMINDER, ConsentParty::kGp},
      {v1::MESSAGE_KIND_PHARMACY_SUPPLY_REQUEST, ConsentParty::kPharmacy},
      {v1::MESSAGE_KIND_PRESCRIPTION_NOTICE, ConsentParty::kPharmacy},
      {v1::MESSAGE_KIND_OVERDUE_ESCALATION, ConsentParty::kNone},
      {v1::MESSAGE_KIND_CANCELLATION_NOTICE, ConsentParty::kNone},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(ConsentPartyOf(row.kind), row.party)
        << v1::MessageKind_Name(row.kind);
  }
}

TEST(ConsentAllowsTest, EachFlagGatesItsPartyOnly) {
  v1::Consent consent;
  consent.set_share_with_pharmacy(true);
  EXPECT_TRUE(ConsentAllows(consent, ConsentParty::kNone));
  EXPECT_FALSE(ConsentAllows(consent, ConsentParty::kGp));
  EXPECT_TRUE(ConsentAllows(consent, ConsentParty::kPharmacy));
  EXPECT_FALSE(ConsentAllows(consent, ConsentParty::kMentalHealthTeam));
}

TEST(WithdrawnPartiesTest, OnlyFlagsThatWentFromTrueToFalse) {
  v1::Consent before;
  before.set_share_with_gp(true);
  before.set_share_with_mental_health_team(true);
  v1::Consent after;
  after.set_share_with_pharmacy(true);  // given, not withdrawn
  after.set_share_with_mental_health_team(true);
  EXPECT_THAT(WithdrawnParties(before, after), ElementsAre(ConsentParty::kGp));
  EXPECT_THAT(WithdrawnParties(after, after), IsEmpty());
}

TEST(DeliveryPlanConsentTest, NoMentalHealthConsentMeansNothingToTheTrust) {
  v1::Referral r = Referral(true, true, /*mh_team=*/false);
  r.set_status(v1::REFERRAL_STATUS_ACCEPTED);
  EXPECT_THAT(PlanReferralStatusChange(r, AllRoutes()), IsEmpty());
  // The GP letter still goes; the safety alert to the trust does not.
  EXPECT_THAT(
      PlanRecommendation(Request(v1::ROUTE_GP_PRESCRIPTION, kGp,
                                 v1::PRESCRIPTION_STATUS_RECOMMENDED),
                         r, /*first_for_referral=*/true, AllRoutes()),
      ElementsAre(PlannedMessage{v1::MESSAGE_KIND_GP_RECOMMENDATION, kGp}));
  EXPECT_THAT(PlanOutcome(r, AllRoutes()),
              ElementsAre(PlannedMessage{v1::MESSAGE_KIND_GP_OUTCOME, kGp}));
}

TEST(DeliveryPlanConsentTest, WithConsentTheTrustHearsEachKind) {
  v1::Referral r = Referral(false, false, /*mh_team=*/true);
  r.set_status(v1::REFERRAL_STATUS_DECLINED);
  EXPECT_THAT(
      PlanReferralStatusChange(r, AllRoutes()),
      ElementsAre(PlannedMessage{v1::MESSAGE_KIND_REFERRAL_RESPONSE, kTrust}));
  EXPECT_THAT(
      PlanOutcome(r, AllRoutes()),
      ElementsAre(PlannedMessage{v1::MESSAGE_KIND_TRUST_OUTCOME, kTrust}));
  // The safety alert is planned from its own record, whose prescriber is
  // named only with this consent (safety_alert_rules_test.cc).
  EXPECT_THAT(PlanRecommendation(Request(v1::ROUTE_SERVICE_SUPPLY, kService,
                                         v1::PRESCRIPTION_STATUS_RECOMMENDED),
                                 r, true, AllRoutes()),
              IsEmpty());
}

TEST(DeliveryPlanConsentTest, NoGpOrPharmacyConsentDropsTheirRequests) {
  // A request planned after consent went (recommendation checks consent
  // first; the plan is the last line).
  const v1::Referral none = Referral(false, false, false);
  EXPECT_THAT(PlanRecommendation(Request(v1::ROUTE_GP_PRESCRIPTION, kGp,
                                         v1::PRESCRIPTION_STATUS_RECOMMENDED),
                                 none, false, AllRoutes()),
              IsEmpty());
  EXPECT_THAT(PlanRecommendation(Request(v1::ROUTE_PHARMACY_SUPPLY, kPharmacy,
                                         v1::PRESCRIPTION_STATUS_RECOMMENDED),
                                 none, false, AllRoutes()),
              IsEmpty());
}

TEST(DeliveryPlanConsentTest, ACancellationStillReachesAPartyWithoutConsent) {
  // The notice to stop is what a withdrawal of consent sends.
  const v1::Referral none = Referral(false, false, false);
  v1::PrescriptionRequest before = Request(
      v1::ROUTE_GP_PRESCRIPTION, kGp, v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
  v1::PrescriptionRequest after = before;
  after.set_status(v1::PRESCRIPTION_STATUS_CANCELLED);
  EXPECT_THAT(
      PlanPrescriptionChange(before, after, none, AllRoutes()),
      ElementsAre(PlannedMessage{v1::MESSAGE_KIND_CANCELLATION_NOTICE, kGp}));
}

TEST(CancelledByWithdrawalTest, OpenRequestsOfThePartysRouteOnly) {
  struct Row {
    v1::Route route;
    v1::PrescriptionStatus status;
    ConsentParty party;
    bool cancelled;
  };
  const Row rows[] = {
      {v1::ROUTE_GP_PRESCRIPTION, v1::PRESCRIPTION_STATUS_RECOMMENDED,
       ConsentParty::kGp, true},
      {v1::ROUTE_GP_PRESCRIPTION, v1::PRESCRIPTION_STATUS_SENT,
       ConsentParty::kGp, true},
      {v1::ROUTE_GP_PRESCRIPTION, v1::PRESCRIPTION_STATUS_ACKNOWLEDGED,
       ConsentParty::kGp, true},
      {v1::ROUTE_GP_PRESCRIPTION, v1::PRESCRIPTION_STATUS_APPOINTMENT_REQUIRED,
       ConsentParty::kGp, true},
      // The GP already issued it: the prescription is the patient's.
      {v1::ROUTE_GP_PRESCRIPTION, v1::PRESCRIPTION_STATUS_PRESCRIBED,
       ConsentParty::kGp, false},
      {v1::ROUTE_GP_PRESCRIPTION, v1::PRESCRIPTION_STATUS_DECLINED,
       ConsentParty::kGp, false},
      {v1::ROUTE_GP_PRESCRIPTION, v1::PRESCRIPTION_STATUS_RECOMMENDED,
       ConsentParty::kPharmacy, false},
      {v1::ROUTE_PHARMACY_SUPPLY, v1::PRESCRIPTION_STATUS_SENT,
       ConsentParty::kPharmacy, true},
      {v1::ROUTE_PHARMACY_SUPPLY, v1::PRESCRIPTION_STATUS_SUPPLIED,
       ConsentParty::kPharmacy, false},
      {v1::ROUTE_PHARMACY_SUPPLY, v1::PRESCRIPTION_STATUS_SENT,
       ConsentParty::kGp, false},
      {v1::ROUTE_SERVICE_SUPPLY, v1::PRESCRIPTION_STATUS_RECOMMENDED,
       ConsentParty::kMentalHealthTeam, false},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(
        CancelledByWithdrawal(Request(row.route, kGp, row.status), row.party),
        row.cancelled)
        << v1::Route_Name(row.route) << " "
        << v1::PrescriptionStatus_Name(row.status) << " "
        << ConsentPartyName(row.party);
  }
}

TEST(PartyTargetOfTest, TheOrganisationEachPartyIsOnARequest) {
  const auto gp = Request(v1::ROUTE_GP_PRESCRIPTION, kGp,
                          v1::PRESCRIPTION_STATUS_RECOMMENDED);
  EXPECT_EQ(PartyTargetOf(gp, ConsentParty::kGp), kGp);
  EXPECT_EQ(PartyTargetOf(gp, ConsentParty::kPharmacy), kPharmacy);
  const auto pharmacy = Request(v1::ROUTE_PHARMACY_SUPPLY, "FAA11",
                                v1::PRESCRIPTION_STATUS_RECOMMENDED);
  EXPECT_EQ(PartyTargetOf(pharmacy, ConsentParty::kPharmacy), "FAA11");
  EXPECT_EQ(PartyTargetOf(pharmacy, ConsentParty::kGp), "");
}

}  // namespace
}  // namespace nhs::tobacco::domain
