#ifndef ADAPTERS_HL7V2_ESCAPE_H_
#define ADAPTERS_HL7V2_ESCAPE_H_

#include <string>

#include "absl/strings/string_view.h"
#include "adapters/hl7v2/encoding.h"

namespace nhs::tobacco::hl7v2 {

// HL7 v2 escape sequences, written with the message's own escape character
// (shown here as `\`):
//   \F\ field   \S\ component   \T\ subcomponent   \R\ repetition
//   \E\ escape  \Xhh..\ bytes in hex   \.br\ line break
//
// Escape() turns plain text into text safe to place in one subcomponent.
// Every line break ("\r\n", "\n" or a lone "\r") becomes \.br\ because a raw
// CR would end the segment; when '.' is itself a delimiter \X0A\ is used
// instead so that the sequence cannot be split apart. Text that is exactly
// two double quotes is written \X22\" so that it is not read as the HL7
// null `""`. Other C0 control characters (TAB excepted) and DEL are written
// as \Xhh\, so no control byte (MLLP's 0x0B and 0x1C, NUL) ever reaches the
// wire and the text still reads back exactly.
std::string Escape(absl::string_view text, const Encoding& encoding);

// EscapeControls() takes text already encoded for the wire (a raw field
// copied from another message, e.g. MSH-10 echoed in an ACK), keeps its
// delimiters and escapes as they are, and writes only the control bytes
// Escape() would never let through as \Xhh\.
std::string EscapeControls(absl::string_view raw, const Encoding& encoding);

// Unescape() reverses Escape(): \.br\ becomes "\n". Sequences it does not
// interpret (\H\, \N\, \.sp\, \Cxxyy\, \Zxx\, malformed hex, an escape
// character with no closing one) are kept verbatim, escape characters
// included, so no information is lost and nothing is invented.
std::string Unescape(absl::string_view raw, const Encoding& encoding);

}  // namespace nhs::tobacco::hl7v2

#endif  // ADAPTERS_HL7V2_ESCAPE_H_
