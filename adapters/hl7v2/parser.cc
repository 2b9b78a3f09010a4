#include "adapters/hl7v2/parser.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "adapters/hl7v2/encoding.h"
#include "adapters/hl7v2/message.h"

namespace nhs::tobacco::hl7v2 {
namespace {

// "segment 3 (PID)"; the id is escaped because it came off the wire.
std::string Where(size_t index, absl::string_view id) {
  return absl::StrCat("segment ", index, " (", absl::CEscape(id), ")");
}

// The segment id as far as it can be told, for error messages.
absl::string_view IdPrefix(absl::string_view line) {
  return line.substr(0, std::min<size_t>(line.size(), 3));
}

}  // namespace

absl::StatusOr<Message> ParseEr7(absl::string_view bytes) {
  return ParseEr7(bytes, ParseOptions());
}

absl::StatusOr<Message> ParseEr7(absl::string_view bytes,
                                 const ParseOptions& options) {
  if (bytes.size() > options.max_message_bytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("message is ", bytes.size(), " bytes; the limit is ",
                     options.max_message_bytes));
  }
  if (bytes.empty()) {
    return absl::InvalidArgumentError("message is empty");
  }
  if (bytes.substr(0, std::min<size_t>(bytes.size(), 3)) != "MSH") {
    const size_t end = bytes.find_first_of("\r\n");
    const absl::string_view first = bytes.substr(0, end);
    return absl::InvalidArgumentError(absl::StrCat(
        Where(1, IdPrefix(first)), ": message must start with MSH"));
  }
  absl::StatusOr<Encoding> encoding = ReadEncoding(bytes);
  if (!encoding.ok()) {
    // ReadEncoding names MSH-1 or MSH-2 first.
    return absl::InvalidArgumentError(
        absl::StrCat(Where(1, "MSH"), " field ", encoding.status().message()));
  }
  const Encoding& enc = *encoding;
  Message message = Message::EmptyForParser(enc);

  size_t pos = 0;
  size_t index = 0;  // 1-based number of the segment being parsed
  while (pos < bytes.size()) {
    size_t end = bytes.find_first_of("\r\n", pos);
    if (end == absl::string_view::npos) end = bytes.size();
    const absl::string_view line = bytes.substr(pos, end - pos);
    pos = end;
    // CR, LF and CR LF all end a segment; blank lines between are skipped.
    if (pos < bytes.size() && bytes[pos] == '\r') ++pos;
    if (pos < bytes.size() && bytes[pos] == '\n') ++pos;
    if (line.empty()) continue;

    ++index;
    if (index > options.max_segments) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "message has more than ", options.max_segments, " segments"));
    }
    const absl::string_view id = IdPrefix(line);
    if (!IsValidSegmentId(id) || (line.size() > 3 && line[3] != enc.field)) {
      return absl::InvalidArgumentError(absl::StrCat(
          Where(index, id),
          ": segment id must be three upper-case letters or digits followed "
          "by the field separator"));
    }
    if (index > 1 && id == "MSH") {
      return absl::InvalidArgumentError(
          absl::StrCat(Where(index, id),
                       ": a second MSH; batches and concatenated messages "
                       "are not accepted"));
    }

    Segment segment{std::string(id), enc};
    absl::string_view rest = line.substr(std::min<size_t>(line.size(), 4));
    int field_number = 1;
    if (index == 1) {
      // MSH-1 is the separator itself and MSH-2 must not be split; both
      // were checked by ReadEncoding.
      segment.AppendRawFieldUnchecked(std::string(1, enc.field));
      const size_t msh2_end = rest.find(enc.field);
      segment.AppendRawFieldUnchecked(std::string(rest.substr(0, msh2_end)));
      rest = msh2_end == absl::string_view::npos ? absl::string_view()
                                                 : rest.substr(msh2_end + 1);
      field_number = 3;
      if (msh2_end == absl::string_view::npos) {
        message.AppendSegmentUnchecked(std::move(segment));
        continue;
      }
    } else if (line.size() == 3) {
      message.AppendSegmentUnchecked(std::move(segment));
      continue;
    }

    // `rest` holds fields field_number.. separated by the field separator;
    // an empty rest after a separator is one empty field.
    size_t start = 0;
    while (true) {
      if (static_cast<size_t>(field_number) > options.max_fields_per_segment) {
        return absl::ResourceExhaustedError(
            absl::StrCat(Where(index, id), ": more than ",
                         options.max_fields_per_segment, " fields"));
      }
      const size_t sep = rest.find(enc.field, start);
      const absl::string_view text = rest.substr(
          start, sep == absl::string_view::npos ? absl::string_view::npos
                                                : sep - start);
      if (text.size() > options.max_field_bytes) {
        return absl::ResourceExhaustedError(absl::StrCat(
            Where(index, id), " field ", id, "-", field_number, ": ",
            text.size(), " bytes; the limit is ", options.max_field_bytes));
      }
      segment.AppendRawFieldUnchecked(std::string(text));
      if (sep == absl::string_view::npos) break;
      start = sep + 1;
      ++field_number;
    }
    message.AppendSegmentUnchecked(std::move(segment));
  }
  return message;
}

}  // namespace nhs::tobacco::hl7v2
