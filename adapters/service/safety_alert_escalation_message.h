#ifndef ADAPTERS_SERVICE_SAFETY_ALERT_ESCALATION_MESSAGE_H_
#define ADAPTERS_SERVICE_SAFETY_ALERT_ESCALATION_MESSAGE_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "adapters/fhir/message_bundle_builder.h"
#include "adapters/fhir/resource_json.h"
#include "nhs/tobacco/v1/referral.pb.h"
#include "nhs/tobacco/v1/safety_alert.pb.h"

namespace nhs::tobacco::service {

// safety: tells the treating tobacco dependence service that a CYP1A2 safety
// alert was not acknowledged by a person in time (event
// safety-alert-overdue): a Communication (status completed, category alert,
// priority urgent) addressed to the service, about the alert (its id, so
// the service can acknowledge it once the prescriber knows), saying which
// prescriber was (or could not be) alerted, whether their system took it,
// and `reason`. The Patient and the service travel with it. Pure.
// INVALID_ARGUMENT when the alert names no service or has no id.
absl::StatusOr<fhir::Json> BuildSafetyAlertEscalationMessage(
    const v1::SafetyAlert& alert, const v1::Referral& referral,
    absl::string_view reason, const fhir::MessageContext& context);

}  // namespace nhs::tobacco::service

#endif  // ADAPTERS_SERVICE_SAFETY_ALERT_ESCALATION_MESSAGE_H_
