#include "gateway/domain/request_validation.h"

#include "gateway/domain/field_violations.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/violated_fields.h"

namespace nhs::tobacco::domain {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using ::nhs::tobacco::testing::ViolatedFields;
using ::testing::Contains;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

const ValidationLimits kLimits{2000, absl::CivilDay(2026, 11, 28)};

v1::CreateReferralRequest GoodReferral() {
  v1::CreateReferralRequest r;
  r.set_request_id("req-1");
  auto* ref = r.mutable_referral();
  ref->mutable_patient()->set_nhs_number("999 000 0018");
  ref->mutable_patient()->set_date_of_birth("1980-04-01");
  ref->mutable_referrer()->set_ods_code("RX9");
  ref->mutable_service()->set_ods_code("TDS01");
  ref->mutable_gp_practice()->set_ods_code("Y90001");
  ref->set_source(v1::REFERRAL_SOURCE_COMMUNITY_MENTAL_HEALTH);
  ref->mutable_smoking()->set_cigarettes_per_day(20);
  return r;
}

TEST(ValidateCreateReferralTest, AGoodReferralPasses) {
  EXPECT_THAT(ValidateCreateReferral(GoodReferral(), kLimits), IsOk());
}

TEST(ValidateCreateReferralTest, EveryBadFieldIsReportedAtOnce) {
  v1::CreateReferralRequest r = GoodReferral();
  r.clear_request_id();
  r.mutable_referral()->mutable_patient()->set_nhs_number("9990000019");
  r.mutable_referral()->mutable_patient()->clear_date_of_birth();
  r.mutable_referral()->mutable_referrer()->set_ods_code("rx9");
  r.mutable_referral()->set_source(v1::REFERRAL_SOURCE_UNSPECIFIED);
  r.mutable_referral()->mutable_smoking()->set_cigarettes_per_day(-1);
  absl::Status status = ValidateCreateReferral(r, kLimits);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                               HasSubstr("referral.patient.nhs_number")));
  EXPECT_THAT(
      ViolatedFields(status),
      UnorderedElementsAre("request_id", "referral.patient.nhs_number",
                           "referral.patient.date_of_birth",
                           "referral.referrer.ods_code", "referral.source",
                           "referral.smoking.cigarettes_per_day"));
}

TEST(ValidateCreateReferralTest, FutureDateOfBirthIsRefused) {
  v1::CreateReferralRequest r = GoodReferral();
  r.mutable_referral()->mutable_patient()->set_date_of_birth("2027-01-01");
  EXPECT_THAT(
      GetFieldViolations(ValidateCreateReferral(r, kLimits)),
      Contains(Field(&FieldViolation::description, HasSubstr("future"))));
}

TEST(ValidateCreateReferralTest, UnknownEnumNumbersAreRefused) {
  v1::CreateReferralRequest r = GoodReferral();
  r.mutable_referral()->set_goal(static_cast<v1::QuitGoal>(99));
  r.mutable_referral()->mutable_mental_health()->set_diagnosis_category(
      static_cast<v1::DiagnosisCategory>(42));
  EXPECT_THAT(
      ViolatedFields(ValidateCreateReferral(r, kLimits)),
      UnorderedElementsAre("referral.goal",
                           "referral.mental_health.diagnosis_category"));
}

TEST(ValidateCreateReferralTest, MissingReferralIsNamed) {
  v1::CreateReferralRequest r;
  r.set_request_id("x");
  EXPECT_THAT(ViolatedFields(ValidateCreateReferral(r, kLimits)),
              UnorderedElementsAre("referral"));
}

TEST(ValidateCreateReferralTest, OverlongTextIsRefused) {
  v1::CreateReferralRequest r = GoodReferral();
  r.mutable_referral()->mutable_patient()->set_family_name(
      std::string(2001, 'x'));
  EXPECT_THAT(ViolatedFields(ValidateCreateReferral(r, kLimits)),
              UnorderedElementsAre("referral.patient.family_name"));
}

v1::RecommendPrescriptionRequest GoodRecommendation() {
  v1::RecommendPrescriptionRequest r;
  r.set_request_id("req-2");
  r.set_referral_id("ref-1");
  r.set_product_id("nrt-patch-21mg-24h");
  r.set_dose_text("Apply one patch every 24 hours");
  r.mutable_quantity()->set_value(28);
  r.mutable_quantity()->set_unit("patch");
  r.set_duration_days(28);
  r.set_route(v1::ROUTE_GP_PRESCRIPTION);
  r.mutable_recommended_by()->set_identifier("12A3456B");
  r.mutable_recommended_by()->set_register_(v1::PROFESSIONAL_REGISTER_NMC);
  return r;
}

TEST(ValidateRecommendPrescriptionTest, GpRouteNeedsNoTarget) {
  EXPECT_THAT(ValidateRecommendPrescription(GoodRecommendation(), kLimits),
              IsOk());
}

TEST(ValidateRecommendPrescriptionTest, PharmacyRouteNeedsATarget) {
  v1::RecommendPrescriptionRequest r = GoodRecommendation();
  r.set_route(v1::ROUTE_PHARMACY_SUPPLY);
  EXPECT_THAT(ViolatedFields(ValidateRecommendPrescription(r, kLimits)),
              UnorderedElementsAre("target.ods_code"));
}

TEST(ValidateRecommendPrescriptionTest, EachMissingFieldIsNamed) {
  v1::RecommendPrescriptionRequest r;
  EXPECT_THAT(ViolatedFields(ValidateRecommendPrescription(r, kLimits)),
              UnorderedElementsAre(
                  "request_id", "referral_id", "product_id", "dose_text",
                  "quantity.value", "quantity.unit", "duration_days", "route",
                  "target.ods_code", "recommended_by.identifier"));
}

TEST(ValidateTransitionTest, ActorOrganisationIsRequired) {
  v1::TransitionRequest r;
  r.set_request_id("r");
  r.set_prescription_id("rx-1");
  EXPECT_THAT(ViolatedFields(ValidateTransition(r, kLimits)),
              UnorderedElementsAre("actor.organisation.ods_code"));
}

TEST(ValidateTransitionTest, ExternalIdsNeedSystemAndValue) {
  v1::TransitionRequest r;
  r.set_request_id("r");
  r.set_prescription_id("rx-1");
  r.mutable_actor()->mutable_organisation()->set_ods_code("Y90001");
  r.add_external_ids();
  EXPECT_THAT(
      ViolatedFields(ValidateTransition(r, kLimits)),
      UnorderedElementsAre("external_ids[0].system", "external_ids[0].value"));
}

TEST(ValidatePrescribeTest, EpsIdMustPassItsCheckCharacter) {
  v1::PrescribeRequest r;
  r.set_request_id("r");
  r.set_prescription_id("rx-1");
  r.mutable_actor()->mutable_organisation()->set_ods_code("Y90001");
  r.set_eps_prescription_id("24F5DA-A83008-7EFE6Y");
  absl::Status status = ValidatePrescribe(r, kLimits);
  EXPECT_THAT(ViolatedFields(status),
              UnorderedElementsAre("eps_prescription_id"));
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                               HasSubstr("MOD 37-2")));
  r.set_eps_prescription_id("24F5DA-A83008-7EFE6Z");
  EXPECT_THAT(ValidatePrescribe(r, kLimits), IsOk());
}

TEST(ValidateReasonedTransitionTest, ReasonCodeIsRequiredAndCoded) {
  v1::ReasonedTransitionRequest r;
  r.set_request_id("r");
  r.set_prescription_id("rx-1");
  r.mutable_actor()->mutable_organisation()->set_ods_code("Y90001");
  EXPECT_THAT(ViolatedFields(ValidateReasonedTransition(r, kLimits)),
              UnorderedElementsAre("reason_code"));
  r.set_reason_code("patient said no");
  EXPECT_THAT(ViolatedFields(ValidateReasonedTransition(r, kLimits)),
              UnorderedElementsAre("reason_code"));
  r.set_reason_code("PATIENT_DECLINED");
  EXPECT_THAT(ValidateReasonedTransition(r, kLimits), IsOk());
}

v1::RecordOutcomeRequest GoodOutcome() {
  v1::RecordOutcomeRequest r;
  r.set_request_id("r");
  auto* o = r.mutable_outcome();
  o->set_referral_id("ref-1");
  o->set_follow_up(v1::FOLLOW_UP_POINT_WEEK_4);
  o->set_status(v1::OUTCOME_STATUS_QUIT_CO_VERIFIED);
  o->set_co_reading_ppm(4);
  o->set_quit_date("2026-10-20");
  o->set_recorded_on("2026-11-17");
  o->mutable_recorded_by()->mutable_organisation()->set_ods_code("TDS01");
  return r;
}

TEST(ValidateRecordOutcomeTest, CoVerifiedQuitNeedsAReadingUnderTenPpm) {
  EXPECT_THAT(ValidateRecordOutcome(GoodOutcome(), kLimits), IsOk());
  v1::RecordOutcomeRequest r = GoodOutcome();
  r.mutable_outcome()->set_co_reading_ppm(10);
  EXPECT_THAT(
      ValidateRecordOutcome(r, kLimits),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("under 10 ppm")));
  r.mutable_outcome()->clear_co_reading_ppm();
  EXPECT_THAT(ViolatedFields(ValidateRecordOutcome(r, kLimits)),
              UnorderedElementsAre("outcome.co_reading_ppm"));
}

// Issue 12 (care): the quit date comes from the referral's quit date
// record, so a quit outcome may leave it empty (outcome_rules.h checks it).
TEST(ValidateRecordOutcomeTest, QuitDateMayBeLeftEmptyButNotAfterFollowUp) {
  v1::RecordOutcomeRequest r = GoodOutcome();
  r.mutable_outcome()->clear_quit_date();
  EXPECT_THAT(ValidateRecordOutcome(r, kLimits), IsOk());
  r.mutable_outcome()->set_quit_date("2026-11-20");
  EXPECT_THAT(ViolatedFields(ValidateRecordOutcome(r, kLimits)),
              UnorderedElementsAre("outcome.quit_date"));
  r.mutable_outcome()->set_status(v1::OUTCOME_STATUS_LOST_TO_FOLLOW_UP);
  r.mutable_outcome()->clear_quit_date();
  r.mutable_outcome()->clear_co_reading_ppm();
  EXPECT_THAT(ValidateRecordOutcome(r, kLimits), IsOk());
}

TEST(FieldViolationsTest, StatusWithoutViolationsHasNone) {
  EXPECT_THAT(GetFieldViolations(absl::InvalidArgumentError("x")), IsEmpty());
}

}  // namespace
}  // namespace nhs::tobacco::domain
