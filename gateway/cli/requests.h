#ifndef GATEWAY_CLI_REQUESTS_H_
#define GATEWAY_CLI_REQUESTS_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/cli/args.h"
#include "nhs/tobacco/v1/admin_service.pb.h"
#include "nhs/tobacco/v1/outcome_service.pb.h"
#include "nhs/tobacco/v1/prescription_service.pb.h"
#include "nhs/tobacco/v1/referral_service.pb.h"

namespace nhs::tobacco::cli {

// Pure mappings from a command's parsed arguments to the request proto it
// sends. Errors are InvalidArgument naming the flag or argument. They check
// only what the command line itself must get right (numbers parse, enums
// exist, required flags are present); clinical validation (NHS number
// Modulus 11, ODS format, dates) is the server's, which reports every
// violation at once.

// Reads a whole file; a seam so tests need no file system.
using FileReader =
    std::function<absl::StatusOr<std::string>(const std::string&)>;
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

// referrals create: either flags or --from-json FILE (a Referral in proto
// JSON), never both, so nothing is silently overridden.
absl::StatusOr<v1::CreateReferralRequest> BuildCreateReferralRequest(
    const ParsedArgs& args, absl::string_view request_id,
    const FileReader& read_file);
absl::StatusOr<v1::ListReferralsRequest> BuildListReferralsRequest(
    const ParsedArgs& args);
// Positional: ID.
absl::StatusOr<v1::GetReferralRequest> BuildGetReferralRequest(
    const ParsedArgs& args);
// Positionals: ID STATUS.
absl::StatusOr<v1::UpdateReferralStatusRequest>
BuildUpdateReferralStatusRequest(const ParsedArgs& args,
                                 absl::string_view request_id);

absl::StatusOr<v1::RecommendPrescriptionRequest>
BuildRecommendPrescriptionRequest(const ParsedArgs& args,
                                  absl::string_view request_id);
absl::StatusOr<v1::ListPrescriptionsRequest> BuildListPrescriptionsRequest(
    const ParsedArgs& args);
// Positional: ID.
absl::StatusOr<v1::GetPrescriptionRequest> BuildGetPrescriptionRequest(
    const ParsedArgs& args);
absl::StatusOr<v1::GetTimelineRequest> BuildGetTimelineRequest(
    const ParsedArgs& args);

// Transitions; positional ID. Actor from --actor-ods, --actor-practitioner,
// --actor-register; --note; --external-id SYSTEM=VALUE (repeatable).
absl::StatusOr<v1::TransitionRequest> BuildTransitionRequest(
    const ParsedArgs& args, absl::string_view request_id);
// Adds --eps-id.
absl::StatusOr<v1::PrescribeRequest> BuildPrescribeRequest(
    const ParsedArgs& args, absl::string_view request_id);
// Adds the required --reason (a reason code).
absl::StatusOr<v1::ReasonedTransitionRequest> BuildReasonedTransitionRequest(
    const ParsedArgs& args, absl::string_view request_id);

// events watch: the first request; the command advances after_sequence.
absl::StatusOr<v1::WatchEventsRequest> BuildWatchEventsRequest(
    const ParsedArgs& args);

// --follow-up accepts 4, 12, 52 as well as week_4 ...
absl::StatusOr<v1::RecordOutcomeRequest> BuildRecordOutcomeRequest(
    const ParsedArgs& args, absl::string_view request_id);
// Positional: REFERRAL_ID.
absl::StatusOr<v1::ListOutcomesRequest> BuildListOutcomesRequest(
    const ParsedArgs& args);

// deliveries list: --state also accepts "dead", the word operators use for
// DEAD_LETTER; --destination is an ODS code.
absl::StatusOr<v1::ListDeliveriesRequest> BuildListDeliveriesRequest(
    const ParsedArgs& args);
// Positional: MESSAGE_ID.
absl::StatusOr<v1::GetDeliveryRequest> BuildGetDeliveryRequest(
    const ParsedArgs& args);
absl::StatusOr<v1::ReplayDeliveryRequest> BuildReplayDeliveryRequest(
    const ParsedArgs& args);
// Adds the required --reason (free text the gateway keeps): refused here
// when missing or blank, so no call is made that the server would refuse.
absl::StatusOr<v1::DiscardDeliveryRequest> BuildDiscardDeliveryRequest(
    const ParsedArgs& args);

// The index-th positional argument, or an error naming it (e.g. "ID").
absl::StatusOr<std::string> PositionalArg(const ParsedArgs& args, size_t index,
                                          absl::string_view name);

// care (issue 12): `referrals quit-date ID DATE`, `referrals contact ID
// OUTCOME --mode --date`, `outcomes search --ods --from --to`.
absl::StatusOr<v1::SetQuitDateRequest> BuildSetQuitDateRequest(
    const ParsedArgs& args, absl::string_view request_id);
absl::StatusOr<v1::RecordContactRequest> BuildRecordContactRequest(
    const ParsedArgs& args, absl::string_view request_id);
absl::StatusOr<v1::ListOutcomesRequest> BuildSearchOutcomesRequest(
    const ParsedArgs& args);

}  // namespace nhs::tobacco::cli

#endif  // GATEWAY_CLI_REQUESTS_H_
