#ifndef ADAPTERS_MENTAL_HEALTH_STATUS_TO_ACK_H_
#define ADAPTERS_MENTAL_HEALTH_STATUS_TO_ACK_H_

// The one mapping from an absl::Status (of parsing, translation or the
// pathway) to an HL7 v2 ACK outcome: MSA-1 and the ERR segments. The
// caller adds the ACK's own control id and timestamp and calls BuildAck.
//
//   OK                                  AA (CA in enhanced mode)
//   INVALID_ARGUMENT with violations    AE, one ERR per violation
//   ALREADY_EXISTS (MSH-10 reused for a different message)  AE, ERR 205
//   NOT_FOUND                           AE, ERR 204
//   UNAVAILABLE, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED, ABORTED, CANCELLED,
//   INTERNAL, FAILED_PRECONDITION (the store in a state it should not be
//   in), anything else                  AR (CR), ERR 207: transient or ours,
//                                       so the sender keeps the message and
//                                       resends. 207 is used for nothing
//                                       else: "resend only when ERR-3 is
//                                       207" is the engines' whole rule.
//   parse failure (AckOutcomeForParseError)  AR, ERR 102
//   over a parser limit (too many segments, fields or bytes)  AE, ERR 104
//                                       (not 207: that means "resend")
//
// AE means "fix the content, resending will not help"; AR means "resend
// later". An unsupported message type or trigger is therefore AE here
// (resending the same trigger never succeeds), although table 0357 lists
// 200/201 under AR for senders that route by it.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "adapters/hl7v2/ack.h"
#include "gateway/domain/field_violations.h"

namespace nhs::tobacco::mental_health {

hl7v2::AckOutcome AckOutcomeForStatus(const absl::Status& status);

// Warnings of an accepted message as ERR segments of severity W, located
// and coded as violations are (Hl7ErrorLocation, Hl7ErrorCode).
std::vector<hl7v2::AckError> AckWarnings(
    const std::vector<domain::FieldViolation>& warnings);

// For bytes ParseEr7 refused: the message is structurally unusable.
hl7v2::AckOutcome AckOutcomeForParseError(const absl::Status& status);

// ERR-2 for a violation's field: an HL7 path ("PID-3(2).1", "OBX(3)-5") is
// used as is; a v1 request path ("referral.patient.nhs_number") is mapped
// to where that value came from in REF^I12 (PID-3); anything else has no
// location.
hl7v2::ErrorLocation Hl7ErrorLocation(absl::string_view field);

// ERR-3 from a violation's description, by the phrases the translators
// and domain validation use: "is required"/"segment is required" -> 101 /
// 100, "not in table" -> 103, "unsupported message type" -> 200,
// "unsupported event" -> 201, "unknown" -> 204, otherwise 102.
hl7v2::ErrorCode Hl7ErrorCode(absl::string_view description);

}  // namespace nhs::tobacco::mental_health

#endif  // ADAPTERS_MENTAL_HEALTH_STATUS_TO_ACK_H_
