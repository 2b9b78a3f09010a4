#ifndef GATEWAY_CLI_RENDER_H_
#define GATEWAY_CLI_RENDER_H_

#include <string>

#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "grpcpp/support/status.h"
#include "nhs/tobacco/v1/admin_service.pb.h"
#include "nhs/tobacco/v1/event.pb.h"
#include "nhs/tobacco/v1/outcome_service.pb.h"
#include "nhs/tobacco/v1/prescription_service.pb.h"
#include "nhs/tobacco/v1/referral_service.pb.h"

namespace nhs::tobacco::cli {

// Pure renderings of responses and errors as the text tobaccoctl prints.
// Human views never show a full NHS number (masked, see
// gateway/common/nhs_number_mask.h), a date of birth or a name: a terminal
// is often shared or screen-captured. --json prints the message as it is.

// "2024-05-01T09:30:00Z"; "-" when unset.
std::string FormatTimestamp(const google::protobuf::Timestamp& time);

// Proto JSON (canonical lowerCamelCase names). `multiline` pretty-prints;
// single-line output suits streams (one JSON document per line).
std::string ToJson(const google::protobuf::Message& message, bool multiline);

std::string RenderReferral(const v1::Referral& referral);
std::string RenderReferralList(const v1::ListReferralsResponse& response);

std::string RenderPrescription(const v1::PrescriptionRequest& prescription);
std::string RenderPrescriptionList(
    const v1::ListPrescriptionsResponse& response);
// SEQ, TIME, EVENT, FROM->TO, ACTOR, REASON/NOTE.
std::string RenderTimeline(const v1::GetTimelineResponse& response);

// One line per event for `events watch`, which cannot align columns it has
// not seen yet, so it pads to fixed widths instead.
std::string RenderEventHeader();
std::string RenderEventLine(const v1::TimelineEvent& event);

std::string RenderOutcome(const v1::Outcome& outcome);
std::string RenderOutcomeList(const v1::ListOutcomesResponse& response);
// care (issue 12).
std::string RenderContact(const v1::Contact& contact);

// "audit chain intact: N rows checked" or the first broken row and why.
std::string RenderAuditVerification(const v1::VerifyAuditChainResponse& r);
std::string RenderAuditRecords(const v1::ListAuditRecordsResponse& r);

// Outbound messages (the outbox). A Delivery carries no patient data, so
// these views mask nothing.
std::string RenderDelivery(const v1::Delivery& delivery);
// MESSAGE ID, KIND, DESTINATION, CHANNEL, STATE, ATTEMPTS, NEXT ATTEMPT,
// LAST ERROR (cut to fit a terminal; `deliveries show` prints it whole).
std::string RenderDeliveryList(const v1::ListDeliveriesResponse& response);
// One row per destination: PENDING, OLDEST PENDING (age), PENDING ATTEMPTS,
// DEAD LETTERS, DELIVERED.
std::string RenderDeliveryStats(const v1::GetDeliveryStatsResponse& response);

// "OK", "INVALID_ARGUMENT", ...; "CODE_<n>" for a code gRPC does not name.
// Takes the number, not grpc::StatusCode: a code outside the enum's range is
// not a valid grpc::StatusCode value (UBSan reports the load).
std::string StatusCodeName(int code);

// "error: CODE: message" then "  field: description" for each field
// violation in a google.rpc.BadRequest found in the status details.
// Details that do not parse are ignored: the code and message still stand.
std::string RenderRpcError(const grpc::Status& status);

}  // namespace nhs::tobacco::cli

#endif  // GATEWAY_CLI_RENDER_H_
