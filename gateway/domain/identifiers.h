#ifndef GATEWAY_DOMAIN_IDENTIFIERS_H_
#define GATEWAY_DOMAIN_IDENTIFIERS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace nhs::tobacco::domain {

// Removes the spaces and hyphens people type in NHS numbers ("999 000 0018").
std::string NormaliseNhsNumber(absl::string_view raw);

// OK for a 10-digit NHS number passing the Modulus 11 check (weights 10..2;
// a computed check of 10 is never valid; all zeros is refused though it
// passes the arithmetic). Otherwise INVALID_ARGUMENT saying which rule
// failed, never echoing the number.
absl::Status ValidateNhsNumber(absl::string_view nhs_number);

// ODS organisation code: 3 to 6 upper-case letters and digits. Shapes of
// particular organisation types (GP practice letter+5 digits, pharmacy F+4)
// are conventions, not rules, so they are not enforced here.
absl::Status ValidateOdsCode(absl::string_view ods_code);

// EPS short-form prescription id XXXXXX-YYYYYY-ZZZZZC: hex, padded
// prescriber ODS, hex sequence and an ISO/IEC 7064 MOD 37-2 check character.
absl::Status ValidateEpsPrescriptionId(absl::string_view id);

// ISO 8601 calendar date YYYY-MM-DD that exists in the calendar.
absl::Status ValidateIsoDate(absl::string_view date);

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_IDENTIFIERS_H_
