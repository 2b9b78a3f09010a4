#include "adapters/hl7v2/writer.h"

#include <string>

#include "absl/strings/string_view.h"
#include "adapters/hl7v2/encoding.h"
#include "adapters/hl7v2/message.h"

namespace nhs::tobacco::hl7v2 {

std::string WriteEr7(const Message& message) {
  const Encoding& enc = message.encoding();
  size_t size = 0;
  for (const Segment& segment : message.segments()) {
    size += 4 + segment.field_count();
    for (int i = 1; i <= segment.field_count(); ++i) {
      size += segment.RawField(i).size();
    }
  }
  std::string out;
  out.reserve(size);
  for (const Segment& segment : message.segments()) {
    out += segment.id();
    int first = 1;
    if (segment.is_header()) {
      // MSH-1 is the separator that follows "MSH"; it is not repeated.
      out.push_back(enc.field);
      out += enc.EncodingCharacters();
      first = 3;
    }
    for (int i = first; i <= segment.field_count(); ++i) {
      out.push_back(enc.field);
      const absl::string_view raw = segment.RawField(i);
      out.append(raw.data(), raw.size());
    }
    out.push_back('\r');
  }
  return out;
}

}  // namespace nhs::tobacco::hl7v2
