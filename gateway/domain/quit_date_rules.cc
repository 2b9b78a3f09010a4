#include "gateway/domain/quit_date_rules.h"

#include "absl/strings/str_cat.h"
#include "gateway/domain/field_violations.h"
#include "gateway/domain/identifiers.h"
#include "gateway/domain/referral_state_machine.h"

namespace nhs::tobacco::domain {

absl::Status ValidateSetQuitDate(const v1::SetQuitDateRequest& request,
                                 int max_text_length, absl::CivilDay today) {
  Violations v;
  if (request.request_id().empty()) {
    v.Add("request_id", "is required (a client-chosen idempotency key)");
  } else if (request.request_id().size() > 128) {
    v.Add("request_id", "must be at most 128 characters");
  }
  if (request.referral_id().empty()) v.Add("referral_id", "is required");
  if (request.quit_date().empty()) {
    v.Add("quit_date", "is required");
  } else if (absl::Status s = ValidateIsoDate(request.quit_date()); !s.ok()) {
    v.Add("quit_date", s.message());
  } else {
    absl::CivilDay day;
    absl::ParseCivilTime(request.quit_date(), &day);
    if (day > today + kQuitDateMaxDaysFromToday ||
        day < today - kQuitDateMaxDaysFromToday) {
      v.Add("quit_date", absl::StrCat("must be within ",
                                      kQuitDateMaxDaysFromToday,
                                      " days of today"));
    }
  }
  if (absl::Status s = ValidateOdsCode(request.actor().organisation().ods_code());
      !s.ok()) {
    v.Add("actor.organisation.ods_code", s.message());
  }
  if (static_cast<int>(request.note().size()) > max_text_length) {
    v.Add("note", absl::StrCat("must be at most ", max_text_length,
                               " characters"));
  }
  return v.ToStatus("invalid quit date");
}

absl::Status CheckQuitDateAllowed(const v1::Referral& referral) {
  const v1::ReferralStatus s = referral.status();
  if (s == v1::REFERRAL_STATUS_ACCEPTED ||
      s == v1::REFERRAL_STATUS_IN_TREATMENT) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "a quit date is set only on an ACCEPTED or IN_TREATMENT referral; this "
      "one is ",
      ReferralStatusName(s),
      s == v1::REFERRAL_STATUS_ON_HOLD ? " (reopen it first)" : ""));
}

v1::ReferralStatus StatusAfterQuitDate(v1::ReferralStatus status) {
  return status == v1::REFERRAL_STATUS_ACCEPTED
             ? v1::REFERRAL_STATUS_IN_TREATMENT
             : status;
}

v1::TimelineEvent QuitDateSetEvent(const v1::QuitDate& quit_date) {
  v1::TimelineEvent event;
  event.set_type(v1::EVENT_TYPE_QUIT_DATE_SET);
  event.set_referral_id(quit_date.referral_id());
  *event.mutable_occurred_at() = quit_date.set_at();
  *event.mutable_actor() = quit_date.set_by();
  event.set_note(quit_date.note());
  *event.mutable_quit_date() = quit_date;
  return event;
}

}  // namespace nhs::tobacco::domain
