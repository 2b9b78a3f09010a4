#include "gateway/api/admin_grpc_service.h"

#include "gateway/api/caller.h"
#include "gateway/api/unary_reply.h"
#include "gateway/security/access_policy.h"

namespace nhs::tobacco::api {

absl::StatusOr<security::Principal> AdminGrpcService::Admin(
    grpc::CallbackServerContext& context, absl::string_view operation,
    absl::string_view record_id) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(context);
  if (!caller.ok()) return caller.status();
  absl::Status allowed = security::Authorize(
      *caller, security::Operation::kAdminister, security::RecordView());
  if (!allowed.ok()) {
    pathway_.Audit(*caller, operation, record_id, allowed);
    return allowed;
  }
  return caller;
}

absl::Status AdminGrpcService::Allowed(grpc::CallbackServerContext& context,
                                       absl::string_view operation,
                                       absl::string_view record_id) {
  absl::StatusOr<security::Principal> caller =
      Admin(context, operation, record_id);
  if (!caller.ok()) return caller.status();
  pathway_.Audit(*caller, operation, record_id, absl::OkStatus());
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* AdminGrpcService::VerifyAuditChain(
    grpc::CallbackServerContext* context, const v1::VerifyAuditChainRequest*,
    v1::VerifyAuditChainResponse* response) {
  absl::Status allowed = Allowed(*context, "VerifyAuditChain");
  if (!allowed.ok()) return FinishNow(context, response, {allowed});
  return FinishNow(context, response, pathway_.VerifyAuditChain());
}

grpc::ServerUnaryReactor* AdminGrpcService::ListAuditRecords(
    grpc::CallbackServerContext* context,
    const v1::ListAuditRecordsRequest* request,
    v1::ListAuditRecordsResponse* response) {
  absl::Status allowed = Allowed(*context, "ListAuditRecords");
  if (!allowed.ok()) return FinishNow(context, response, {allowed});
  return FinishNow(context, response, pathway_.ListAuditRecords(*request));
}

grpc::ServerUnaryReactor* AdminGrpcService::ListDeliveries(
    grpc::CallbackServerContext* context,
    const v1::ListDeliveriesRequest* request,
    v1::ListDeliveriesResponse* response) {
  absl::Status allowed = Allowed(*context, "ListDeliveries");
  if (!allowed.ok()) return FinishNow(context, response, {allowed});
  return FinishNow(context, response, pathway_.ListDeliveries(*request));
}

grpc::ServerUnaryReactor* AdminGrpcService::GetDelivery(
    grpc::CallbackServerContext* context, const v1::GetDeliveryRequest* request,
    v1::Delivery* response) {
  absl::Status allowed =
      Allowed(*context, "GetDelivery", request->message_id());
  if (!allowed.ok()) return FinishNow(context, response, {allowed});
  return FinishNow(context, response,
                   pathway_.GetDelivery(request->message_id()));
}

grpc::ServerUnaryReactor* AdminGrpcService::ReplayDelivery(
    grpc::CallbackServerContext* context,
    const v1::ReplayDeliveryRequest* request, v1::Delivery* response) {
  absl::StatusOr<security::Principal> caller =
      Admin(*context, "ReplayDelivery", request->message_id());
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  pathway_.ReplayDelivery(*request, FinishWith(reactor, response), *caller);
  return reactor;
}

grpc::ServerUnaryReactor* AdminGrpcService::DiscardDelivery(
    grpc::CallbackServerContext* context,
    const v1::DiscardDeliveryRequest* request, v1::Delivery* response) {
  absl::StatusOr<security::Principal> caller =
      Admin(*context, "DiscardDelivery", request->message_id());
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  pathway_.DiscardDelivery(*request, FinishWith(reactor, response), *caller);
  return reactor;
}

grpc::ServerUnaryReactor* AdminGrpcService::GetDeliveryStats(
    grpc::CallbackServerContext* context, const v1::GetDeliveryStatsRequest*,
    v1::GetDeliveryStatsResponse* response) {
  absl::Status allowed = Allowed(*context, "GetDeliveryStats");
  if (!allowed.ok()) return FinishNow(context, response, {allowed});
  return FinishNow(context, response, pathway_.DeliveryStats());
}

}  // namespace nhs::tobacco::api
