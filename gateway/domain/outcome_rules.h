#ifndef GATEWAY_DOMAIN_OUTCOME_RULES_H_
#define GATEWAY_DOMAIN_OUTCOME_RULES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nhs/tobacco/v1/config.pb.h"
#include "nhs/tobacco/v1/event.pb.h"
#include "nhs/tobacco/v1/outcome.pb.h"
#include "nhs/tobacco/v1/referral.pb.h"

namespace nhs::tobacco::domain {

// What recording an outcome means beyond the shape of its fields
// (request_validation.h). The referral it belongs to must exist; the use
// case checks that against the store.

// The reason code on the OUTCOME_RECORDED timeline event: the status's
// enum name without its prefix ("QUIT_CO_VERIFIED"), so a timeline reader
// sees the result without decoding the outcome.
std::string OutcomeReasonCode(v1::OutcomeStatus status);

// The OUTCOME_RECORDED event for a recorded `outcome` (its id, created_at
// and recorded_by already set): on the referral's timeline, acted by
// whoever recorded it, with OutcomeReasonCode as its reason code.
v1::TimelineEvent OutcomeRecordedEvent(const v1::Outcome& outcome);

// care (issue 12, item 9): the rules an outcome must meet beyond its shape.

// The days after the quit date (day 0) on which one follow-up may be
// recorded, both inclusive.
struct FollowUpWindow {
  int min_days = 0;
  int max_days = 0;
};

// One window per follow-up point. The defaults are unconfirmed: week 4 =
// days 25-42 (the NCSCT 4-week quitter definition as our reference cites
// it, marked unconfirmed there); week 12 = 77-98 and week 52 = 330-400 are
// local choices of the same shape. Configured in GatewayConfig.follow_up.
struct FollowUpWindows {
  FollowUpWindow week_4{25, 42};
  FollowUpWindow week_12{77, 98};
  FollowUpWindow week_52{330, 400};

  // The window of `point` (WEEK_4, WEEK_12 or WEEK_52).
  const FollowUpWindow& For(v1::FollowUpPoint point) const;
  // Unset (0-0) windows of `config` keep their defaults.
  static FollowUpWindows FromConfig(const v1::FollowUpConfig& config);
};

// DISENGAGED and RE_ENGAGED are derived from contacts (RecordContact), never
// recorded as outcomes: INVALID_ARGUMENT on outcome.status pointing there.
absl::Status CheckRecordableOutcomeStatus(v1::OutcomeStatus status);

// Outcomes are recorded only on a referral that reached treatment:
// IN_TREATMENT, COMPLETED, or ON_HOLD from IN_TREATMENT.
// FAILED_PRECONDITION naming its status otherwise.
absl::Status CheckReachedTreatment(const v1::Referral& referral);

// The quit date of an outcome is the referral's quit date record:
// FAILED_PRECONDITION when none is set, INVALID_ARGUMENT on
// outcome.quit_date when the outcome names another date. Returns the date.
absl::StatusOr<std::string> OutcomeQuitDate(const v1::Outcome& outcome,
                                            const v1::Referral& referral);

// recorded_on must fall in the follow-up's window counted from
// `quit_date`: INVALID_ARGUMENT on outcome.recorded_on naming the window
// (its days and its dates) otherwise. Both dates YYYY-MM-DD, valid.
absl::Status CheckFollowUpWindow(v1::FollowUpPoint point,
                                 absl::string_view quit_date,
                                 absl::string_view recorded_on,
                                 const FollowUpWindows& windows);

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_OUTCOME_RULES_H_
