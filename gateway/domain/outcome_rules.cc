#include "gateway/domain/outcome_rules.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "gateway/domain/field_violations.h"
#include "gateway/domain/referral_state_machine.h"

namespace nhs::tobacco::domain {

std::string OutcomeReasonCode(v1::OutcomeStatus status) {
  return std::string(
      absl::StripPrefix(v1::OutcomeStatus_Name(status), "OUTCOME_STATUS_"));
}

v1::TimelineEvent OutcomeRecordedEvent(const v1::Outcome& outcome) {
  v1::TimelineEvent event;
  event.set_type(v1::EVENT_TYPE_OUTCOME_RECORDED);
  event.set_referral_id(outcome.referral_id());
  event.set_outcome_id(outcome.outcome_id());
  *event.mutable_occurred_at() = outcome.created_at();
  *event.mutable_actor() = outcome.recorded_by();
  event.set_reason_code(OutcomeReasonCode(outcome.status()));
  return event;
}

const FollowUpWindow& FollowUpWindows::For(v1::FollowUpPoint point) const {
  switch (point) {
    case v1::FOLLOW_UP_POINT_WEEK_12:
      return week_12;
    case v1::FOLLOW_UP_POINT_WEEK_52:
      return week_52;
    default:
      return week_4;
  }
}

FollowUpWindows FollowUpWindows::FromConfig(const v1::FollowUpConfig& config) {
  FollowUpWindows w;
  auto take = [](const v1::FollowUpWindow& from, FollowUpWindow& to) {
    if (from.min_days() != 0 || from.max_days() != 0) {
      to = {from.min_days(), from.max_days()};
    }
  };
  take(config.week_4(), w.week_4);
  take(config.week_12(), w.week_12);
  take(config.week_52(), w.week_52);
  return w;
}

absl::Status CheckRecordableOutcomeStatus(v1::OutcomeStatus status) {
  if (status != v1::OUTCOME_STATUS_DISENGAGED &&
      status != v1::OUTCOME_STATUS_RE_ENGAGED) {
    return absl::OkStatus();
  }
  return InvalidArgumentWithViolations(
      "invalid outcome",
      {{"outcome.status",
        absl::StrCat(OutcomeReasonCode(status),
                     " is derived from contacts, not recorded as an outcome: "
                     "record each contact with RecordContact (two missed in "
                     "a row put DISENGAGED on the timeline, a later attended "
                     "one RE_ENGAGED)")}});
}

absl::Status CheckReachedTreatment(const v1::Referral& referral) {
  const v1::ReferralStatus s = referral.status();
  if (s == v1::REFERRAL_STATUS_IN_TREATMENT ||
      s == v1::REFERRAL_STATUS_COMPLETED ||
      (s == v1::REFERRAL_STATUS_ON_HOLD &&
       referral.held_from() == v1::REFERRAL_STATUS_IN_TREATMENT)) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "outcomes are recorded only on a referral that reached treatment "
      "(IN_TREATMENT or COMPLETED); this one is ",
      ReferralStatusName(s)));
}

absl::StatusOr<std::string> OutcomeQuitDate(const v1::Outcome& outcome,
                                            const v1::Referral& referral) {
  const std::string& set = referral.quit_date().quit_date();
  if (set.empty()) {
    return absl::FailedPreconditionError(
        "the referral has no quit date: set it with SetQuitDate before "
        "recording a follow-up outcome");
  }
  if (!outcome.quit_date().empty() && outcome.quit_date() != set) {
    return InvalidArgumentWithViolations(
        "invalid outcome",
        {{"outcome.quit_date",
          absl::StrCat("is ", outcome.quit_date(),
                       " but the referral's quit date record says ", set,
                       "; leave it empty or amend the quit date with "
                       "SetQuitDate")}});
  }
  return set;
}

absl::Status CheckFollowUpWindow(v1::FollowUpPoint point,
                                 absl::string_view quit_date,
                                 absl::string_view recorded_on,
                                 const FollowUpWindows& windows) {
  absl::CivilDay quit, on;
  if (!absl::ParseCivilTime(quit_date, &quit) ||
      !absl::ParseCivilTime(recorded_on, &on)) {
    return absl::InvalidArgumentError("follow-up dates must be YYYY-MM-DD");
  }
  const FollowUpWindow& w = windows.For(point);
  const int64_t day = on - quit;
  if (day >= w.min_days && day <= w.max_days) return absl::OkStatus();
  return InvalidArgumentWithViolations(
      "outcome outside its follow-up window",
      {{"outcome.recorded_on",
        absl::StrCat("is day ", day, " after the quit date ", quit_date,
                     "; the ",
                     absl::StripPrefix(v1::FollowUpPoint_Name(point),
                                       "FOLLOW_UP_POINT_"),
                     " follow-up window is days ", w.min_days, "-", w.max_days,
                     " (", absl::FormatCivilTime(quit + w.min_days), " to ",
                     absl::FormatCivilTime(quit + w.max_days), ")")}});
}

}  // namespace nhs::tobacco::domain
