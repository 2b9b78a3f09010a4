#ifndef GATEWAY_DOMAIN_FIELD_VIOLATIONS_H_
#define GATEWAY_DOMAIN_FIELD_VIOLATIONS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace nhs::tobacco::domain {

// One thing wrong with one field of the input, located by path
// ("referral.patient.nhs_number", "PID-3.1", "Patient.identifier[0].value").
// Descriptions name the rule, never the patient's data.
struct FieldViolation {
  std::string field;
  std::string description;

  friend bool operator==(const FieldViolation&,
                         const FieldViolation&) = default;
};

// Gathers every violation of one input so a caller fixes them all at once.
// Thread-compatible.
class Violations {
 public:
  void Add(absl::string_view field, absl::string_view description);
  bool empty() const { return list_.empty(); }
  const std::vector<FieldViolation>& list() const { return list_; }

  // OK when nothing was added; otherwise INVALID_ARGUMENT whose message
  // lists every violation and whose payload carries them for the edges
  // (gRPC BadRequest, HL7 ERR, FHIR OperationOutcome).
  absl::Status ToStatus(absl::string_view what) const;

 private:
  std::vector<FieldViolation> list_;
};

// Type URL of the payload: a serialized google.rpc.BadRequest.
inline constexpr absl::string_view kBadRequestTypeUrl =
    "type.googleapis.com/google.rpc.BadRequest";

// INVALID_ARGUMENT carrying `violations`.
absl::Status InvalidArgumentWithViolations(
    absl::string_view what, const std::vector<FieldViolation>& violations);

// The violations a status carries (empty when it has none).
std::vector<FieldViolation> GetFieldViolations(const absl::Status& status);

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_FIELD_VIOLATIONS_H_
