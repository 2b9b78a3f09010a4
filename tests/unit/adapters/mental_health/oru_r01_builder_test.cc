#include "adapters/mental_health/oru_r01_builder.h"

#include "adapters/hl7v2/parser.h"
#include "adapters/hl7v2/writer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/adapters/hl7v2/testdata.h"
#include "tests/unit/adapters/mental_health/builder_fixtures.h"

namespace nhs::tobacco::mental_health {
namespace {

using ::nhs::tobacco::hl7v2::ReadTestdata;
using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::HasSubstr;

v1::Outcome SampleOutcome() {
  v1::Outcome o;
  o.set_follow_up(v1::FOLLOW_UP_POINT_WEEK_4);
  o.set_status(v1::OUTCOME_STATUS_QUIT_CO_VERIFIED);
  o.set_co_reading_ppm(4);
  o.set_quit_date("2026-12-01");
  o.set_recorded_on("2027-01-05");
  return o;
}

TEST(BuildOruR01Test, CoVerifiedQuitHasTheReferenceExampleObservations) {
  auto message = BuildOruR01(SampleOutcome(), SampleReferral(), SampleHeader());
  ASSERT_THAT(message, IsOk());
  const std::string bytes = hl7v2::WriteEr7(*message);
  // The coded OBX values of oru_r01_outcome.hl7, written the same way.
  EXPECT_THAT(bytes,
              HasSubstr("OBX|1|DT|QUITDATE^Quit date^L||20261201||||||F\r"));
  EXPECT_THAT(bytes, HasSubstr("OBX|2|CE|QUIT4WK^Quit status at 4 weeks^L||"
                               "QUIT_CO_VERIFIED^Quit, CO verified^L||||||F"));
  EXPECT_THAT(bytes, HasSubstr("OBX|3|NM|251900003^Expired carbon monoxide "
                               "concentration^SCT||4|[ppm]^parts per "
                               "million^UCUM|<10||||F"));
  EXPECT_THAT(bytes, HasSubstr("OBX|4|CE|SMOKSTAT^Smoking status^L||"
                               "8517006^Ex-smoker^SCT||||||F\r"));
  auto parsed = hl7v2::ParseEr7(bytes);
  ASSERT_THAT(parsed, IsOk());
  auto reference = hl7v2::ParseEr7(ReadTestdata("oru_r01_outcome.hl7"));
  ASSERT_THAT(reference, IsOk());
  for (const char* path : {"MSH-9", "MSH-10", "OBR-2", "OBR-3", "OBR-4",
                           "OBR-25", "PID-3(1)", "OBX(2)-5", "OBX(3)-6"}) {
    EXPECT_EQ(*parsed->GetRaw(path), *reference->GetRaw(path)) << path;
  }
}

TEST(BuildOruR01Test, NotQuitWithoutCoReadingReportsSmokerAndNoCoObx) {
  v1::Outcome outcome = SampleOutcome();
  outcome.set_status(v1::OUTCOME_STATUS_NOT_QUIT);
  outcome.clear_co_reading_ppm();
  outcome.set_follow_up(v1::FOLLOW_UP_POINT_WEEK_12);
  auto message = BuildOruR01(outcome, SampleReferral(), SampleHeader());
  ASSERT_THAT(message, IsOk());
  const std::string bytes = hl7v2::WriteEr7(*message);
  EXPECT_THAT(bytes, HasSubstr("QUIT12WK"));
  EXPECT_THAT(bytes, HasSubstr("77176002^Smoker^SCT"));
  EXPECT_THAT(bytes, ::testing::Not(HasSubstr("251900003")));
}

TEST(BuildOruR01Test, UnspecifiedStatusIsRefused) {
  v1::Outcome outcome = SampleOutcome();
  outcome.clear_status();
  EXPECT_THAT(BuildOruR01(outcome, SampleReferral(), SampleHeader()),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace nhs::tobacco::mental_health
