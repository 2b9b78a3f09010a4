#include "gateway/domain/practitioner_rules.h"

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "gateway/domain/adapter_names.h"
#include "gateway/domain/field_violations.h"

namespace nhs::tobacco::domain {

bool IsPractitionerAct(PrescriptionAction action) {
  switch (action) {
    case PrescriptionAction::kPrescribe:
    case PrescriptionAction::kDecline:
    case PrescriptionAction::kSupply:
    case PrescriptionAction::kRecordNotSupplied:
    case PrescriptionAction::kDispense:
      return true;
    default:
      return false;
  }
}

bool NamesPractitioner(const v1::Practitioner& practitioner) {
  return practitioner.register_() != v1::PROFESSIONAL_REGISTER_UNSPECIFIED &&
         !practitioner.identifier().empty() &&
         !practitioner.display_name().empty();
}

absl::Status CheckPractitionerNamed(absl::string_view adapter,
                                    bool practitioner_act,
                                    const v1::Practitioner& practitioner) {
  if (adapter != kConsoleAdapter || !practitioner_act ||
      NamesPractitioner(practitioner)) {
    return absl::OkStatus();
  }
  // The violation rides on FAILED_PRECONDITION: the request is well formed,
  // the session lacks a person (sign in as a practitioner, then retry).
  const absl::Status invalid = InvalidArgumentWithViolations(
      "no practitioner named",
      {{"practitioner",
        "is required: in the console a named practitioner (register, number "
        "and name) prescribes, declines, supplies, dispenses or acknowledges; "
        "sign in as one first"}});
  absl::Status refused = absl::FailedPreconditionError(invalid.message());
  auto details = invalid.GetPayload(kBadRequestTypeUrl);
  if (details.has_value()) refused.SetPayload(kBadRequestTypeUrl, *details);
  return refused;
}

namespace {

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  return true;
}

// Whether `number` has the shape of a number in `register_code`.
bool NumberFits(absl::string_view register_code, absl::string_view number) {
  if (register_code == "GMC" || register_code == "GPHC") {
    return number.size() == 7 && AllDigits(number);
  }
  if (register_code == "NMC") {
    return number.size() == 8 && AllDigits(number.substr(0, 2)) &&
           absl::ascii_isalpha(number[2]) && AllDigits(number.substr(3, 4)) &&
           absl::ascii_isalpha(number[7]);
  }
  if (register_code == "HCPC") {
    return number.size() >= 6 && number.size() <= 8 &&
           absl::ascii_isalpha(number[0]) && absl::ascii_isalpha(number[1]) &&
           AllDigits(number.substr(2));
  }
  // LOCAL
  if (number.empty() || number.size() > 32) return false;
  for (char c : number) {
    if (!absl::ascii_isalnum(c) && c != '-') return false;
  }
  return true;
}

}  // namespace

bool IsSignInRegister(absl::string_view register_code) {
  return register_code == "GMC" || register_code == "NMC" ||
         register_code == "GPHC" || register_code == "HCPC" ||
         register_code == "LOCAL";
}

absl::Status ValidateSignIn(const v1::ConsolePractitioner& form) {
  Violations v;
  if (!IsSignInRegister(form.register_())) {
    v.Add("register", "must be one of GMC, NMC, GPHC, HCPC, LOCAL");
  } else if (!NumberFits(form.register_(), form.number())) {
    v.Add("number",
          absl::StrCat("is not a ", form.register_(),
                       " number (GMC, GPHC: 7 digits; NMC: e.g. 12A3456B; "
                       "HCPC: e.g. PH123456; LOCAL: letters, digits, '-')"));
  }
  const std::string& name = form.display_name();
  bool printable = true;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) printable = false;
  }
  if (name.empty() || name.size() > 100 || !printable ||
      absl::StripAsciiWhitespace(name).empty()) {
    v.Add("display_name", "must be 1-100 printable characters");
  }
  return v.ToStatus("invalid sign-in");
}

}  // namespace nhs::tobacco::domain
