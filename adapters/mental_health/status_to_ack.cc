#include "adapters/mental_health/status_to_ack.h"

#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "adapters/hl7v2/message.h"
#include "gateway/domain/field_violations.h"

namespace nhs::tobacco::mental_health {
namespace {

using hl7v2::AckCode;
using hl7v2::AckError;
using hl7v2::AckOutcome;
using hl7v2::ErrorCode;
using hl7v2::ErrorLocation;

// ERR-8 is free text for a person; keep it short.
constexpr size_t kMaxUserMessage = 200;

std::string Clip(absl::string_view text) {
  if (text.size() <= kMaxUserMessage) return std::string(text);
  return absl::StrCat(text.substr(0, kMaxUserMessage - 3), "...");
}

// Where each CreateReferral field came from in REF^I12 / ADT^A03.
constexpr std::pair<absl::string_view, absl::string_view> kRequestPaths[] = {
    {"request_id", "MSH-10"},
    {"referral.patient.nhs_number", "PID-3"},
    {"referral.patient.date_of_birth", "PID-7"},
    {"referral.patient", "PID"},
    {"referral.referrer", "MSH-4"},
    {"referral.service", "MSH-6"},
    {"referral.referring_practitioner", "PRD-7"},
    {"referral.external_referral_id", "RF1-6"},
    {"referral.smoking", "OBX-5"},
    {"referral.mental_health.diagnosis_category", "DG1-3"},
    {"referral.mental_health", "OBX-5"},
};

AckOutcome Single(AckCode code, ErrorLocation location, ErrorCode error,
                  absl::string_view message) {
  AckOutcome outcome;
  outcome.code = code;
  AckError e;
  e.location = std::move(location);
  e.code = error;
  e.user_message = Clip(message);
  outcome.errors.push_back(std::move(e));
  return outcome;
}

}  // namespace

ErrorLocation Hl7ErrorLocation(absl::string_view field) {
  for (const auto& [prefix, hl7] : kRequestPaths) {
    if (absl::StartsWith(field, prefix)) {
      field = hl7;
      break;
    }
  }
  ErrorLocation location;
  absl::StatusOr<hl7v2::Path> path = hl7v2::ParsePath(field);
  if (!path.ok()) {
    // A bare segment id ("PID") names a missing segment.
    if (hl7v2::IsValidSegmentId(field)) {
      location.segment_id = std::string(field);
      location.segment_sequence = 1;
    }
    return location;
  }
  location.segment_id = path->segment_id;
  location.segment_sequence = path->segment_occurrence;
  location.field = path->field;
  location.repetition = path->repetition;
  location.component = path->component;
  location.subcomponent = path->subcomponent;
  if (location.component > 0 && location.repetition == 0) {
    location.repetition = 1;
  }
  return location;
}

ErrorCode Hl7ErrorCode(absl::string_view description) {
  if (absl::StrContains(description, "segment is required")) {
    return ErrorCode::kSegmentSequenceError;
  }
  if (absl::StrContains(description, "is required")) {
    return ErrorCode::kRequiredFieldMissing;
  }
  if (absl::StrContains(description, "unsupported message type")) {
    return ErrorCode::kUnsupportedMessageType;
  }
  if (absl::StrContains(description, "unsupported event")) {
    return ErrorCode::kUnsupportedEventCode;
  }
  if (absl::StrContains(description, "not in table") ||
      absl::StrContains(description, "is not a known")) {
    return ErrorCode::kTableValueNotFound;
  }
  if (absl::StrContains(description, "unknown")) {
    return ErrorCode::kUnknownKeyIdentifier;
  }
  return ErrorCode::kDataTypeError;
}

AckOutcome AckOutcomeForStatus(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return AckOutcome{};
    case absl::StatusCode::kInvalidArgument: {
      AckOutcome outcome;
      outcome.code = AckCode::kError;
      for (const domain::FieldViolation& v :
           domain::GetFieldViolations(status)) {
        AckError e;
        e.location = Hl7ErrorLocation(v.field);
        e.code = Hl7ErrorCode(v.description);
        e.user_message = Clip(absl::StrCat(v.field, ": ", v.description));
        outcome.errors.push_back(std::move(e));
      }
      if (outcome.errors.empty()) {
        return Single(AckCode::kError, {}, ErrorCode::kDataTypeError,
                      status.message());
      }
      return outcome;
    }
    case absl::StatusCode::kAlreadyExists:
      return Single(AckCode::kError, Hl7ErrorLocation("MSH-10"),
                    ErrorCode::kDuplicateKeyIdentifier,
                    "MSH-10: this control id was already used by this sender "
                    "for a different message");
    case absl::StatusCode::kNotFound:
      return Single(AckCode::kError, {}, ErrorCode::kUnknownKeyIdentifier,
                    status.message());
    default:
      // Transient or internal: not the sender's fault, so AR asks it to keep
      // the message and resend. The detail stays in our log, not the ACK.
      return Single(AckCode::kReject, {}, ErrorCode::kApplicationInternalError,
                    "temporarily unable to store the message; resend later");
  }
}

std::vector<AckError> AckWarnings(
    const std::vector<domain::FieldViolation>& warnings) {
  std::vector<AckError> out;
  for (const domain::FieldViolation& w : warnings) {
    AckError e;
    e.location = Hl7ErrorLocation(w.field);
    e.code = Hl7ErrorCode(w.description);
    e.severity = hl7v2::Severity::kWarning;
    e.user_message = Clip(absl::StrCat(w.field, ": ", w.description));
    out.push_back(std::move(e));
  }
  return out;
}

AckOutcome AckOutcomeForParseError(const absl::Status& status) {
  if (status.code() == absl::StatusCode::kResourceExhausted) {
    // Over a parser limit (segments, fields, bytes): AE with 104, "value
    // too long". Never AR or 207, which engines resend on - and the same
    // message would be refused again, for ever.
    return Single(AckCode::kError, {}, ErrorCode::kValueTooLong,
                  absl::StrCat("message too large: ", status.message()));
  }
  return Single(
      AckCode::kReject, {}, ErrorCode::kDataTypeError,
      absl::StrCat("not a parsable HL7 v2 message: ", status.message()));
}

}  // namespace nhs::tobacco::mental_health
