#include "gateway/domain/deadline_policy.h"

#include "absl/strings/str_cat.h"
#include "gateway/domain/field_violations.h"
#include "gateway/domain/prescription_state_machine.h"

namespace nhs::tobacco::domain {
namespace {

absl::Time ToTime(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

bool IsUndecided(v1::PrescriptionStatus s) {
  return s == v1::PRESCRIPTION_STATUS_RECOMMENDED ||
         s == v1::PRESCRIPTION_STATUS_SENT ||
         s == v1::PRESCRIPTION_STATUS_ACKNOWLEDGED ||
         s == v1::PRESCRIPTION_STATUS_APPOINTMENT_REQUIRED;
}

}  // namespace

absl::StatusOr<DeadlinePolicy> DeadlinePolicy::FromConfig(
    const v1::DeadlineConfig& config) {
  DeadlinePolicy policy;
  // Working days are English working days; the zone ships with tzdata. UTC
  // is a safe fallback (at most an hour out around midnight).
  if (!absl::LoadTimeZone("Europe/London", &policy.zone_)) {
    policy.zone_ = absl::UTCTimeZone();
  }
  Violations violations;
  for (int i = 0; i < config.deadlines_size(); ++i) {
    const v1::StateDeadline& d = config.deadlines(i);
    const std::string path = absl::StrCat("deadlines.deadlines[", i, "]");
    if (d.status() == v1::PRESCRIPTION_STATUS_UNSPECIFIED ||
        !v1::PrescriptionStatus_IsValid(d.status()) || IsFinal(d.status())) {
      violations.Add(absl::StrCat(path, ".status"),
                     "must be a non-final prescription status");
    }
    if (d.working_days() < 0 || d.hours() < 0 ||
        (d.working_days() == 0 && d.hours() == 0)) {
      violations.Add(path, "set working_days or hours to a positive number");
    }
    if (policy.rules_.contains(d.status())) {
      violations.Add(absl::StrCat(path, ".status"),
                     "a deadline for this status is already configured");
    }
    policy.rules_[d.status()] = Rule{d.working_days(), d.hours()};
  }
  for (int i = 0; i < config.bank_holidays_size(); ++i) {
    absl::CivilDay day;
    if (!absl::ParseCivilTime(config.bank_holidays(i), &day)) {
      violations.Add(absl::StrCat("deadlines.bank_holidays[", i, "]"),
                     "must be a date YYYY-MM-DD");
      continue;
    }
    policy.holidays_.insert(day);
  }
  if (config.expire_after_days() < 0) {
    violations.Add("deadlines.expire_after_days", "must not be negative");
  }
  policy.expire_after_days_ = config.expire_after_days();
  if (!violations.empty()) return violations.ToStatus("invalid deadlines");
  return policy;
}

bool DeadlinePolicy::IsWorkingDay(absl::CivilDay day) const {
  const absl::Weekday wd = absl::GetWeekday(day);
  if (wd == absl::Weekday::saturday || wd == absl::Weekday::sunday) {
    return false;
  }
  return !holidays_.contains(day);
}

absl::Time DeadlinePolicy::AddWorkingDays(absl::Time start, int days) const {
  absl::CivilSecond local = absl::ToCivilSecond(start, zone_);
  absl::CivilDay day(local);
  absl::CivilSecond time_of_day_start(day);
  if (!IsWorkingDay(day)) {
    // Received on a weekend or holiday: the clock starts at the beginning of
    // the next working day.
    do {
      ++day;
    } while (!IsWorkingDay(day));
    local = absl::CivilSecond(day);
    time_of_day_start = local;
  }
  const auto offset = local - time_of_day_start;
  for (int counted = 0; counted < days;) {
    ++day;
    if (IsWorkingDay(day)) ++counted;
  }
  return absl::FromCivil(absl::CivilSecond(day) + offset, zone_);
}

std::optional<absl::Time> DeadlinePolicy::DueAt(v1::PrescriptionStatus status,
                                                absl::Time entered) const {
  auto it = rules_.find(status);
  if (it == rules_.end()) return std::nullopt;
  if (it->second.working_days > 0) {
    return AddWorkingDays(entered, it->second.working_days);
  }
  return entered + absl::Hours(it->second.hours);
}

DeadlineVerdict DeadlinePolicy::Evaluate(const v1::PrescriptionRequest& request,
                                         absl::Time now) const {
  if (IsFinal(request.status())) return DeadlineVerdict::kNone;
  if (expire_after_days_ > 0 && IsUndecided(request.status()) &&
      request.has_created_at() &&
      now >=
          ToTime(request.created_at()) + absl::Hours(24) * expire_after_days_) {
    return DeadlineVerdict::kExpire;
  }
  if (!request.overdue() && request.has_due_at() &&
      now >= ToTime(request.due_at())) {
    return DeadlineVerdict::kOverdue;
  }
  return DeadlineVerdict::kNone;
}

}  // namespace nhs::tobacco::domain
