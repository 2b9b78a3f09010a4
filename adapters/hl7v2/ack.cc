#include "adapters/hl7v2/ack.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "adapters/hl7v2/encoding.h"
#include "adapters/hl7v2/escape.h"
#include "adapters/hl7v2/message.h"

namespace nhs::tobacco::hl7v2 {
namespace {

// Salvaged header fields longer than this are dropped: the bytes are
// untrusted and an ACK is no place to echo them at length.
constexpr size_t kMaxSalvagedFieldBytes = 256;

std::string MsaCode(AckCode code, bool commit) {
  switch (code) {
    case AckCode::kAccept:
      return commit ? "CA" : "AA";
    case AckCode::kError:
      return commit ? "CE" : "AE";
    case AckCode::kReject:
      return commit ? "CR" : "AR";
  }
  return commit ? "CR" : "AR";
}

absl::string_view SeverityCode(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "E";
    case Severity::kWarning:
      return "W";
    case Severity::kInformation:
      return "I";
  }
  return "E";
}

// Before 2.5 ERR had only ERR-1 (ELD), so older receivers would see nothing.
bool UsesLegacyErr(const Message& request) {
  const std::string version = request.header().GetField(12).Text();
  return absl::StartsWith(version, "2.3") || absl::StartsWith(version, "2.4");
}

void CopyRaw(const Segment& from, int from_field, Segment& to, int to_field) {
  const absl::string_view raw = from.RawField(from_field);
  // Cannot fail: the text came out of a segment with the same delimiters.
  // A control byte the sender put there (0x0B, NUL) is not echoed raw: it
  // could break the engine's MLLP framing of our ACK.
  if (!raw.empty()) {
    to.SetRawField(to_field, EscapeControls(raw, from.encoding()))
        .IgnoreError();
  }
}

void AddErr(Message& ack, const AckError& error, bool legacy) {
  // AddSegment("ERR") cannot fail: the id is valid and not MSH.
  Segment& err = **ack.AddSegment("ERR");
  const ErrorLocation& loc = error.location;
  const std::string code = absl::StrCat(static_cast<int>(error.code));
  auto number = [](int n) { return n > 0 ? absl::StrCat(n) : std::string(); };
  const std::string parts[] = {
      loc.segment_id,        number(loc.segment_sequence),
      number(loc.field),     number(loc.repetition),
      number(loc.component), number(loc.subcomponent)};
  for (int i = 0; i < 6; ++i) {
    if (!parts[i].empty()) err.SetValue(2, 1, i + 1, 0, parts[i]).IgnoreError();
  }
  err.SetValue(3, 1, 1, 0, code).IgnoreError();
  err.SetValue(3, 1, 2, 0, ErrorCodeText(error.code)).IgnoreError();
  err.SetValue(3, 1, 3, 0, "HL70357").IgnoreError();
  err.SetValue(4, 1, 0, 0, SeverityCode(error.severity)).IgnoreError();
  if (!error.user_message.empty()) {
    err.SetValue(8, 1, 0, 0, error.user_message).IgnoreError();
  }
  if (legacy) {
    // ELD: segment id ^ sequence ^ field position ^ code&text&table.
    for (int i = 0; i < 3; ++i) {
      if (!parts[i].empty()) {
        err.SetValue(1, 1, i + 1, 0, parts[i]).IgnoreError();
      }
    }
    err.SetValue(1, 1, 4, 1, code).IgnoreError();
    err.SetValue(1, 1, 4, 2, ErrorCodeText(error.code)).IgnoreError();
    err.SetValue(1, 1, 4, 3, "HL70357").IgnoreError();
  }
}

// Shared by BuildAck and BuildAckForUnparsed; `request` may hold only a
// (partial) MSH.
Message BuildAckUnchecked(const Message& request, const AckOutcome& outcome) {
  const Segment& req = request.header();
  Message ack(request.encoding());
  Segment& msh = *ack.FindMutableSegment("MSH");
  CopyRaw(req, 5, msh, 3);
  CopyRaw(req, 6, msh, 4);
  CopyRaw(req, 3, msh, 5);
  CopyRaw(req, 4, msh, 6);
  msh.SetValue(7, 1, 0, 0,
               absl::FormatTime("%Y%m%d%H%M%S+0000", outcome.timestamp,
                                absl::UTCTimeZone()))
      .IgnoreError();
  const std::string trigger =
      req.GetField(9).GetRepetition(1).GetComponent(2).Text();
  msh.SetValue(9, 1, 1, 0, "ACK").IgnoreError();
  if (!trigger.empty()) msh.SetValue(9, 1, 2, 0, trigger).IgnoreError();
  msh.SetValue(9, 1, 3, 0, "ACK").IgnoreError();
  if (!outcome.control_id.empty()) {
    msh.SetValue(10, 1, 0, 0, outcome.control_id).IgnoreError();
  }
  CopyRaw(req, 11, msh, 11);
  CopyRaw(req, 12, msh, 12);

  bool commit = false;
  switch (outcome.kind) {
    case AckKind::kAuto:
      commit = IsEnhancedMode(request);
      break;
    case AckKind::kApplication:
      commit = false;
      break;
    case AckKind::kCommit:
      commit = true;
      break;
  }
  Segment& msa = **ack.AddSegment("MSA");
  msa.SetValue(1, 1, 0, 0, MsaCode(outcome.code, commit)).IgnoreError();
  CopyRaw(req, 10, msa, 2);

  const bool legacy = UsesLegacyErr(request);
  for (const AckError& error : outcome.errors) AddErr(ack, error, legacy);
  return ack;
}

}  // namespace

absl::string_view ErrorCodeText(ErrorCode code) {
  switch (code) {
    case ErrorCode::kMessageAccepted:
      return "Message accepted";
    case ErrorCode::kSegmentSequenceError:
      return "Segment sequence error";
    case ErrorCode::kRequiredFieldMissing:
      return "Required field missing";
    case ErrorCode::kDataTypeError:
      return "Data type error";
    case ErrorCode::kTableValueNotFound:
      return "Table value not found";
    case ErrorCode::kValueTooLong:
      return "Value too long";
    case ErrorCode::kUnsupportedMessageType:
      return "Unsupported message type";
    case ErrorCode::kUnsupportedEventCode:
      return "Unsupported event code";
    case ErrorCode::kUnsupportedProcessingId:
      return "Unsupported processing id";
    case ErrorCode::kUnsupportedVersionId:
      return "Unsupported version id";
    case ErrorCode::kUnknownKeyIdentifier:
      return "Unknown key identifier";
    case ErrorCode::kDuplicateKeyIdentifier:
      return "Duplicate key identifier";
    case ErrorCode::kApplicationRecordLocked:
      return "Application record locked";
    case ErrorCode::kApplicationInternalError:
      return "Application internal error";
  }
  return "Application internal error";
}

bool IsEnhancedMode(const Message& request) {
  const Segment& msh = request.header();
  return msh.GetField(15).presence() == Presence::kValued ||
         msh.GetField(16).presence() == Presence::kValued;
}

bool AcceptAckRequested(const Message& request, AckCode code) {
  if (!IsEnhancedMode(request)) return true;
  const std::string type = request.header().GetField(15).Text();
  if (type == "NE") return false;
  if (type == "ER") return code != AckCode::kAccept;
  if (type == "SU") return code == AckCode::kAccept;
  // AL, or MSH-15 empty with only MSH-16 valued: answer, since silence
  // would leave the sender waiting.
  return true;
}

absl::StatusOr<Message> BuildAck(const Message& request,
                                 const AckOutcome& outcome) {
  if (outcome.control_id.empty()) {
    return absl::InvalidArgumentError(
        "ACK needs a message control id (MSH-10)");
  }
  return BuildAckUnchecked(request, outcome);
}

Message BuildAckForUnparsed(absl::string_view raw_request,
                            const AckOutcome& outcome) {
  absl::StatusOr<Encoding> encoding = ReadEncoding(raw_request);
  if (!encoding.ok()) return BuildAckUnchecked(Message(), outcome);

  Message request(*encoding);
  Segment& msh = *request.FindMutableSegment("MSH");
  const absl::string_view first_line =
      raw_request.substr(0, raw_request.find_first_of("\r\n"));
  // parts[0] is "MSH", parts[1] MSH-2, parts[k] MSH-(k+1).
  const std::vector<absl::string_view> parts =
      absl::StrSplit(first_line, encoding->field);
  for (int field : {3, 4, 5, 6, 9, 10, 11, 12, 15, 16}) {
    if (static_cast<size_t>(field - 1) >= parts.size()) break;
    const absl::string_view raw = parts[field - 1];
    if (raw.size() <= kMaxSalvagedFieldBytes) {
      msh.SetRawField(field, raw).IgnoreError();
    }
  }
  return BuildAckUnchecked(request, outcome);
}

}  // namespace nhs::tobacco::hl7v2
