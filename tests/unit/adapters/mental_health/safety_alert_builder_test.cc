#include "adapters/mental_health/safety_alert_builder.h"

#include "adapters/hl7v2/parser.h"
#include "adapters/hl7v2/writer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/adapters/mental_health/builder_fixtures.h"

namespace nhs::tobacco::mental_health {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::HasSubstr;

TEST(BuildSafetyAlertTest, ClozapinePatientGetsAnOruNamingTheMedicine) {
  auto message =
      BuildSafetyAlert(SampleReferral(), "2026-12-01", SampleHeader());
  ASSERT_THAT(message, IsOk());
  auto parsed = hl7v2::ParseEr7(hl7v2::WriteEr7(*message));
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(*parsed->Get("MSH-9.1"), "ORU");
  EXPECT_EQ(*parsed->Get("MSH-9.2"), "R01");
  EXPECT_EQ(*parsed->Get("OBR-4.1"), "TDSAFETY");
  EXPECT_EQ(*parsed->Get("OBR-7"), "20261201");
  EXPECT_EQ(*parsed->Get("OBX(1)-3.1"), "PSYMED");
  EXPECT_EQ(*parsed->Get("OBX(1)-5.2"), "Clozapine 300mg daily");
  EXPECT_THAT(*parsed->Get("OBX(2)-5"), HasSubstr("CYP1A2"));
  EXPECT_THAT(*parsed->Get("OBX(2)-5"), HasSubstr("2026-12-01"));
}

TEST(BuildSafetyAlertTest, EveryFlaggedMedicineGetsItsOwnObx) {
  v1::Referral referral = SampleReferral();
  v1::PsychiatricMedicine* m =
      referral.mutable_mental_health()->add_medicines();
  m->set_name("Olanzapine 10mg tablets");
  m->set_cyp1a2_sensitive(true);
  referral.mutable_mental_health()->add_medicines()->set_name("Sertraline");
  auto message = BuildSafetyAlert(referral, "2026-12-01", SampleHeader());
  ASSERT_THAT(message, IsOk());
  EXPECT_EQ(message->FindSegments("OBX").size(), 3u);
  EXPECT_THAT(hl7v2::WriteEr7(*message),
              ::testing::Not(HasSubstr("Sertraline")));
}

TEST(BuildSafetyAlertTest, NoSensitiveMedicineMeansNoAlert) {
  v1::Referral referral = SampleReferral();
  referral.mutable_mental_health()->mutable_medicines(0)->set_cyp1a2_sensitive(
      false);
  EXPECT_THAT(BuildSafetyAlert(referral, "2026-12-01", SampleHeader()),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

}  // namespace
}  // namespace nhs::tobacco::mental_health
