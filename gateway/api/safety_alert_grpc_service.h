#ifndef GATEWAY_API_SAFETY_ALERT_GRPC_SERVICE_H_
#define GATEWAY_API_SAFETY_ALERT_GRPC_SERVICE_H_

#include "gateway/api/caller.h"
#include "gateway/pathway/safety_alert_use_cases.h"
#include "nhs/tobacco/v1/safety_alert_service.grpc.pb.h"

namespace nhs::tobacco::api {

// safety: SafetyAlertService over the callback API: authenticate, then the
// use case.
class SafetyAlertGrpcService final
    : public v1::SafetyAlertService::CallbackService {
 public:
  // `guard` authenticates callers and applies the rate limit.
  SafetyAlertGrpcService(pathway::SafetyAlertUseCases& alerts,
                         CallerGuard& guard)
      : alerts_(alerts), guard_(guard) {}

  grpc::ServerUnaryReactor* ListSafetyAlerts(
      grpc::CallbackServerContext* context,
      const v1::ListSafetyAlertsRequest* request,
      v1::ListSafetyAlertsResponse* response) override;
  grpc::ServerUnaryReactor* AcknowledgeSafetyAlert(
      grpc::CallbackServerContext* context,
      const v1::AcknowledgeSafetyAlertRequest* request,
      v1::SafetyAlert* response) override;

 private:
  pathway::SafetyAlertUseCases& alerts_;
  CallerGuard& guard_;
};

}  // namespace nhs::tobacco::api

#endif  // GATEWAY_API_SAFETY_ALERT_GRPC_SERVICE_H_
