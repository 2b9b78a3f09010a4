#include "adapters/mental_health/rri_i12_builder.h"

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

TEST(BuildRriI12Test, AcceptedReferralSaysAcceptedWithBothReferralIds) {
  v1::Referral referral = SampleReferral();
  referral.set_status(v1::REFERRAL_STATUS_ACCEPTED);
  auto message = BuildRriI12(referral, SampleHeader());
  ASSERT_THAT(message, IsOk());
  // What a receiver sees after parsing our bytes.
  auto parsed = hl7v2::ParseEr7(hl7v2::WriteEr7(*message));
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(*parsed->Get("MSH-9.1"), "RRI");
  EXPECT_EQ(*parsed->Get("MSH-9.2"), "I12");
  EXPECT_EQ(*parsed->Get("MSH-10"), "MSG000301");
  EXPECT_EQ(*parsed->Get("MSH-7"), "20270105120000+0000");
  EXPECT_EQ(*parsed->Get("RF1-1.1"), "A");
  EXPECT_EQ(*parsed->Get("RF1-6.1"), "CMHT-REF-000123");
  EXPECT_EQ(*parsed->Get("RF1-11.1"), "TDS-000045");
  EXPECT_EQ(*parsed->Get("PRD(2)-7.1"), "TDS01");
  EXPECT_EQ(*parsed->Get("PID-3.1"), "9990000018");
  EXPECT_EQ(*parsed->Get("PID-3.5"), "NH");
  EXPECT_EQ(*parsed->Get("PID-7"), "19840512");
  EXPECT_EQ(parsed->FindSegment("NTE"), nullptr);
}

TEST(BuildRriI12Test, DeclinedReferralCarriesTheReasonEscaped) {
  v1::Referral referral = SampleReferral();
  referral.set_status(v1::REFERRAL_STATUS_DECLINED);
  referral.set_status_reason("Out of area | refer to local service");
  auto message = BuildRriI12(referral, SampleHeader());
  ASSERT_THAT(message, IsOk());
  EXPECT_THAT(hl7v2::WriteEr7(*message), HasSubstr("Out of area \\F\\ refer"));
  auto parsed = hl7v2::ParseEr7(hl7v2::WriteEr7(*message));
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(*parsed->Get("RF1-1.1"), "R");
  EXPECT_EQ(*parsed->Get("NTE-3"), "Out of area | refer to local service");
}

TEST(BuildRriI12Test, ReferralStillReceivedIsRefused) {
  v1::Referral referral = SampleReferral();
  referral.set_status(v1::REFERRAL_STATUS_RECEIVED);
  EXPECT_THAT(BuildRriI12(referral, SampleHeader()),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace nhs::tobacco::mental_health
