// Working days and financial quarters for the reports (issue 14).
#include "gateway/domain/deadline_policy.h"
#include "gateway/domain/london_day.h"
#include "gateway/domain/report_quarters.h"
#include "gateway/domain/working_days.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::domain {
namespace {

absl::Time At(int y, int m, int d, int hh, int mm = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), LondonZone());
}

DeadlinePolicy Calendar() {
  v1::DeadlineConfig config;
  config.add_bank_holidays("2026-08-31");  // summer bank holiday, a Monday
  auto policy = DeadlinePolicy::FromConfig(config);
  EXPECT_TRUE(policy.ok()) << policy.status();
  return *policy;
}

TEST(WorkingDaysTest, SameDayIsZero) {
  DeadlinePolicy cal = Calendar();
  WorkingDayCounter c(&cal);
  EXPECT_EQ(c.Between(At(2026, 9, 2, 9), At(2026, 9, 2, 17)), 0);
}

TEST(WorkingDaysTest, FridayAfternoonToMondayMorningIsOne) {
  DeadlinePolicy cal = Calendar();
  WorkingDayCounter c(&cal);
  // Friday 4 Sep 2026 16:00 -> Monday 7 Sep 09:00.
  EXPECT_EQ(c.Between(At(2026, 9, 4, 16), At(2026, 9, 7, 9)), 1);
}

TEST(WorkingDaysTest, BankHolidayMondayDoesNotCount) {
  DeadlinePolicy cal = Calendar();
  WorkingDayCounter c(&cal);
  // Friday 28 Aug -> Tuesday 1 Sep across the bank holiday: 1.
  EXPECT_EQ(c.Between(At(2026, 8, 28, 10), At(2026, 9, 1, 9)), 1);
  // -> Wednesday 2 Sep: 2.
  EXPECT_EQ(c.Between(At(2026, 8, 28, 10), At(2026, 9, 2, 9)), 2);
  // Friday -> the holiday itself: 0.
  EXPECT_EQ(c.Between(At(2026, 8, 28, 10), At(2026, 8, 31, 12)), 0);
  // Without the holiday Monday counts.
  WorkingDayCounter plain(nullptr);
  EXPECT_EQ(plain.Between(At(2026, 8, 28, 10), At(2026, 9, 1, 9)), 2);
}

TEST(WorkingDaysTest, WeekendStartAndReversedInstants) {
  DeadlinePolicy cal = Calendar();
  WorkingDayCounter c(&cal);
  // Saturday 5 Sep -> Sunday 6 Sep: 0; -> Monday 7 Sep: 1.
  EXPECT_EQ(c.Between(At(2026, 9, 5, 10), At(2026, 9, 6, 10)), 0);
  EXPECT_EQ(c.Between(At(2026, 9, 5, 10), At(2026, 9, 7, 10)), 1);
  // An end before the start counts nothing.
  EXPECT_EQ(c.Between(At(2026, 9, 7, 10), At(2026, 9, 5, 10)), 0);
}

TEST(WorkingDaysTest, LongSpansAndCacheGrowingBothWays) {
  DeadlinePolicy cal = Calendar();
  WorkingDayCounter c(&cal);
  // Monday 7 Sep 2026 -> Monday 5 Oct: four weeks, 20 working days.
  EXPECT_EQ(
      c.BetweenDays(absl::CivilDay(2026, 9, 7), absl::CivilDay(2026, 10, 5)),
      20);
  // Years earlier (the cache extends backwards): Monday 2 Jan 2023 ->
  // Monday 9 Jan 2023: 5.
  EXPECT_EQ(
      c.BetweenDays(absl::CivilDay(2023, 1, 2), absl::CivilDay(2023, 1, 9)), 5);
  // And still right for the first question.
  EXPECT_EQ(
      c.BetweenDays(absl::CivilDay(2026, 8, 28), absl::CivilDay(2026, 9, 1)),
      1);
}

TEST(WorkingDaysTest, EveningInLondonIsTheLondonDay) {
  DeadlinePolicy cal = Calendar();
  WorkingDayCounter c(&cal);
  // 23:30 BST on Friday 4 Sep is 22:30 UTC: still Friday in London.
  absl::Time friday_late = At(2026, 9, 4, 23, 30);
  EXPECT_EQ(c.Between(friday_late, At(2026, 9, 7, 0, 30)), 1);
}

TEST(NearestRankTest, MedianAndP90) {
  std::vector<int> four = {1, 2, 3, 4};
  EXPECT_EQ(NearestRank(four, 50), 2);  // rank ceil(2) = 2
  EXPECT_EQ(NearestRank(four, 90), 4);  // rank ceil(3.6) = 4
  std::vector<int> ten = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_EQ(NearestRank(ten, 50), 5);
  EXPECT_EQ(NearestRank(ten, 90), 9);
  std::vector<int> one = {7};
  EXPECT_EQ(NearestRank(one, 50), 7);
  EXPECT_EQ(NearestRank(one, 90), 7);
}

TEST(FinancialQuarterTest, QuartersAcrossTheYearBoundary) {
  FinancialQuarter q4 = FinancialQuarterOf(absl::CivilDay(2026, 3, 31));
  EXPECT_EQ(q4.label, "2025-26 Q4");
  EXPECT_EQ(q4.first, absl::CivilDay(2026, 1, 1));
  EXPECT_EQ(q4.last, absl::CivilDay(2026, 3, 31));

  FinancialQuarter q1 = FinancialQuarterOf(absl::CivilDay(2026, 4, 1));
  EXPECT_EQ(q1.label, "2026-27 Q1");
  EXPECT_EQ(q1.first, absl::CivilDay(2026, 4, 1));
  EXPECT_EQ(q1.last, absl::CivilDay(2026, 6, 30));

  EXPECT_EQ(FinancialQuarterOf(absl::CivilDay(2026, 9, 30)).label,
            "2026-27 Q2");
  FinancialQuarter q3 = FinancialQuarterOf(absl::CivilDay(2026, 12, 31));
  EXPECT_EQ(q3.label, "2026-27 Q3");
  EXPECT_EQ(q3.first, absl::CivilDay(2026, 10, 1));
  EXPECT_EQ(q3.last, absl::CivilDay(2026, 12, 31));

  FinancialQuarter next = FinancialQuarterOf(absl::CivilDay(2027, 1, 1));
  EXPECT_EQ(next.label, "2026-27 Q4");
  EXPECT_EQ(next.first, absl::CivilDay(2027, 1, 1));
  EXPECT_EQ(next.last, absl::CivilDay(2027, 3, 31));

  EXPECT_EQ(FinancialQuarterOf(absl::CivilDay(2099, 5, 1)).label, "2099-00 Q1");
  EXPECT_EQ(QuarterDisplay(next), "January to March 2027");
  EXPECT_EQ(QuarterDisplay(q1), "April to June 2026");
}

TEST(FinancialQuarterTest, ParsesItsOwnLabelsOnly) {
  auto q = ParseFinancialQuarter("2026-27 Q4");
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->first, absl::CivilDay(2027, 1, 1));
  EXPECT_FALSE(ParseFinancialQuarter("2026-28 Q1").has_value());
  EXPECT_FALSE(ParseFinancialQuarter("2026-27 Q5").has_value());
  EXPECT_FALSE(ParseFinancialQuarter("NONE").has_value());
}

}  // namespace
}  // namespace nhs::tobacco::domain
