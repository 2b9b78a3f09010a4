#include "gateway/domain/outcome_rules.h"

#include "absl/strings/strip.h"

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

}  // namespace nhs::tobacco::domain
