#ifndef ADAPTERS_HL7V2_ENCODING_H_
#define ADAPTERS_HL7V2_ENCODING_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace nhs::tobacco::hl7v2 {

// The delimiters of one ER7 message. Every message declares its own in
// MSH-1 (field separator) and MSH-2 (component, repetition, escape,
// subcomponent, and from v2.7 an optional truncation character), so a
// sender may legally use `#$*!@` instead of `|^~\&`; the codec therefore
// reads them per message and never assumes the defaults.
//
// A value type: cheap to copy, thread-compatible.
struct Encoding {
  char field = '|';
  char component = '^';
  char repetition = '~';
  char escape = '\\';
  char subcomponent = '&';
  // v2.7 truncation character; '\0' when MSH-2 has only four characters.
  // Kept so that MSH-2 is written back exactly; it has no meaning in
  // 2.3-2.5.1 and is not interpreted.
  char truncation = '\0';

  // MSH-2 as it appears on the wire, e.g. "^~\&".
  std::string EncodingCharacters() const;

  // True when `c` is any of the five (or six) delimiters.
  bool IsDelimiter(char c) const;

  // OK when the delimiters are printable ASCII punctuation and pairwise
  // distinct. Letters and digits are refused because escape sequences
  // (\F\, \X41\, \.br\) are made of them; control characters because they
  // would clash with segment terminators and MLLP framing; '"' because the
  // HL7 null `""` must stay one unsplittable value.
  absl::Status Validate() const;

  friend bool operator==(const Encoding&, const Encoding&) = default;
};

// Reads MSH-1 and MSH-2 from the start of `message` ("MSH|^~\&|..."). Only
// the first segment is looked at. InvalidArgument naming MSH-1 or MSH-2 when
// the header is missing, too short or declares unusable delimiters.
absl::StatusOr<Encoding> ReadEncoding(absl::string_view message);

}  // namespace nhs::tobacco::hl7v2

#endif  // ADAPTERS_HL7V2_ENCODING_H_
