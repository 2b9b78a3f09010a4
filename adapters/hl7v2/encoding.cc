#include "adapters/hl7v2/encoding.h"

#include <array>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace nhs::tobacco::hl7v2 {
namespace {

bool IsUsableDelimiter(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  const bool printable = u >= 0x21 && u <= 0x7E;
  const bool alnum = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
                     (c >= 'a' && c <= 'z');
  return printable && !alnum;
}

// Renders a byte for an error message without echoing control characters.
std::string Describe(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  if (u >= 0x21 && u <= 0x7E) return absl::StrCat("'", std::string(1, c), "'");
  return absl::StrFormat("byte 0x%02X", u);
}

}  // namespace

std::string Encoding::EncodingCharacters() const {
  std::string out = {component, repetition, escape, subcomponent};
  if (truncation != '\0') out.push_back(truncation);
  return out;
}

bool Encoding::IsDelimiter(char c) const {
  return c == field || c == component || c == repetition || c == escape ||
         c == subcomponent || (truncation != '\0' && c == truncation);
}

absl::Status Encoding::Validate() const {
  struct Named {
    const char* name;
    char c;
  };
  std::array<Named, 6> all = {{{"field separator (MSH-1)", field},
                               {"component separator", component},
                               {"repetition separator", repetition},
                               {"escape character", escape},
                               {"subcomponent separator", subcomponent},
                               {"truncation character", truncation}}};
  const size_t count = truncation == '\0' ? 5 : 6;
  for (size_t i = 0; i < count; ++i) {
    if (all[i].c == '"') {
      return absl::InvalidArgumentError(absl::StrCat(
          all[i].name, " '\"' would clash with the HL7 null \"\""));
    }
    if (!IsUsableDelimiter(all[i].c)) {
      return absl::InvalidArgumentError(
          absl::StrCat(all[i].name, " ", Describe(all[i].c),
                       " is not printable ASCII punctuation"));
    }
    for (size_t j = 0; j < i; ++j) {
      if (all[i].c == all[j].c) {
        return absl::InvalidArgumentError(
            absl::StrCat(all[i].name, " ", Describe(all[i].c),
                         " is the same as the ", all[j].name));
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Encoding> ReadEncoding(absl::string_view message) {
  if (message.size() < 3 || message.substr(0, 3) != "MSH") {
    return absl::InvalidArgumentError("message does not start with MSH");
  }
  if (message.size() < 4 || message[3] == '\r' || message[3] == '\n') {
    return absl::InvalidArgumentError("MSH-1: field separator missing");
  }
  Encoding enc;
  enc.field = message[3];
  if (!IsUsableDelimiter(enc.field)) {
    return absl::InvalidArgumentError(
        absl::StrCat("MSH-1: field separator ", Describe(enc.field),
                     " is not printable ASCII punctuation"));
  }
  absl::string_view rest = message.substr(4);
  size_t end = 0;
  while (end < rest.size() && rest[end] != enc.field && rest[end] != '\r' &&
         rest[end] != '\n') {
    ++end;
  }
  absl::string_view chars = rest.substr(0, end);
  if (chars.size() != 4 && chars.size() != 5) {
    return absl::InvalidArgumentError(absl::StrCat(
        "MSH-2: expected 4 encoding characters (component, repetition, "
        "escape, subcomponent), found ",
        chars.size()));
  }
  enc.component = chars[0];
  enc.repetition = chars[1];
  enc.escape = chars[2];
  enc.subcomponent = chars[3];
  if (chars.size() == 5) {
    // NUL is the "no truncation character" sentinel, so a literal NUL here
    // would vanish on writing: refuse it like any unprintable delimiter.
    if (chars[4] == '\0') {
      return absl::InvalidArgumentError(
          "MSH-2: truncation character NUL is not printable ASCII punctuation");
    }
    enc.truncation = chars[4];
  }
  if (absl::Status s = enc.Validate(); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("MSH-2: ", s.message()));
  }
  return enc;
}

}  // namespace nhs::tobacco::hl7v2
