#ifndef ADAPTERS_HL7V2_CHARSET_H_
#define ADAPTERS_HL7V2_CHARSET_H_

// Character sets a sender may declare in MSH-18 (HL7 table 0211), and the
// single-byte ones decoded to UTF-8.
//
//   absl::StatusOr<Charset> cs = ParseCharset(msh.GetField(18).Text());
//   int undecodable = 0;
//   std::string utf8 = SingleByteToUtf8(raw, *cs, undecodable);
//
// HL7's delimiters, escape character and the MLLP framing bytes are ASCII,
// and every charset here keeps ASCII as it is, so a message's structure
// reads the same before and after decoding: decoding field by field is
// safe. UTF-8 itself is checked with gateway/common/utf8 by the caller.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace nhs::tobacco::hl7v2 {

enum class Charset {
  kAscii,   // "ASCII": bytes 0x80 and above do not decode
  kLatin1,  // "8859/1"
  kLatin9,  // "8859/15": Latin-1 with the euro sign, Œ, Š, Ž and others
  kUtf8,    // "UNICODE UTF-8"
};

// The table 0211 code of `charset`, e.g. "8859/1".
absl::string_view CharsetName(Charset charset);

// `name` as HL7 table 0211 spells it (case and surrounding blanks
// ignored). INVALID_ARGUMENT naming the supported ones for anything else,
// including an empty name (the caller decides what empty means).
absl::StatusOr<Charset> ParseCharset(absl::string_view name);

// `bytes` in `charset` (not kUtf8) as UTF-8. A byte that does not decode
// becomes U+FFFD and is counted in `undecodable`: for ASCII any byte above
// 0x7F, for 8859/1 and 8859/15 the C1 controls 0x80..0x9F (never text; a
// feed that sends them is really sending Windows-1252, whose meaning for
// them is a guess the gateway does not make).
std::string SingleByteToUtf8(absl::string_view bytes, Charset charset,
                             int& undecodable);

}  // namespace nhs::tobacco::hl7v2

#endif  // ADAPTERS_HL7V2_CHARSET_H_
