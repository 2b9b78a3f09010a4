#ifndef ADAPTERS_FHIR_OPERATION_OUTCOME_H_
#define ADAPTERS_FHIR_OPERATION_OUTCOME_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "adapters/fhir/resource_json.h"

namespace nhs::tobacco::fhir {

// The FHIR rendering of a failed Status (STYLE.md: each edge renders field
// violations once). One issue per field violation, its `expression` the
// FHIRPath the violation names; a status without violations becomes one
// issue carrying the message as diagnostics. The issue code follows the
// status code (invalid, not-found, business-rule, duplicate, ...).
// UKCore-OperationOutcome; `id` is the resource id.
Json BuildOperationOutcome(const absl::Status& status, absl::string_view id);

// The OperationOutcome IssueType for a status code.
absl::string_view IssueTypeFor(absl::StatusCode code);

}  // namespace nhs::tobacco::fhir

#endif  // ADAPTERS_FHIR_OPERATION_OUTCOME_H_
