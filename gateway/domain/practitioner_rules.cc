#include "gateway/domain/practitioner_rules.h"


#include "absl/strings/cord.h"
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

}  // namespace nhs::tobacco::domain
