#include "gateway/pathway/audited_write.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/pathway/pathway_fixture.h"

namespace nhs::tobacco::pathway {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;

using AuditedWritesTest = PathwayTest;

int RowsFor(const std::vector<v1::AuditRecord>& rows,
            const std::string& operation) {
  int n = 0;
  for (const auto& r : rows) n += r.operation() == operation;
  return n;
}

TEST_F(AuditedWritesTest, AReadAuditThatFailsOnceIsRetried) {
  const std::string id = SampleReferral();
  store_->fail_writes = 1;
  EXPECT_THAT(referrals_->GetReferral(Gp(), id), IsOk());
  EXPECT_EQ(LastAudit("GetReferral").ods_code(), "Y90001");
  EXPECT_EQ(writes_->read_audit_losses(), 0);
}

TEST_F(AuditedWritesTest, AReadAuditThatKeepsFailingIsCountedNotSilent) {
  const std::string id = SampleReferral();
  store_->fail_writes = 1000;
  // Fail open: the read is answered.
  EXPECT_THAT(referrals_->GetReferral(Gp(), id), IsOk());
  const absl::Time give_up = absl::Now() + absl::Seconds(5);
  while (writes_->read_audit_losses() == 0 && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(writes_->read_audit_losses(), 1);
  store_->fail_writes = 0;
  EXPECT_EQ(RowsFor(AuditRows(), "GetReferral"), 0);
}

TEST_F(AuditedWritesTest, FailClosedRefusesAReadItCannotAudit) {
  const std::string id = SampleReferral();
  Build(formulary_, /*fail_closed=*/true);
  store_->fail_writes = 1000;
  EXPECT_THAT(referrals_->GetReferral(Gp(), id),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(referrals_->ListReferrals(Gp(), v1::ListReferralsRequest()),
              StatusIs(absl::StatusCode::kUnavailable));
}

TEST_F(AuditedWritesTest, FailClosedAnswersOnceTheAuditRowIsDurable) {
  const std::string id = SampleReferral();
  Build(formulary_, /*fail_closed=*/true);
  store_->fail_writes = 1;  // the first try fails, the retry lands
  EXPECT_THAT(referrals_->GetReferral(Gp(), id), IsOk());
  // No waiting: the row is already there when the read answers.
  EXPECT_EQ(RowsFor(AuditRows(), "GetReferral"), 1);
}

TEST_F(AuditedWritesTest,
       ARetriedWriteGetsTheFirstAnswerAndAnotherBodyIsRefused) {
  auto first = CreateReferral(Trust(), testing::SampleReferralRequest("r"));
  ASSERT_THAT(first, IsOk());
  auto again = CreateReferral(Trust(), testing::SampleReferralRequest("r"));
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->referral_id(), first->referral_id());
  EXPECT_EQ(LastAudit("CreateReferral", "OK_REPLAYED").result(), "OK_REPLAYED");
  v1::CreateReferralRequest other = testing::SampleReferralRequest("r");
  other.mutable_referral()->set_goal(v1::QUIT_GOAL_CUT_DOWN_TO_QUIT);
  EXPECT_THAT(CreateReferral(Trust(), other),
              StatusIs(absl::StatusCode::kAlreadyExists));
}

TEST_F(AuditedWritesTest, AStrangerNeverGetsAnotherCallersStoredAnswer) {
  ASSERT_THAT(CreateReferral(Trust(), testing::SampleReferralRequest("r")),
              IsOk());
  EXPECT_THAT(CreateReferral(Pharmacy(), testing::SampleReferralRequest("r")),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

}  // namespace
}  // namespace nhs::tobacco::pathway
