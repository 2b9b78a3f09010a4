#include "gateway/domain/working_days.h"

#include <algorithm>

#include "gateway/domain/london_day.h"

namespace nhs::tobacco::domain {

bool WorkingDayCounter::IsWorkingDay(absl::CivilDay day) const {
  if (calendar_ != nullptr) return calendar_->IsWorkingDay(day);
  absl::Weekday w = absl::GetWeekday(day);
  return w != absl::Weekday::saturday && w != absl::Weekday::sunday;
}

int WorkingDayCounter::CountTo(absl::CivilDay day) {
  if (!prefix_.empty()) {
    // The usual case, without civil-day arithmetic beyond one difference.
    int64_t index = day - base_;
    if (index >= 0 && index < static_cast<int64_t>(prefix_.size())) {
      return prefix_[index];
    }
  }
  if (prefix_.empty()) {
    // Start a little before the first day asked for: most durations in one
    // report start within weeks of each other.
    base_ = day - 400;
    prefix_.push_back(0);
  }
  if (day < base_) {
    // Rebuild from further back; the old counts shift by the new prefix.
    absl::CivilDay old_base = base_;
    std::vector<int> old = std::move(prefix_);
    base_ = day - 400;
    prefix_.assign(1, 0);
    for (absl::CivilDay d = base_ + 1; d <= old_base; ++d) {
      prefix_.push_back(prefix_.back() + (IsWorkingDay(d) ? 1 : 0));
    }
    int shift = prefix_.back();
    for (size_t i = 1; i < old.size(); ++i) prefix_.push_back(old[i] + shift);
  }
  while (base_ + static_cast<int64_t>(prefix_.size()) - 1 < day) {
    absl::CivilDay next = base_ + static_cast<int64_t>(prefix_.size());
    prefix_.push_back(prefix_.back() + (IsWorkingDay(next) ? 1 : 0));
  }
  return prefix_[day - base_];
}

int WorkingDayCounter::BetweenDays(absl::CivilDay start, absl::CivilDay end) {
  if (end <= start) return 0;
  int from = CountTo(start);
  return CountTo(end) - from;
}

absl::CivilDay WorkingDayCounter::DayOf(absl::Time t) {
  int64_t seconds = absl::ToUnixSeconds(t);
  // Floor division: instants before 1970 too.
  int64_t hour = seconds / 3600 - (seconds % 3600 < 0 ? 1 : 0);
  auto it = day_of_hour_.find(hour);
  if (it != day_of_hour_.end()) return it->second;
  absl::CivilDay day = LondonDay(absl::FromUnixSeconds(hour * 3600));
  day_of_hour_.emplace(hour, day);
  return day;
}

int WorkingDayCounter::Between(absl::Time start, absl::Time end) {
  return BetweenDays(DayOf(start), DayOf(end));
}

int NearestRank(const std::vector<int>& sorted, int percent) {
  int64_t n = static_cast<int64_t>(sorted.size());
  int64_t rank = (percent * n + 99) / 100;
  rank = std::clamp<int64_t>(rank, 1, n);
  return sorted[rank - 1];
}

}  // namespace nhs::tobacco::domain
