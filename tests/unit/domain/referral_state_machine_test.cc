#include "gateway/domain/referral_state_machine.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::domain {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::HasSubstr;

constexpr v1::ReferralStatus kReceived = v1::REFERRAL_STATUS_RECEIVED;
constexpr v1::ReferralStatus kAccepted = v1::REFERRAL_STATUS_ACCEPTED;
constexpr v1::ReferralStatus kDeclined = v1::REFERRAL_STATUS_DECLINED;
constexpr v1::ReferralStatus kInTreatment = v1::REFERRAL_STATUS_IN_TREATMENT;
constexpr v1::ReferralStatus kCompleted = v1::REFERRAL_STATUS_COMPLETED;
constexpr v1::ReferralStatus kWithdrawn = v1::REFERRAL_STATUS_WITHDRAWN;
constexpr v1::ReferralStatus kOnHold = v1::REFERRAL_STATUS_ON_HOLD;

struct StepCase {
  v1::ReferralStatus from;
  v1::ReferralStatus held_from;  // when from is ON_HOLD
  v1::ReferralStatus to;
  bool allowed;
};

TEST(ReferralStatusChangeTest, OnHoldAndReopenFollowTheTable) {
  const std::vector<StepCase> cases = {
      // Going on hold: only from a referral the service has taken on.
      {kAccepted, {}, kOnHold, true},
      {kInTreatment, {}, kOnHold, true},
      {kReceived, {}, kOnHold, false},
      {kDeclined, {}, kOnHold, false},
      {kCompleted, {}, kOnHold, false},
      {kWithdrawn, {}, kOnHold, false},
      {kOnHold, kAccepted, kOnHold, false},
      // Reopening: to the status it left, and nowhere else.
      {kOnHold, kAccepted, kAccepted, true},
      {kOnHold, kAccepted, kInTreatment, false},
      {kOnHold, kInTreatment, kInTreatment, true},
      {kOnHold, kInTreatment, kAccepted, false},
      {kOnHold, kInTreatment, kCompleted, false},
      {kOnHold, kInTreatment, kDeclined, false},
      {kOnHold, kInTreatment, kReceived, false},
      // Withdrawn from hold like from any non-final status.
      {kOnHold, kInTreatment, kWithdrawn, true},
      {kOnHold, kAccepted, kWithdrawn, true},
      // The steps before issue 12, unchanged.
      {kReceived, {}, kAccepted, true},
      {kReceived, {}, kDeclined, true},
      {kAccepted, {}, kInTreatment, true},
      {kAccepted, {}, kCompleted, true},
      {kInTreatment, {}, kCompleted, true},
      {kInTreatment, {}, kAccepted, false},
      {kDeclined, {}, kWithdrawn, false},
  };
  for (const StepCase& c : cases) {
    SCOPED_TRACE(absl::StrCat(ReferralStatusName(c.from), "(",
                              ReferralStatusName(c.held_from), ") -> ",
                              ReferralStatusName(c.to)));
    v1::Referral referral;
    referral.set_status(c.from);
    referral.set_held_from(c.held_from);
    const absl::Status s = CheckReferralStatusChange(referral, c.to);
    if (c.allowed) {
      EXPECT_THAT(s, IsOk());
    } else {
      EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition));
    }
  }
}

TEST(ReferralStatusChangeTest, RefusedReopenNamesTheStatusItLeft) {
  v1::Referral referral;
  referral.set_status(kOnHold);
  referral.set_held_from(kInTreatment);
  EXPECT_THAT(CheckReferralStatusChange(referral, kAccepted),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("went ON_HOLD from IN_TREATMENT")));
}

TEST(ApplyReferralStatusTest, KeepsTheStatusLeftWhileOnHoldOnly) {
  v1::Referral referral;
  referral.set_status(kInTreatment);
  ApplyReferralStatus(referral, kOnHold);
  EXPECT_EQ(referral.status(), kOnHold);
  EXPECT_EQ(referral.held_from(), kInTreatment);
  ApplyReferralStatus(referral, kInTreatment);
  EXPECT_EQ(referral.status(), kInTreatment);
  EXPECT_EQ(referral.held_from(), v1::REFERRAL_STATUS_UNSPECIFIED);
}

}  // namespace
}  // namespace nhs::tobacco::domain
