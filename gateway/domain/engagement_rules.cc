#include "gateway/domain/engagement_rules.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gateway/domain/field_violations.h"
#include "gateway/domain/identifiers.h"
#include "gateway/domain/referral_state_machine.h"

namespace nhs::tobacco::domain {

EngagementStep AfterContact(const Engagement& before,
                            v1::ContactOutcome outcome) {
  EngagementStep step{before, EngagementChange::kNone};
  switch (outcome) {
    case v1::CONTACT_OUTCOME_ATTENDED:
      step.after.missed_in_a_row = 0;
      if (before.disengaged) {
        step.after.disengaged = false;
        step.change = EngagementChange::kReEngaged;
      }
      break;
    case v1::CONTACT_OUTCOME_MISSED:
      ++step.after.missed_in_a_row;
      if (!before.disengaged &&
          step.after.missed_in_a_row >= kMissedContactsToDisengage) {
        step.after.disengaged = true;
        step.change = EngagementChange::kDisengaged;
      }
      break;
    default:  // CANCELLED: neither missed nor attended.
      break;
  }
  return step;
}

absl::Status ValidateRecordContact(const v1::RecordContactRequest& request,
                                   int max_text_length, absl::CivilDay today) {
  Violations v;
  if (request.request_id().empty()) {
    v.Add("request_id", "is required (a client-chosen idempotency key)");
  } else if (request.request_id().size() > 128) {
    v.Add("request_id", "must be at most 128 characters");
  }
  if (request.referral_id().empty()) v.Add("referral_id", "is required");
  if (request.outcome() == v1::CONTACT_OUTCOME_UNSPECIFIED ||
      !v1::ContactOutcome_IsValid(request.outcome())) {
    v.Add("outcome", "must be ATTENDED, MISSED or CANCELLED");
  }
  if (request.mode() == v1::CONTACT_MODE_UNSPECIFIED ||
      !v1::ContactMode_IsValid(request.mode())) {
    v.Add("mode", "must be PHONE, VIDEO, HOME_VISIT or CLINIC");
  }
  if (request.contact_date().empty()) {
    v.Add("contact_date", "is required");
  } else if (absl::Status s = ValidateIsoDate(request.contact_date());
             !s.ok()) {
    v.Add("contact_date", s.message());
  } else {
    absl::CivilDay day;
    absl::ParseCivilTime(request.contact_date(), &day);
    if (day > today) v.Add("contact_date", "must not be in the future");
  }
  if (absl::Status s =
          ValidateOdsCode(request.actor().organisation().ods_code());
      !s.ok()) {
    v.Add("actor.organisation.ods_code", s.message());
  }
  if (static_cast<int>(request.note().size()) > max_text_length) {
    v.Add("note",
          absl::StrCat("must be at most ", max_text_length, " characters"));
  }
  return v.ToStatus("invalid contact");
}

absl::Status CheckContactAllowed(const v1::Referral& referral) {
  const v1::ReferralStatus s = referral.status();
  if (s == v1::REFERRAL_STATUS_ACCEPTED ||
      s == v1::REFERRAL_STATUS_IN_TREATMENT ||
      s == v1::REFERRAL_STATUS_ON_HOLD) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(
      absl::StrCat("contacts are recorded only on an ACCEPTED, IN_TREATMENT "
                   "or ON_HOLD referral; this one is ",
                   ReferralStatusName(s)));
}

v1::TimelineEvent ContactEvent(v1::EventType type, const v1::Contact& contact) {
  v1::TimelineEvent event;
  event.set_type(type);
  event.set_referral_id(contact.referral_id());
  *event.mutable_occurred_at() = contact.created_at();
  *event.mutable_actor() = contact.recorded_by();
  event.set_reason_code(std::string(absl::StripPrefix(
      v1::ContactOutcome_Name(contact.outcome()), "CONTACT_OUTCOME_")));
  *event.mutable_contact() = contact;
  return event;
}

}  // namespace nhs::tobacco::domain
