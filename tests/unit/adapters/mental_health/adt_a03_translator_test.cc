#include "adapters/mental_health/adt_a03_translator.h"

#include <string>

#include "absl/strings/str_replace.h"
#include "adapters/hl7v2/parser.h"
#include "gateway/domain/field_violations.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/adapters/hl7v2/testdata.h"

namespace nhs::tobacco::mental_health {
namespace {

using ::nhs::tobacco::hl7v2::ReadTestdata;
using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;

hl7v2::Message Parse(const std::string& bytes) {
  auto msg = hl7v2::ParseEr7(bytes);
  EXPECT_THAT(msg, IsOk());
  return msg.ok() ? *msg : hl7v2::Message();
}

TEST(TranslateAdtA03Test, DischargeOfASmokerBecomesACommunityReferral) {
  auto request =
      TranslateAdtA03(Parse(ReadTestdata("adt_a03_discharge_smoker.hl7")));
  ASSERT_THAT(request, IsOk());
  ASSERT_TRUE(request->has_value());
  const v1::CreateReferralRequest& r = **request;
  EXPECT_EQ(r.request_id(), "hl7:RX9:MSG000202");
  EXPECT_EQ(r.referral().patient().nhs_number(), "9990000026");
  EXPECT_EQ(r.referral().patient().date_of_birth(), "1979-02-23");
  EXPECT_EQ(r.referral().referrer().ods_code(), "RX9");
  EXPECT_EQ(r.referral().service().ods_code(), "TDS01");
  EXPECT_EQ(r.referral().source(), v1::REFERRAL_SOURCE_INPATIENT_MENTAL_HEALTH);
  EXPECT_EQ(r.referral().external_referral_id(), "INP-778899");
  EXPECT_EQ(r.referral().referring_practitioner().display_name(),
            "Dr Ada Okafor");
  EXPECT_EQ(r.referral().mental_health().diagnosis_category(),
            v1::DIAGNOSIS_CATEGORY_BIPOLAR_DISORDER);
  EXPECT_EQ(r.referral().smoking().cigarettes_per_day(), 25);
}

TEST(TranslateAdtA03Test, VisitNumberInTheStandardPv1FieldIsUsed) {
  auto request = TranslateAdtA03(Parse(absl::StrReplaceAll(
      ReadTestdata("adt_a03_discharge_smoker.hl7"),
      {{"|INP-778899^^^RX9^VN|", "||INP-112233^^^RX9^VN|"}})));
  ASSERT_THAT(request, IsOk());
  ASSERT_TRUE(request->has_value());
  EXPECT_EQ((*request)->referral().external_referral_id(), "INP-112233");
}

TEST(TranslateAdtA03Test, DischargeWithoutSmokingFlagNeedsNoReferral) {
  auto request = TranslateAdtA03(Parse(ReadTestdata("adt_a03_discharge.hl7")));
  ASSERT_THAT(request, IsOk());
  EXPECT_FALSE(request->has_value());
}

TEST(TranslateAdtA03Test, ExSmokerNeedsNoReferral) {
  auto request = TranslateAdtA03(Parse(absl::StrReplaceAll(
      ReadTestdata("adt_a03_discharge_smoker.hl7"),
      {{"160605003^Heavy cigarette smoker", "8517006^Ex-smoker"}})));
  ASSERT_THAT(request, IsOk());
  EXPECT_FALSE(request->has_value());
}

TEST(TranslateAdtA03Test, TobaccoDependenceDiagnosisFlagsASmoker) {
  auto request = TranslateAdtA03(
      Parse(ReadTestdata("adt_a03_discharge.hl7") +
            "DG1|2||F17.2^Nicotine dependence^I10||20200101|W\r"));
  ASSERT_THAT(request, IsOk());
  EXPECT_TRUE(request->has_value());
}

TEST(TranslateAdtA03Test, SmokerWithBadNhsNumberIsRefusedAtPid3) {
  auto request = TranslateAdtA03(
      Parse(absl::StrReplaceAll(ReadTestdata("adt_a03_discharge_smoker.hl7"),
                                {{"9990000026", "9990000140"}})));
  EXPECT_THAT(request, StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_EQ(domain::GetFieldViolations(request.status()).size(), 1u);
  EXPECT_EQ(domain::GetFieldViolations(request.status())[0].field,
            "PID-3(1).1");
}

TEST(TranslateAdtA03Test, OtherTriggerIsRefusedAtMsh9) {
  auto request = TranslateAdtA03(
      Parse(absl::StrReplaceAll(ReadTestdata("adt_a03_discharge_smoker.hl7"),
                                {{"ADT^A03^ADT_A03", "ADT^A01"}})));
  EXPECT_THAT(request, StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace nhs::tobacco::mental_health
