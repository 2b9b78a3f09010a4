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

}  // namespace nhs::tobacco
