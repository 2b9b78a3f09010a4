#include "gateway/api/safety_alert_grpc_service.h"

#include "gateway/api/unary_reply.h"

namespace nhs::tobacco::api {

using pathway::Caller;
using pathway::kGrpcAdapter;

grpc::ServerUnaryReactor* SafetyAlertGrpcService::ListSafetyAlerts(
    grpc::CallbackServerContext* context,
    const v1::ListSafetyAlertsRequest* request,
    v1::ListSafetyAlertsResponse* response) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  return FinishNow(
      context, response,
      alerts_.ListSafetyAlerts(Caller(*caller, kGrpcAdapter), *request));
}

grpc::ServerUnaryReactor* SafetyAlertGrpcService::AcknowledgeSafetyAlert(
    grpc::CallbackServerContext* context,
    const v1::AcknowledgeSafetyAlertRequest* request,
    v1::SafetyAlert* response) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  alerts_.AcknowledgeSafetyAlert(Caller(*caller, kGrpcAdapter), *request,
                                 FinishWith(reactor, response));
  return reactor;
}

}  // namespace nhs::tobacco::api
