#include "gateway/domain/identifiers.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"

namespace nhs::tobacco::domain {

std::string NormaliseNhsNumber(absl::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    if (c != ' ' && c != '-') out.push_back(c);
  }
  return out;
}

absl::Status ValidateNhsNumber(absl::string_view nhs_number) {
  if (nhs_number.empty()) {
    return absl::InvalidArgumentError("NHS number is required");
  }
  if (nhs_number.size() != 10) {
    return absl::InvalidArgumentError(
        absl::StrCat("NHS number must be 10 digits, got ", nhs_number.size(),
                     " characters"));
  }
  for (char c : nhs_number) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError("NHS number must contain digits only");
    }
  }
  if (nhs_number == "0000000000") {
    return absl::InvalidArgumentError(
        "NHS number 0000000000 is not an issued or test number");
  }
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (nhs_number[i] - '0') * (10 - i);
  int check = 11 - (sum % 11);
  if (check == 11) check = 0;
  if (check == 10) {
    return absl::InvalidArgumentError(
        "NHS number fails the Modulus 11 check (its first nine digits can "
        "never form a valid number)");
  }
  if (check != nhs_number[9] - '0') {
    return absl::InvalidArgumentError(
        "NHS number fails the Modulus 11 check digit");
  }
  return absl::OkStatus();
}

absl::Status ValidateOdsCode(absl::string_view ods_code) {
  if (ods_code.empty())
    return absl::InvalidArgumentError("ODS code is required");
  if (ods_code.size() < 3 || ods_code.size() > 6) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ODS code must be 3 to 6 characters, got ", ods_code.size()));
  }
  for (char c : ods_code) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)) &&
        !absl::ascii_isupper(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(
          "ODS code must be upper-case letters and digits only");
    }
  }
  return absl::OkStatus();
}

namespace {

// Value of a MOD 37-2 character: 0-9, A-Z, and '+' for 36.
int Mod37Value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  if (c == '+') return 36;
  return -1;
}

bool IsUpperHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

}  // namespace

absl::Status ValidateEpsPrescriptionId(absl::string_view id) {
  if (id.size() != 20 || id[6] != '-' || id[13] != '-') {
    return absl::InvalidArgumentError(
        "EPS prescription id must have the form XXXXXX-YYYYYY-ZZZZZC");
  }
  for (int i : {0, 1, 2, 3, 4, 5, 14, 15, 16, 17, 18}) {
    if (!IsUpperHex(id[i])) {
      return absl::InvalidArgumentError(
          "EPS prescription id: random and sequence parts must be upper-case "
          "hex");
    }
  }
  for (int i = 7; i < 13; ++i) {
    if (Mod37Value(id[i]) < 0 || id[i] == '+') {
      return absl::InvalidArgumentError(
          "EPS prescription id: prescriber part must be an ODS code padded "
          "with 0");
    }
  }
  int total = 0;
  for (int i = 0; i < 19; ++i) {
    if (id[i] == '-') continue;
    total = ((total + Mod37Value(id[i])) * 2) % 37;
  }
  const int check = Mod37Value(id[19]);
  if (check < 0 || (total + check) % 37 != 1) {
    return absl::InvalidArgumentError(
        "EPS prescription id fails the MOD 37-2 check character");
  }
  return absl::OkStatus();
}

absl::Status ValidateIsoDate(absl::string_view date) {
  absl::CivilDay day;
  if (date.size() != 10 || !absl::ParseCivilTime(date, &day) ||
      absl::FormatCivilTime(day) != date) {
    return absl::InvalidArgumentError(
        "must be a calendar date in the form YYYY-MM-DD");
  }
  return absl::OkStatus();
}

}  // namespace nhs::tobacco::domain
