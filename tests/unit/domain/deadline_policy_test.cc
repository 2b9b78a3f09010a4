#include "gateway/domain/deadline_policy.h"

#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::domain {
namespace {

using ::google::protobuf::util::TimeUtil;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::HasSubstr;

absl::TimeZone London() {
  absl::TimeZone tz;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/London", &tz));
  return tz;
}

absl::Time At(int y, int m, int d, int hh, int mm = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), London());
}

DeadlinePolicy Policy() {
  v1::DeadlineConfig config;
  auto* ack = config.add_deadlines();
  ack->set_status(v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
  ack->set_working_days(2);
  auto* rec = config.add_deadlines();
  rec->set_status(v1::PRESCRIPTION_STATUS_RECOMMENDED);
  rec->set_hours(4);
  config.add_bank_holidays("2026-12-25");
  config.add_bank_holidays("2026-12-28");
  config.set_expire_after_days(28);
  auto policy = DeadlinePolicy::FromConfig(config);
  EXPECT_TRUE(policy.ok()) << policy.status();
  return *policy;
}

google::protobuf::Timestamp Ts(absl::Time t) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

TEST(DeadlinePolicyTest, TwoWorkingDaysFromThursdaySkipTheWeekend) {
  // Thursday 26 Nov 2026, 10:00 -> Monday 30 Nov 10:00.
  EXPECT_EQ(Policy().DueAt(v1::PRESCRIPTION_STATUS_ACKNOWLEDGED,
                           At(2026, 11, 26, 10)),
            At(2026, 11, 30, 10));
}

TEST(DeadlinePolicyTest, BankHolidaysDoNotCount) {
  // Thursday 24 Dec: 25th (holiday), 26-27 weekend, 28th (holiday) ->
  // Tuesday 29th, Wednesday 30th.
  EXPECT_EQ(
      Policy().DueAt(v1::PRESCRIPTION_STATUS_ACKNOWLEDGED, At(2026, 12, 24, 9)),
      At(2026, 12, 30, 9));
}

TEST(DeadlinePolicyTest, WeekendArrivalStartsTheClockOnMonday) {
  // Saturday 28 Nov 15:00 counts from Monday 30 Nov 00:00 -> Wed 2 Dec.
  EXPECT_EQ(Policy().DueAt(v1::PRESCRIPTION_STATUS_ACKNOWLEDGED,
                           At(2026, 11, 28, 15)),
            At(2026, 12, 2, 0));
}

TEST(DeadlinePolicyTest, HourDeadlinesAreWallClockHours) {
  EXPECT_EQ(
      Policy().DueAt(v1::PRESCRIPTION_STATUS_RECOMMENDED, At(2026, 11, 28, 22)),
      At(2026, 11, 29, 2));
}

TEST(DeadlinePolicyTest, StatesWithoutADeadlineHaveNone) {
  EXPECT_EQ(
      Policy().DueAt(v1::PRESCRIPTION_STATUS_PRESCRIBED, At(2026, 11, 26, 10)),
      std::nullopt);
}

TEST(DeadlinePolicyTest, OverdueIsRaisedOnceThenNotAgain) {
  DeadlinePolicy policy = Policy();
  v1::PrescriptionRequest p;
  p.set_status(v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
  *p.mutable_created_at() = Ts(At(2026, 11, 26, 9));
  *p.mutable_due_at() = Ts(At(2026, 11, 30, 10));
  EXPECT_EQ(policy.Evaluate(p, At(2026, 11, 30, 9)), DeadlineVerdict::kNone);
  EXPECT_EQ(policy.Evaluate(p, At(2026, 11, 30, 10)),
            DeadlineVerdict::kOverdue);
  p.set_overdue(true);
  EXPECT_EQ(policy.Evaluate(p, At(2026, 12, 1, 10)), DeadlineVerdict::kNone);
}

TEST(DeadlinePolicyTest, UndecidedRequestsExpireAfterTheConfiguredDays) {
  DeadlinePolicy policy = Policy();
  v1::PrescriptionRequest p;
  p.set_status(v1::PRESCRIPTION_STATUS_SENT);
  p.set_overdue(true);
  *p.mutable_created_at() = Ts(At(2026, 11, 1, 9));
  EXPECT_EQ(policy.Evaluate(p, At(2026, 11, 29, 8)), DeadlineVerdict::kNone);
  EXPECT_EQ(policy.Evaluate(p, At(2026, 11, 29, 9)), DeadlineVerdict::kExpire);
  // A prescribed request waits for dispensing and does not expire.
  p.set_status(v1::PRESCRIPTION_STATUS_PRESCRIBED);
  EXPECT_EQ(policy.Evaluate(p, At(2026, 12, 29, 9)), DeadlineVerdict::kNone);
}

TEST(DeadlinePolicyTest, FinalStatesHaveNoDeadline) {
  v1::PrescriptionRequest p;
  p.set_status(v1::PRESCRIPTION_STATUS_DISPENSED);
  *p.mutable_due_at() = Ts(At(2026, 1, 1, 0));
  EXPECT_EQ(Policy().Evaluate(p, At(2026, 11, 28, 0)), DeadlineVerdict::kNone);
}

TEST(DeadlinePolicyTest, BadConfigNamesEachField) {
  v1::DeadlineConfig config;
  auto* d = config.add_deadlines();
  d->set_status(v1::PRESCRIPTION_STATUS_DISPENSED);
  config.add_bank_holidays("25/12/2026");
  config.set_expire_after_days(-1);
  EXPECT_THAT(
      DeadlinePolicy::FromConfig(config).status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               ::testing::AllOf(HasSubstr("deadlines.deadlines[0].status"),
                                HasSubstr("deadlines.bank_holidays[0]"),
                                HasSubstr("deadlines.expire_after_days"))));
}

}  // namespace
}  // namespace nhs::tobacco::domain
