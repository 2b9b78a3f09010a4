#ifndef GATEWAY_CLI_SAFETY_ALERT_CLI_H_
#define GATEWAY_CLI_SAFETY_ALERT_CLI_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/cli/args.h"
#include "nhs/tobacco/v1/safety_alert_service.pb.h"

namespace nhs::tobacco::cli {

// safety: `tobaccoctl safety-alerts list|ack`: pure request building and
// rendering, as requests.h and render.h do for the other commands.

// --referral, or --ods and --state; --page-size, --page-token.
absl::StatusOr<v1::ListSafetyAlertsRequest> BuildListSafetyAlertsRequest(
    const ParsedArgs& args);
// ALERT_ID; --practitioner and --practitioner-name (required by the
// gateway: a person acknowledges), --practitioner-register, --actor-ods,
// --note.
absl::StatusOr<v1::AcknowledgeSafetyAlertRequest>
BuildAcknowledgeSafetyAlertRequest(const ParsedArgs& args,
                                   absl::string_view request_id);

std::string RenderSafetyAlert(const v1::SafetyAlert& alert);
std::string RenderSafetyAlertList(const v1::ListSafetyAlertsResponse& response);

}  // namespace nhs::tobacco::cli

#endif  // GATEWAY_CLI_SAFETY_ALERT_CLI_H_
