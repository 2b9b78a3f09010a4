#ifndef GATEWAY_PATHWAY_SAFETY_ALERT_USE_CASES_H_
#define GATEWAY_PATHWAY_SAFETY_ALERT_USE_CASES_H_

#include "absl/status/statusor.h"
#include "gateway/pathway/caller.h"
#include "gateway/pathway/reply.h"
#include "nhs/tobacco/v1/safety_alert_service.pb.h"

namespace nhs::tobacco::pathway {

// safety: what any edge may ask about CYP1A2 safety alerts; authorised
// against each alert (its prescriber, its service) or its referral, audited.
// Thread-safe.
class SafetyAlertUseCases {
 public:
  virtual ~SafetyAlertUseCases() = default;

  // By referral (who may read the referral's alerts), or by organisation
  // and state (a restricted caller lists its own organisation's only).
  virtual absl::StatusOr<v1::ListSafetyAlertsResponse> ListSafetyAlerts(
      const Caller& caller, const v1::ListSafetyAlertsRequest& request) = 0;
  // A named person's acknowledgement: INVALID_ARGUMENT without a
  // practitioner (identifier and display name), FAILED_PRECONDITION when
  // already acknowledged.
  virtual void AcknowledgeSafetyAlert(
      const Caller& caller, const v1::AcknowledgeSafetyAlertRequest& request,
      Reply<v1::SafetyAlert> reply) = 0;
};

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_SAFETY_ALERT_USE_CASES_H_
