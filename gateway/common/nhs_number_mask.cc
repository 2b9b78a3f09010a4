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

std::string MaskNhsNumbersIn(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    size_t j = i;
    while (j < text.size() &&
           absl::ascii_isdigit(static_cast<unsigned char>(text[j]))) {
      ++j;
    }
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
