#ifndef GATEWAY_COMMON_NHS_NUMBER_MASK_H_
#define GATEWAY_COMMON_NHS_NUMBER_MASK_H_

#include <string>

#include "absl/strings/string_view.h"

namespace nhs::tobacco {

// Masks an NHS number for display and logs: "9990001118" -> "999 *** **18".
// Keeping the first 3 and last 2 digits lets a user tell records apart in a
// table without the number identifying the patient. Spaces in the input are
// ignored ("999 000 1118" masks the same). Anything that is not 10 digits
// once spaces are removed is masked completely ("*** *** ****"): a malformed
// value may still be most of a real number. Empty stays empty so a missing
// number is visible as missing.
std::string MaskNhsNumber(absl::string_view nhs_number);

// Masks every NHS number in free text (a receiver's error message may quote
// the one we sent): runs of ten or more digits, and the 3-3-4 layouts with
// spaces or hyphens. "NHS number 9990001118 unknown" -> "NHS number
// 999 *** **18 unknown"; "999 000 1118" -> "999 *** **18"; hyphenated and
// longer runs are masked whole. Dates and short codes are left alone.
std::string MaskNhsNumbersIn(absl::string_view text);

}  // namespace nhs::tobacco

#endif  // GATEWAY_COMMON_NHS_NUMBER_MASK_H_
