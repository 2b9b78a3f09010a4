#ifndef ADAPTERS_HL7V2_PARSER_H_
#define ADAPTERS_HL7V2_PARSER_H_

#include <cstddef>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "adapters/hl7v2/message.h"

namespace nhs::tobacco::hl7v2 {

// Limits applied before any allocation proportional to them. The input is
// untrusted network data; the defaults leave room for base64 documents in
// OBX-5 while refusing anything that could exhaust memory.
struct ParseOptions {
  size_t max_message_bytes = 16 * 1024 * 1024;
  size_t max_segments = 10000;
  size_t max_fields_per_segment = 1000;
  size_t max_field_bytes = 8 * 1024 * 1024;
};

// Parses one ER7-encoded message (no MLLP framing).
//
// Segments end with CR; LF and CR LF are tolerated, as are blank lines and a
// missing final terminator. Delimiters come from the message's own MSH-1 and
// MSH-2. Field text is kept encoded (see message.h), so escapes are checked
// only when read.
//
// Errors are InvalidArgument and name the place, e.g.
//   "segment 3 (PID): segment id 'pid' is not ..."
//   "segment 1 (MSH) field MSH-2: expected 4 encoding characters ..."
// except for exceeded limits, which are ResourceExhausted. Never crashes,
// whatever the bytes.
absl::StatusOr<Message> ParseEr7(absl::string_view bytes,
                                 const ParseOptions& options);
absl::StatusOr<Message> ParseEr7(absl::string_view bytes);

}  // namespace nhs::tobacco::hl7v2

#endif  // ADAPTERS_HL7V2_PARSER_H_
