#include "adapters/fhir/xhtml.h"

#include "absl/strings/str_cat.h"

namespace nhs::tobacco::fhir {
namespace {

// Length of the well-formed UTF-8 sequence at the start of `s` and its code
// point, or 0 when the bytes there are not one (stray continuation byte,
// truncated or overlong sequence, surrogate, beyond U+10FFFF).
size_t DecodeUtf8(absl::string_view s, char32_t& code_point) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char b0 = byte(0);
  size_t length = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if (b0 < 0x80) {
    code_point = b0;
    return 1;
  } else if ((b0 & 0xE0) == 0xC0) {
    length = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    length = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    length = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (s.size() < length) return 0;
  for (size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  code_point = cp;
  return length;
}

// XML 1.0's Char production: TAB, LF, CR and everything from U+0020 except
// surrogates and U+FFFE/U+FFFF. A parser must reject a document holding any
// other character, even as a character reference.
bool IsXmlChar(char32_t cp) {
  if (cp < 0x20) return cp == 0x09 || cp == 0x0A || cp == 0x0D;
  return cp != 0xFFFE && cp != 0xFFFF;
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
    char32_t cp = 0;
    const size_t length = DecodeUtf8(text.substr(i), cp);
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
    if (IsXmlChar(cp)) out.append(text.data() + i, length);
    i += length;
  }
  return out;
}

std::string NarrativeDiv(absl::string_view inner_xhtml) {
  return absl::StrCat("<div xmlns=\"http://www.w3.org/1999/xhtml\">",
                      inner_xhtml, "</div>");
}

}  // namespace nhs::tobacco::fhir
