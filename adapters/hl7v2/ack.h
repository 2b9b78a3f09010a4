#ifndef ADAPTERS_HL7V2_ACK_H_
#define ADAPTERS_HL7V2_ACK_H_

// Builds the HL7 v2 acknowledgement (ACK: MSH MSA [{ERR}]) for a request.
//
//   AckOutcome outcome;
//   outcome.code = AckCode::kError;
//   outcome.control_id = NextControlId();       // the caller owns ids
//   outcome.timestamp = clock.Now();            // and time
//   outcome.errors.push_back({.location = {"PID", 1, 3, 1, 1},
//                             .code = ErrorCode::kRequiredFieldMissing,
//                             .user_message = "PID-3 has no NHS number"});
//   absl::StatusOr<Message> ack = BuildAck(request, outcome);
//
// Acknowledgement mode. HL7 2.5.1 (chapter 2, 2.9) uses original mode when
// MSH-15 and MSH-16 are both empty and enhanced mode otherwise. In
// enhanced mode the immediate reply is an accept ("commit") ACK, so with
// AckKind::kAuto we answer CA/CE/CR when the request's MSH-15 or MSH-16 is
// valued (a null `""` counts as not valued) and AA/AE/AR when both are
// empty. Callers that send the later application ACK in enhanced mode ask
// for AckKind::kApplication explicitly. Whether an accept ACK is wanted at
// all (MSH-15 NE/ER/SU) is the caller's decision; see AcceptAckRequested.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "adapters/hl7v2/message.h"

namespace nhs::tobacco::hl7v2 {

// MSA-1 in outcome terms; the two-letter code depends on the mode.
enum class AckCode {
  kAccept,  // AA / CA
  kError,   // AE / CE: content error, sender should fix, not resend
  kReject,  // AR / CR: message-level refusal, may resend later
};

enum class AckKind {
  kAuto,         // enhanced mode -> commit, else application (see above)
  kApplication,  // AA / AE / AR
  kCommit,       // CA / CE / CR
};

// HL7 table 0357, message error condition codes (2.5.1, plus 104 from 2.7).
enum class ErrorCode {
  kMessageAccepted = 0,
  kSegmentSequenceError = 100,
  kRequiredFieldMissing = 101,
  kDataTypeError = 102,
  kTableValueNotFound = 103,
  // "A value exceeded the normative length, or the length that the
  // application is able to safely handle" (added in v2.7): a message over
  // our limits. Not 207 (application internal error), which tells engines
  // to resend, nor 206 (record locked, also transient): the same message
  // would be refused for ever.
  kValueTooLong = 104,
  kUnsupportedMessageType = 200,
  kUnsupportedEventCode = 201,
  kUnsupportedProcessingId = 202,
  kUnsupportedVersionId = 203,
  kUnknownKeyIdentifier = 204,
  kDuplicateKeyIdentifier = 205,
  kApplicationRecordLocked = 206,
  kApplicationInternalError = 207,
};

// Table 0357 text for `code`, e.g. "Required field missing".
absl::string_view ErrorCodeText(ErrorCode code);

// Table 0516.
enum class Severity { kError, kWarning, kInformation };

// ERR-2 (ERL). Zero / empty parts are left out; trailing ones are trimmed.
struct ErrorLocation {
  std::string segment_id;
  int segment_sequence = 0;
  int field = 0;
  int repetition = 0;
  int component = 0;
  int subcomponent = 0;
};

// One ERR segment.
struct AckError {
  ErrorLocation location;
  ErrorCode code = ErrorCode::kApplicationInternalError;
  Severity severity = Severity::kError;
  // ERR-8, plain text (escaped on writing). Must not carry patient data.
  std::string user_message;
};

struct AckOutcome {
  AckCode code = AckCode::kAccept;
  AckKind kind = AckKind::kAuto;
  std::vector<AckError> errors;
  // MSH-10 of the ACK itself; required.
  std::string control_id;
  // MSH-7, written as UTC "YYYYMMDDHHMMSS+0000".
  absl::Time timestamp = absl::UnixEpoch();
};

// True when the request asks for enhanced-mode acknowledgement.
bool IsEnhancedMode(const Message& request);

// Whether, in enhanced mode, an accept ACK with `code` should be sent given
// MSH-15 (AL always, NE never, ER errors only, SU success only). Original
// mode always answers.
bool AcceptAckRequested(const Message& request, AckCode code);

// The ACK for `request`, in the request's own delimiters: MSH-3/4 and
// MSH-5/6 swapped, MSH-9 "ACK^<trigger>^ACK", MSH-10 = outcome.control_id,
// MSH-11 and MSH-12 copied; MSA-1 per mode, MSA-2 = request MSH-10; one ERR
// per outcome error (ERR-2, ERR-3 code^text^HL70357, ERR-4, ERR-8; for
// 2.3/2.4 requests ERR-1 as well, the only ERR field those versions define).
// InvalidArgument when control_id is empty.
absl::StatusOr<Message> BuildAck(const Message& request,
                                 const AckOutcome& outcome);

// Best-effort ACK for bytes that did not parse. When they begin with a
// usable MSH, the delimiters and MSH-3..6, 9-12 and 15/16 are salvaged
// from the first segment (each capped in length); otherwise the default
// delimiters and an empty MSA-2 are used. Always yields a message.
Message BuildAckForUnparsed(absl::string_view raw_request,
                            const AckOutcome& outcome);

}  // namespace nhs::tobacco::hl7v2

#endif  // ADAPTERS_HL7V2_ACK_H_
