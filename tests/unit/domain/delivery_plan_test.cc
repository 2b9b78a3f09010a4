// Who is owed which message for each change, and only with a route and the
// patient's consent.
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

v1::Referral Referral(bool share_gp = true, bool share_pharmacy = true) {
  v1::Referral r;
  r.mutable_referrer()->set_ods_code(kTrust);
  r.mutable_gp_practice()->set_ods_code(kGp);
  r.mutable_service()->set_ods_code(kService);
  r.mutable_consent()->set_share_with_gp(share_gp);
  r.mutable_consent()->set_share_with_pharmacy(share_pharmacy);
  r.mutable_consent()->set_share_with_mental_health_team(true);
  return r;
}

v1::PrescriptionRequest Request(v1::Route route, const char* target) {
  v1::PrescriptionRequest p;
  p.set_route(route);
  p.mutable_target()->set_ods_code(target);
  p.mutable_service()->set_ods_code(kService);
  p.set_status(v1::PRESCRIPTION_STATUS_RECOMMENDED);
  return p;
}

TEST(DeliveryPlanTest, AcceptedOrDeclinedReferralAnswersTheTrust) {
  v1::Referral r = Referral();
  r.set_status(v1::REFERRAL_STATUS_ACCEPTED);
  EXPECT_THAT(
      PlanReferralStatusChange(r, AllRoutes()),
      ElementsAre(PlannedMessage{v1::MESSAGE_KIND_REFERRAL_RESPONSE, kTrust}));
  r.set_status(v1::REFERRAL_STATUS_DECLINED);
  EXPECT_EQ(PlanReferralStatusChange(r, AllRoutes()).size(), 1u);
  r.set_status(v1::REFERRAL_STATUS_IN_TREATMENT);
  EXPECT_THAT(PlanReferralStatusChange(r, AllRoutes()), IsEmpty());
}

TEST(DeliveryPlanTest, NoRouteMeansNothingQueued) {
  v1::Referral r = Referral();
  r.set_status(v1::REFERRAL_STATUS_ACCEPTED);
  EXPECT_THAT(PlanReferralStatusChange(r, DeliveryRoutes()), IsEmpty());
  // A route on the other channel is no route for an HL7 message.
  DeliveryRoutes fhir_only;
  fhir_only.Add(kTrust, v1::DELIVERY_CHANNEL_FHIR_HTTPS);
  EXPECT_THAT(PlanReferralStatusChange(r, fhir_only), IsEmpty());
}

TEST(DeliveryPlanTest, RecommendationGoesToTheTargetOfItsRoute) {
  EXPECT_THAT(
      PlanRecommendation(Request(v1::ROUTE_GP_PRESCRIPTION, kGp), Referral(),
                         /*first_for_referral=*/true, AllRoutes()),
      ElementsAre(PlannedMessage{v1::MESSAGE_KIND_GP_RECOMMENDATION, kGp}));
  EXPECT_THAT(PlanRecommendation(Request(v1::ROUTE_PHARMACY_SUPPLY, kPharmacy),
                                 Referral(), true, AllRoutes()),
              ElementsAre(PlannedMessage{
                  v1::MESSAGE_KIND_PHARMACY_SUPPLY_REQUEST, kPharmacy}));
  EXPECT_THAT(PlanRecommendation(Request(v1::ROUTE_SERVICE_SUPPLY, kService),
                                 Referral(), true, AllRoutes()),
              IsEmpty());
}

TEST(DeliveryPlanTest, RecommendationLeavesTheSafetyAlertToItsOwnPlan) {
  v1::PrescriptionRequest p = Request(v1::ROUTE_GP_PRESCRIPTION, kGp);
  p.set_cyp1a2_safety_alert(true);
  EXPECT_THAT(
      PlanRecommendation(p, Referral(), true, AllRoutes()),
      ElementsAre(PlannedMessage{v1::MESSAGE_KIND_GP_RECOMMENDATION, kGp}));
}

TEST(DeliveryPlanTest, SafetyAlertGoesToItsPrescriberOverHl7Only) {
  v1::SafetyAlert alert;
  alert.mutable_prescriber()->set_ods_code(kTrust);
  alert.mutable_service()->set_ods_code(kService);
  EXPECT_THAT(
      PlanSafetyAlert(alert, AllRoutes()),
      ElementsAre(PlannedMessage{v1::MESSAGE_KIND_SAFETY_ALERT, kTrust}));
  // No prescriber (no route to one): nothing queued.
  alert.clear_prescriber();
  EXPECT_THAT(PlanSafetyAlert(alert, AllRoutes()), IsEmpty());
}

TEST(DeliveryPlanTest, OverdueSafetyAlertEscalatesToTheService) {
  v1::SafetyAlert alert;
  alert.mutable_prescriber()->set_ods_code(kTrust);
  alert.mutable_service()->set_ods_code(kService);
  EXPECT_THAT(PlanSafetyAlertOverdue(alert, AllRoutes()),
              ElementsAre(PlannedMessage{
                  v1::MESSAGE_KIND_SAFETY_ALERT_ESCALATION, kService}));
  EXPECT_EQ(ChannelOf(v1::MESSAGE_KIND_SAFETY_ALERT_ESCALATION),
            v1::DELIVERY_CHANNEL_FHIR_HTTPS);
}

TEST(DeliveryPlanTest, NominatedPharmacyHearsOnceTheGpPrescribesWithConsent) {
  v1::PrescriptionRequest before = Request(v1::ROUTE_GP_PRESCRIPTION, kGp);
  before.set_status(v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
  before.mutable_nominated_pharmacy()->set_ods_code(kPharmacy);
  v1::PrescriptionRequest after = before;
  after.set_status(v1::PRESCRIPTION_STATUS_PRESCRIBED);
  EXPECT_THAT(PlanPrescriptionChange(before, after, Referral(), AllRoutes()),
              ElementsAre(PlannedMessage{v1::MESSAGE_KIND_PRESCRIPTION_NOTICE,
                                         kPharmacy}));
  // Without consent to share with a pharmacy, nothing leaves.
  EXPECT_THAT(
      PlanPrescriptionChange(before, after, Referral(true, false), AllRoutes()),
      IsEmpty());
  // A decline tells the pharmacy nothing.
  after.set_status(v1::PRESCRIPTION_STATUS_DECLINED);
  EXPECT_THAT(PlanPrescriptionChange(before, after, Referral(), AllRoutes()),
              IsEmpty());
}

TEST(DeliveryPlanTest, ACancelledRequestIsWithdrawnWhereItWasDelivered) {
  v1::PrescriptionRequest before = Request(v1::ROUTE_GP_PRESCRIPTION, kGp);
  before.set_status(v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
  before.mutable_nominated_pharmacy()->set_ods_code(kPharmacy);
  v1::PrescriptionRequest after = before;
  after.set_status(v1::PRESCRIPTION_STATUS_CANCELLED);
  EXPECT_THAT(
      PlanPrescriptionChange(before, after, Referral(), AllRoutes()),
      ElementsAre(PlannedMessage{v1::MESSAGE_KIND_CANCELLATION_NOTICE, kGp}));
  // Once prescribed, the nominated pharmacy had a notice: it hears too.
  before.set_status(v1::PRESCRIPTION_STATUS_PRESCRIBED);
  EXPECT_THAT(
      PlanPrescriptionChange(before, after, Referral(), AllRoutes()),
      ElementsAre(
          PlannedMessage{v1::MESSAGE_KIND_CANCELLATION_NOTICE, kGp},
          PlannedMessage{v1::MESSAGE_KIND_CANCELLATION_NOTICE, kPharmacy}));
  // Never delivered (still RECOMMENDED): nothing to withdraw.
  before.set_status(v1::PRESCRIPTION_STATUS_RECOMMENDED);
  EXPECT_THAT(PlanPrescriptionChange(before, after, Referral(), AllRoutes()),
              IsEmpty());
}

TEST(DeliveryPlanTest, OutcomeGoesToTheTrustAndToTheGpOnlyWithConsent) {
  EXPECT_THAT(
      PlanOutcome(Referral(), AllRoutes()),
      ElementsAre(PlannedMessage{v1::MESSAGE_KIND_TRUST_OUTCOME, kTrust},
                  PlannedMessage{v1::MESSAGE_KIND_GP_OUTCOME, kGp}));
  EXPECT_THAT(
      PlanOutcome(Referral(/*share_gp=*/false), AllRoutes()),
      ElementsAre(PlannedMessage{v1::MESSAGE_KIND_TRUST_OUTCOME, kTrust}));
}

TEST(DeliveryPlanTest, OverdueEscalatesToTheRecommendingService) {
  EXPECT_THAT(PlanOverdue(Request(v1::ROUTE_GP_PRESCRIPTION, kGp), AllRoutes()),
              ElementsAre(PlannedMessage{v1::MESSAGE_KIND_OVERDUE_ESCALATION,
                                         kService}));
}

TEST(DeliveryPlanTest, EveryKindHasOneChannelAndOnlyProtocolKindsAdvance) {
  for (int k = 1; v1::MessageKind_IsValid(k); ++k) {
    const auto kind = static_cast<v1::MessageKind>(k);
    EXPECT_NE(ChannelOf(kind), v1::DELIVERY_CHANNEL_UNSPECIFIED)
        << MessageKindName(kind);
  }
  EXPECT_TRUE(AdvancesProtocol(v1::MESSAGE_KIND_GP_RECOMMENDATION));
  EXPECT_TRUE(AdvancesProtocol(v1::MESSAGE_KIND_PHARMACY_SUPPLY_REQUEST));
  EXPECT_FALSE(AdvancesProtocol(v1::MESSAGE_KIND_PRESCRIPTION_NOTICE));
  EXPECT_EQ(MessageKindName(v1::MESSAGE_KIND_SAFETY_ALERT), "SAFETY_ALERT");
}

// MESH (issue 17): a practice with a MESH route takes its letters there;
// everything else keeps its channel.
TEST(DeliveryPlanTest, LettersGoOverMeshToAPracticeWithAMeshRoute) {
  DeliveryRoutes routes = AllRoutes();
  routes.Add(kGp, v1::DELIVERY_CHANNEL_MESH);
  EXPECT_THAT(PlanRecommendation(Request(v1::ROUTE_GP_PRESCRIPTION, kGp),
                                 Referral(), true, routes),
              ElementsAre(PlannedMessage{v1::MESSAGE_KIND_GP_RECOMMENDATION,
                                         kGp, v1::DELIVERY_CHANNEL_MESH}));
  const std::vector<PlannedMessage> outcome = PlanOutcome(Referral(), routes);
  ASSERT_EQ(outcome.size(), 2u);
  EXPECT_EQ(ChannelOf(outcome[0]), v1::DELIVERY_CHANNEL_HL7V2_MLLP);
  EXPECT_EQ(ChannelOf(outcome[1]), v1::DELIVERY_CHANNEL_MESH);
  EXPECT_EQ(routes.ChannelFor(kGp, v1::MESSAGE_KIND_CANCELLATION_NOTICE),
            v1::DELIVERY_CHANNEL_MESH);
  EXPECT_EQ(routes.ChannelFor(kPharmacy, v1::MESSAGE_KIND_CANCELLATION_NOTICE),
            v1::DELIVERY_CHANNEL_FHIR_HTTPS);
  EXPECT_EQ(routes.ChannelFor(kGp, v1::MESSAGE_KIND_SAFETY_ALERT),
            v1::DELIVERY_CHANNEL_UNSPECIFIED)
      << "not a letter, and the practice has no MLLP route";
}

TEST(DeliveryPlanTest, AMeshRouteAloneIsEnoughForLetters) {
  DeliveryRoutes routes;
  routes.Add(kGp, v1::DELIVERY_CHANNEL_MESH);
  EXPECT_EQ(routes.ChannelFor(kGp, v1::MESSAGE_KIND_GP_REMINDER),
            v1::DELIVERY_CHANNEL_MESH);
  EXPECT_EQ(routes.ChannelFor(kGp, v1::MESSAGE_KIND_PRESCRIPTION_NOTICE),
            v1::DELIVERY_CHANNEL_UNSPECIFIED);
}

}  // namespace
}  // namespace nhs::tobacco::domain
