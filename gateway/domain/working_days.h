#ifndef GATEWAY_DOMAIN_WORKING_DAYS_H_
#define GATEWAY_DOMAIN_WORKING_DAYS_H_

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gateway/domain/deadline_policy.h"

// Durations in working days for the pathway report (issue 14): Monday to
// Friday in Europe/London minus the deadline calendar's bank holidays.
namespace nhs::tobacco::domain {

// Counts working days between two instants: the working days strictly
// after the start's Europe/London day up to and including the end's (so
// Friday 16:00 -> Monday 09:00 is 1, the same day is 0, and Friday ->
// Tuesday across a bank-holiday Monday is 1). 0 when the end's day is not
// after the start's. Caches a running count per day, so a report over
// millions of requests asks the calendar once per day. Not thread-safe.
class WorkingDayCounter {
 public:
  // `calendar` is not owned; null means Monday to Friday, no holidays.
  explicit WorkingDayCounter(const DeadlinePolicy* calendar)
      : calendar_(calendar) {}

  int Between(absl::Time start, absl::Time end);
  int BetweenDays(absl::CivilDay start, absl::CivilDay end);

  // LondonDay(t), cached by UTC hour (Europe/London changes day and offset
  // only on the hour).
  absl::CivilDay DayOf(absl::Time t);

 private:
  bool IsWorkingDay(absl::CivilDay day) const;
  // Working days in (base_, day]; extends the cache to cover `day`.
  int CountTo(absl::CivilDay day);

  const DeadlinePolicy* calendar_;
  absl::CivilDay base_;
  // prefix_[i] = working days in (base_, base_ + i].
  std::vector<int> prefix_;
  absl::flat_hash_map<int64_t, absl::CivilDay> day_of_hour_;
};

// The nearest-rank percentile of ascending `sorted` (non-empty): the value
// at rank ceil(percent / 100 * n), counting from 1.
int NearestRank(const std::vector<int>& sorted, int percent);

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_WORKING_DAYS_H_
