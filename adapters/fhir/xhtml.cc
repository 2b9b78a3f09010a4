#include "adapters/fhir/xhtml.h"

#include "absl/strings/str_cat.h"

namespace nhs::tobacco::fhir {

std::string EscapeXhtml(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string NarrativeDiv(absl::string_view inner_xhtml) {
  return absl::StrCat("<div xmlns=\"http://www.w3.org/1999/xhtml\">",
                      inner_xhtml, "</div>");
}

}  // namespace nhs::tobacco::fhir
