#include "gateway/metrics/hl7_labels.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace nhs::tobacco::metrics {
namespace {

// Segments end with CR (HL7 v2.x 2.7); LF is tolerated.
std::vector<absl::string_view> Segments(absl::string_view er7) {
  return absl::StrSplit(er7, absl::ByAnyChar("\r\n"), absl::SkipEmpty());
}

bool IsCode(absl::string_view s) {
  if (s.size() != 3) return false;
  for (char c : s) {
    if (!absl::ascii_isupper(c) && !absl::ascii_isdigit(c)) return false;
  }
  return true;
}

}  // namespace

std::string Hl7TriggerLabel(absl::string_view er7) {
  for (absl::string_view segment : Segments(er7)) {
    if (!absl::StartsWith(segment, "MSH") || segment.size() < 8) continue;
    // MSH-1 is the field separator itself and MSH-2 the encoding
    // characters, so MSH-9 is the ninth field counting MSH-1.
    const char field = segment[3];
    const char component = segment[4];
    std::vector<absl::string_view> fields = absl::StrSplit(segment, field);
    // fields[0] = "MSH", fields[1] = MSH-2, ..., fields[8] = MSH-9.
    if (fields.size() < 9) return "other";
    std::vector<absl::string_view> parts = absl::StrSplit(fields[8], component);
    if (parts.size() < 2 || !IsCode(parts[0]) || !IsCode(parts[1])) {
      return "other";
    }
    return absl::StrCat(parts[0], "^", parts[1]);
  }
  return "other";
}

std::string Hl7AckCodeLabel(absl::string_view er7) {
  char field = '|';
  for (absl::string_view segment : Segments(er7)) {
    if (absl::StartsWith(segment, "MSH") && segment.size() > 3) {
      field = segment[3];
      continue;
    }
    if (!absl::StartsWith(segment, "MSA") || segment.size() < 4) continue;
    std::vector<absl::string_view> fields = absl::StrSplit(segment, field);
    if (fields.size() < 2) return "other";
    for (absl::string_view code : {"AA", "AE", "AR", "CA", "CE", "CR"}) {
      if (fields[1] == code) return std::string(code);
    }
    return "other";
  }
  return "none";
}

}  // namespace nhs::tobacco::metrics
