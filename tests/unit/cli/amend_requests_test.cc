// tobaccoctl referrals update / timeline (issue 12, amend part): each flag
// sets one field and names it in the mask, so only what the command line
// says changes.
#include "gateway/cli/amend_requests.h"

#include <string>
#include <vector>

#include "gateway/cli/commands.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

ParsedArgs ArgsFor(std::vector<std::string> argv) {
  absl::StatusOr<Invocation> invocation = ParseInvocation(argv);
  EXPECT_TRUE(invocation.ok()) << invocation.status();
  return invocation.ok() ? invocation->args : ParsedArgs();
}

std::vector<std::string> Paths(const v1::UpdateReferralRequest& r) {
  return {r.update_mask().paths().begin(), r.update_mask().paths().end()};
}

TEST(BuildUpdateReferralRequestTest, EachFlagSetsItsFieldAndItsPath) {
  absl::StatusOr<v1::UpdateReferralRequest> r = BuildUpdateReferralRequest(
      ArgsFor({"referrals", "update", "ref-1", "--gp-practice", "Y90002",
               "--nominated-pharmacy", "FZZ98", "--goal", "cut_down_to_quit",
               "--text-reminders", "--home-visits=false", "--medicines",
               "Clozapine:123,Sertraline", "--expected-version", "3"}),
      "req-1");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->request_id(), "req-1");
  EXPECT_EQ(r->referral_id(), "ref-1");
  EXPECT_EQ(r->expected_version(), 3);
  EXPECT_THAT(Paths(*r),
              ElementsAre("gp_practice", "nominated_pharmacy", "goal",
                          "contact.text_reminders", "contact.home_visits",
                          "mental_health.medicines"));
  EXPECT_EQ(r->referral().gp_practice().ods_code(), "Y90002");
  EXPECT_EQ(r->referral().nominated_pharmacy().ods_code(), "FZZ98");
  EXPECT_EQ(r->referral().goal(), v1::QUIT_GOAL_CUT_DOWN_TO_QUIT);
  EXPECT_TRUE(r->referral().contact().text_reminders());
  EXPECT_FALSE(r->referral().contact().home_visits());
  ASSERT_EQ(r->referral().mental_health().medicines_size(), 2);
  EXPECT_EQ(r->referral().mental_health().medicines(0).dmd_code(), "123");
}

TEST(BuildUpdateReferralRequestTest, ConsentIsWithdrawnOrGivenPerParty) {
  absl::StatusOr<v1::UpdateReferralRequest> r = BuildUpdateReferralRequest(
      ArgsFor({"referrals", "update", "ref-1", "--withdraw-consent", "gp",
               "--withdraw-consent", "mental-health", "--give-consent",
               "pharmacy"}),
      "req-1");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Paths(*r), ElementsAre("consent.share_with_gp",
                                     "consent.share_with_mental_health_team",
                                     "consent.share_with_pharmacy"));
  EXPECT_FALSE(r->referral().consent().share_with_gp());
  EXPECT_FALSE(r->referral().consent().share_with_mental_health_team());
  EXPECT_TRUE(r->referral().consent().share_with_pharmacy());
}

TEST(BuildUpdateReferralRequestTest, UsageErrorsNameWhatToFix) {
  EXPECT_THAT(BuildUpdateReferralRequest(
                  ArgsFor({"referrals", "update", "ref-1"}), "req-1")
                  .status()
                  .message(),
              HasSubstr("nothing to change"));
  EXPECT_THAT(
      BuildUpdateReferralRequest(ArgsFor({"referrals", "update", "ref-1",
                                          "--withdraw-consent", "dentist"}),
                                 "req-1")
          .status()
          .message(),
      HasSubstr("--withdraw-consent"));
  ParsedArgs no_id;
  no_id.Add("goal", "quit_now");
  EXPECT_FALSE(BuildUpdateReferralRequest(no_id, "req-1").ok());
}

TEST(BuildGetReferralTimelineRequestTest, TakesTheReferralId) {
  absl::StatusOr<v1::GetReferralTimelineRequest> r =
      BuildGetReferralTimelineRequest(
          ArgsFor({"referrals", "timeline", "ref-9"}));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->referral_id(), "ref-9");
}

}  // namespace
}  // namespace nhs::tobacco::cli
