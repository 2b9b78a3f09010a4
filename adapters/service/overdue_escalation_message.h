#ifndef ADAPTERS_SERVICE_OVERDUE_ESCALATION_MESSAGE_H_
#define ADAPTERS_SERVICE_OVERDUE_ESCALATION_MESSAGE_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "adapters/fhir/message_bundle_builder.h"
#include "adapters/fhir/resource_json.h"
#include "nhs/tobacco/v1/prescription.pb.h"

namespace nhs::tobacco::service {

// Tells the recommending tobacco dependence service that a request missed
// its deadline (event overdue-escalation): a Communication (status
// completed, category alert, priority urgent) addressed to the service
// (the organisation: whoever is on duty there picks it up, not only the
// practitioner who recommended, who may be away), about the request (by its
// identifier), saying who has not answered, in which state, since when it
// was due, and `reason`. The Patient and both Organizations travel with it.
// Pure. INVALID_ARGUMENT when the request names no service.
absl::StatusOr<fhir::Json> BuildOverdueEscalationMessage(
    const v1::PrescriptionRequest& request, absl::string_view reason,
    const fhir::MessageContext& context);

}  // namespace nhs::tobacco::service

#endif  // ADAPTERS_SERVICE_OVERDUE_ESCALATION_MESSAGE_H_
