#include "adapters/gp/outcome_message.h"

#include "adapters/fhir/systems.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/adapters/fhir/fhir_testdata.h"

namespace nhs::tobacco::gp {
namespace {

using ::nhs::tobacco::testing::SampleReferral;
using ::nhs::tobacco::testing::StatusIs;

v1::Outcome QuitAtFourWeeks() {
  v1::Outcome o;
  o.set_outcome_id("out-1");
  o.set_referral_id("ref-1");
  o.set_follow_up(v1::FOLLOW_UP_POINT_WEEK_4);
  o.set_status(v1::OUTCOME_STATUS_QUIT_CO_VERIFIED);
  o.set_co_reading_ppm(4);
  o.set_quit_date("2026-11-01");
  o.set_recorded_on("2026-11-29");
  o.mutable_recorded_by()->mutable_organisation()->set_ods_code("RX9");
  return o;
}

fhir::MessageContext Context() {
  fhir::MessageContext c;
  c.message_id = "0d9e7c56-1b1e-4c55-8f4a-5a4a2b9d0002";
  c.timestamp = absl::FromUnixSeconds(1795861805);
  c.source_endpoint = "https://gateway.example.org/fhir/$process-message";
  return c;
}

TEST(OutcomeMessageTest, QuitIsAnExSmokerObservationWithTheCoReading) {
  auto b = BuildOutcomeMessage(QuitAtFourWeeks(), SampleReferral(), Context());
  ASSERT_TRUE(b.ok()) << b.status();
  const fhir::Json& obs = (*b)["entry"][1]["resource"];
  EXPECT_EQ((*b)["entry"][0]["resource"]["eventCoding"]["code"],
            fhir::kEventOutcome);
  EXPECT_EQ(obs["resourceType"], "Observation");
  EXPECT_EQ(obs["status"], "final");
  EXPECT_EQ(obs["code"]["coding"][0]["code"], "FOLLOW_UP_4");
  EXPECT_EQ(obs["valueCodeableConcept"]["coding"][0]["code"], "8517006");
  EXPECT_EQ(obs["valueCodeableConcept"]["coding"][1]["code"],
            "QUIT_CO_VERIFIED");
  EXPECT_EQ(obs["component"][0]["valueQuantity"]["code"], "[ppm]");
  EXPECT_EQ(obs["effectiveDateTime"], "2026-11-29");
}

TEST(OutcomeMessageTest, NotQuitIsASmoker) {
  v1::Outcome o = QuitAtFourWeeks();
  o.set_status(v1::OUTCOME_STATUS_NOT_QUIT);
  o.clear_co_reading_ppm();
  auto b = BuildOutcomeMessage(o, SampleReferral(), Context());
  ASSERT_TRUE(b.ok());
  const fhir::Json& obs = (*b)["entry"][1]["resource"];
  EXPECT_EQ(obs["valueCodeableConcept"]["coding"][0]["code"], "77176002");
  EXPECT_FALSE(obs.contains("component"));
}

TEST(OutcomeMessageTest, UnknownFollowUpPointIsRefused) {
  v1::Outcome o = QuitAtFourWeeks();
  o.clear_follow_up();
  EXPECT_THAT(BuildOutcomeMessage(o, SampleReferral(), Context()),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace nhs::tobacco::gp
