#include "adapters/fhir/xhtml.h"

#include "absl/strings/str_cat.h"
#include "gateway/common/utf8.h"

namespace nhs::tobacco::fhir {
namespace {

// XML 1.0's Char production: TAB, LF, CR and everything from U+0020 except
// surrogates and U+FFFE/U+FFFF. A parser must reject a document holding any
// other character, even as a character reference. `ch` is one well-formed
// UTF-8 sequence (surrogates are not well-formed).
bool IsXmlChar(absl::string_view ch) {
  if (ch.size() == 1) {
    const unsigned char c = static_cast<unsigned char>(ch[0]);
    return c >= 0x20 || c == 0x09 || c == 0x0A || c == 0x0D;
  }
  return ch != "\xEF\xBF\xBE" && ch != "\xEF\xBF\xBF";
}

}  // namespace

std::string EscapeXhtml(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    switch (c) {
      case '&':
        out += "&amp;";
        ++i;
        continue;
      case '<':
        out += "&lt;";
        ++i;
        continue;
      case '>':
        out += "&gt;";
        ++i;
        continue;
      case '"':
        out += "&quot;";
        ++i;
        continue;
      case '\'':
        out += "&#39;";
        ++i;
        continue;
      default:
        break;
    }
    const size_t length = Utf8SequenceLength(text, i);
    if (length == 0) {
      // Bytes that are not UTF-8 make the whole document unreadable; the
      // replacement character shows the reader something was there.
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    // Characters XML forbids are dropped: control characters carry nothing
    // a reader could see, and one of them would make the narrative (and,
    // for a strict receiver, the whole message) unreadable.
    if (IsXmlChar(text.substr(i, length))) out.append(text.data() + i, length);
    i += length;
  }
  return out;
}

std::string NarrativeDiv(absl::string_view inner_xhtml) {
  return absl::StrCat("<div xmlns=\"http://www.w3.org/1999/xhtml\">",
                      inner_xhtml, "</div>");
}

}  // namespace nhs::tobacco::fhir
