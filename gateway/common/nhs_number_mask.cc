#include "gateway/common/nhs_number_mask.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace nhs::tobacco {

std::string MaskNhsNumber(absl::string_view nhs_number) {
  std::string digits;
  for (char c : nhs_number) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) continue;
    digits.push_back(c);
  }
  if (digits.empty()) return "";
  bool all_digits = true;
  for (char c : digits) {
    all_digits =
        all_digits && absl::ascii_isdigit(static_cast<unsigned char>(c));
  }
  if (digits.size() != 10 || !all_digits) return "*** *** ****";
  return absl::StrCat(digits.substr(0, 3), " *** **", digits.substr(8, 2));
}

namespace {

bool IsDigit(char c) {
  return absl::ascii_isdigit(static_cast<unsigned char>(c));
}

// Length of an NHS number written 3-3-4 with single spaces or hyphens
// ("999 000 0018", "999-000-0018") at the start of `text`, or 0.
size_t GroupedNumberAt(absl::string_view text) {
  if (text.size() < 12) return 0;
  const char sep = text[3];
  if (sep != ' ' && sep != '-') return 0;
  for (size_t i : {0, 1, 2, 4, 5, 6, 8, 9, 10, 11}) {
    if (!IsDigit(text[i])) return 0;
  }
  if (text[7] != sep) return 0;
  if (text.size() > 12 && IsDigit(text[12])) return 0;
  return 12;
}

}  // namespace

std::string MaskNhsNumbersIn(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const bool starts_run = i == 0 || !IsDigit(text[i - 1]);
    if (starts_run) {
      if (size_t n = GroupedNumberAt(text.substr(i)); n > 0) {
        absl::StrAppend(&out, MaskNhsNumber(text.substr(i, n)));
        i += n;
        continue;
      }
    }
    size_t j = i;
    while (j < text.size() && IsDigit(text[j])) ++j;
    if (j == i) {
      out.push_back(text[i++]);
      continue;
    }
    const absl::string_view run = text.substr(i, j - i);
    if (run.size() < 10) {
      absl::StrAppend(&out, run);
    } else if (run.size() == 10) {
      absl::StrAppend(&out, MaskNhsNumber(run));
    } else {
      out.append(run.size(), '*');
    }
    i = j;
  }
  return out;
}

}  // namespace nhs::tobacco
