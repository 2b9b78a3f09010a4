#ifndef GATEWAY_CLI_AMEND_REQUESTS_H_
#define GATEWAY_CLI_AMEND_REQUESTS_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/cli/args.h"
#include "nhs/tobacco/v1/referral_service.pb.h"

namespace nhs::tobacco::cli {

// referrals update ID (issue 12, amend part): each flag given sets one
// field and names it in the update mask, so only what the command line
// says changes. --gp-practice ODS, --nominated-pharmacy ODS ("" clears),
// --goal GOAL, --text-reminders[=false], --home-visits[=false],
// --medicines LIST (replaces the list), --withdraw-consent PARTY and
// --give-consent PARTY (repeatable; gp, pharmacy, mental-health),
// --expected-version N. No flag at all is a usage error.
absl::StatusOr<v1::UpdateReferralRequest> BuildUpdateReferralRequest(
    const ParsedArgs& args, absl::string_view request_id);

// referrals timeline ID.
absl::StatusOr<v1::GetReferralTimelineRequest> BuildGetReferralTimelineRequest(
    const ParsedArgs& args);

}  // namespace nhs::tobacco::cli

#endif  // GATEWAY_CLI_AMEND_REQUESTS_H_
