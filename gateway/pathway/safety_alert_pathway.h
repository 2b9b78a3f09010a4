#ifndef GATEWAY_PATHWAY_SAFETY_ALERT_PATHWAY_H_
#define GATEWAY_PATHWAY_SAFETY_ALERT_PATHWAY_H_

#include "gateway/pathway/audited_write.h"
#include "gateway/pathway/pathway_options.h"
#include "gateway/pathway/safety_alert_use_cases.h"

namespace nhs::tobacco::pathway {

// safety: the CYP1A2 safety alert use cases over the store
// (audited_write.h).
class SafetyAlertPathway final : public SafetyAlertUseCases {
 public:
  SafetyAlertPathway(AuditedWrites& writes, PathwayOptions options);

  absl::StatusOr<v1::ListSafetyAlertsResponse> ListSafetyAlerts(
      const Caller& caller,
      const v1::ListSafetyAlertsRequest& request) override;
  void AcknowledgeSafetyAlert(const Caller& caller,
                              const v1::AcknowledgeSafetyAlertRequest& request,
                              Reply<v1::SafetyAlert> reply) override;

 private:
  AuditedWrites& writes_;
  const PathwayOptions options_;
};

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_SAFETY_ALERT_PATHWAY_H_
