#include "gateway/cli/enum_names.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nhs/tobacco/v1/outcome.pb.h"
#include "nhs/tobacco/v1/prescription.pb.h"
#include "nhs/tobacco/v1/referral.pb.h"

namespace nhs::tobacco::cli {
namespace {

using ::testing::HasSubstr;

TEST(ParseEnumTest, LowerCaseWithoutPrefixIsAccepted) {
  absl::StatusOr<v1::Route> route =
      ParseEnum<v1::Route>("route", "gp_prescription");
  ASSERT_TRUE(route.ok()) << route.status();
  EXPECT_EQ(*route, v1::ROUTE_GP_PRESCRIPTION);
}

TEST(ParseEnumTest, MixedCaseAndHyphensAreAccepted) {
  EXPECT_EQ(*ParseEnum<v1::PrescriptionStatus>("status", "Not-Supplied"),
            v1::PRESCRIPTION_STATUS_NOT_SUPPLIED);
}

TEST(ParseEnumTest, FullNameWithPrefixIsAccepted) {
  EXPECT_EQ(*ParseEnum<v1::ReferralSource>("source",
                                           "REFERRAL_SOURCE_TALKING_THERAPIES"),
            v1::REFERRAL_SOURCE_TALKING_THERAPIES);
}

TEST(ParseEnumTest, UnknownValueNamesTheFlagAndListsChoices) {
  absl::StatusOr<v1::Route> route = ParseEnum<v1::Route>("route", "post");
  EXPECT_EQ(route.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(route.status().message(),
            "--route: unknown value \"post\"; expected one of: "
            "gp_prescription, pharmacy_supply, service_supply");
}

TEST(ParseEnumTest, UnspecifiedIsRefused) {
  EXPECT_THAT(ParseEnum<v1::QuitGoal>("goal", "unspecified").status().message(),
              HasSubstr("--goal: unknown value"));
}

TEST(ParseEnumTest, EmptyTextIsRefused) {
  EXPECT_FALSE(ParseEnum<v1::OutcomeStatus>("status", "").ok());
}

TEST(EnumNameTest, PrefixIsDropped) {
  EXPECT_EQ(EnumName(v1::PRESCRIPTION_STATUS_APPOINTMENT_REQUIRED),
            "APPOINTMENT_REQUIRED");
  EXPECT_EQ(EnumName(v1::FOLLOW_UP_POINT_WEEK_52), "WEEK_52");
}

TEST(EnumNameTest, UnknownNumberPrintsAsNumber) {
  EXPECT_EQ(EnumName(static_cast<v1::Route>(42)), "42");
}

TEST(EnumChoicesTest, ListsEveryValueButUnspecifiedInLowerCase) {
  EXPECT_EQ(EnumChoices(google::protobuf::GetEnumDescriptor<v1::QuitGoal>()),
            "quit_now, cut_down_to_quit, temporary_abstinence");
}

}  // namespace
}  // namespace nhs::tobacco::cli
