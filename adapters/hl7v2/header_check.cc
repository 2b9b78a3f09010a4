#include "adapters/hl7v2/header_check.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "adapters/hl7v2/charset.h"

namespace nhs::tobacco::hl7v2 {
namespace {

AckError At(int field, ErrorCode code, std::string message) {
  AckError e;
  e.location.segment_id = "MSH";
  e.location.segment_sequence = 1;
  e.location.field = field;
  e.code = code;
  e.user_message = std::move(message);
  return e;
}

}  // namespace

HeaderCheck CheckHeader(const Message& message) {
  HeaderCheck out;
  const Segment& msh = message.header();
  const Repetition type = msh.GetField(9).GetRepetition(1);
  if (type.GetComponent(1).Text().empty() ||
      type.GetComponent(2).Text().empty()) {
    out.errors.push_back(At(9, ErrorCode::kRequiredFieldMissing,
                            "MSH-9: message type and trigger event are "
                            "required (e.g. REF^I12)"));
  }
  if (msh.GetField(10).Text().empty()) {
    out.errors.push_back(At(10, ErrorCode::kRequiredFieldMissing,
                            "MSH-10: message control id is required"));
  }
  const std::string version =
      msh.GetField(12).GetRepetition(1).GetComponent(1).Text();
  if (version.empty()) {
    out.errors.push_back(At(12, ErrorCode::kRequiredFieldMissing,
                            "MSH-12: version id is required (e.g. 2.5.1)"));
  } else if (!absl::StartsWith(version, "2.")) {
    out.errors.push_back(At(12, ErrorCode::kUnsupportedVersionId,
                            "MSH-12: only HL7 version 2.x is accepted"));
  }
  const Field charset = msh.GetField(18);
  if (charset.presence() == Presence::kValued &&
      !ParseCharset(charset.GetRepetition(1).Text()).ok()) {
    out.errors.push_back(
        At(18, ErrorCode::kTableValueNotFound,
           "MSH-18: character set not supported (HL7 table 0211: ASCII, "
           "8859/1, 8859/15, UNICODE UTF-8)"));
  }
  if (!out.errors.empty()) {
    out.code = AckCode::kReject;
    return out;
  }
  if (msh.GetField(10).Text().size() > kMaxControlIdLength) {
    out.code = AckCode::kError;
    out.errors.push_back(At(10, ErrorCode::kValueTooLong,
                            absl::StrCat("MSH-10: message control id is over ",
                                         kMaxControlIdLength, " characters")));
  }
  return out;
}

}  // namespace nhs::tobacco::hl7v2
