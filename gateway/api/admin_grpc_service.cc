#include "gateway/api/admin_grpc_service.h"

#include "gateway/api/unary_reply.h"

namespace nhs::tobacco::api {

template <typename UseCases, typename Request, typename Response>
grpc::ServerUnaryReactor* AdminGrpcService::Call(
    grpc::CallbackServerContext* context, UseCases& use_cases,
    void (UseCases::*use_case)(const security::Principal&, const Request&,
                               pathway::Reply<Response>),
    const Request& request, Response* response) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  (use_cases.*use_case)(*caller, request, FinishWith(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* AdminGrpcService::VerifyAuditChain(
    grpc::CallbackServerContext* context,
    const v1::VerifyAuditChainRequest* request,
    v1::VerifyAuditChainResponse* response) {
  return Call(context, audit_, &pathway::AuditUseCases::VerifyAuditChain,
              *request, response);
}

grpc::ServerUnaryReactor* AdminGrpcService::ListAuditRecords(
    grpc::CallbackServerContext* context,
    const v1::ListAuditRecordsRequest* request,
    v1::ListAuditRecordsResponse* response) {
  return Call(context, audit_, &pathway::AuditUseCases::ListAuditRecords,
              *request, response);
}

grpc::ServerUnaryReactor* AdminGrpcService::ListDeliveries(
    grpc::CallbackServerContext* context,
    const v1::ListDeliveriesRequest* request,
    v1::ListDeliveriesResponse* response) {
  return Call(context, deliveries_, &pathway::DeliveryUseCases::ListDeliveries,
              *request, response);
}

grpc::ServerUnaryReactor* AdminGrpcService::GetDelivery(
    grpc::CallbackServerContext* context, const v1::GetDeliveryRequest* request,
    v1::Delivery* response) {
  return Call(context, deliveries_, &pathway::DeliveryUseCases::GetDelivery,
              *request, response);
}

grpc::ServerUnaryReactor* AdminGrpcService::ReplayDelivery(
    grpc::CallbackServerContext* context,
    const v1::ReplayDeliveryRequest* request, v1::Delivery* response) {
  return Call(context, deliveries_, &pathway::DeliveryUseCases::ReplayDelivery,
              *request, response);
}

grpc::ServerUnaryReactor* AdminGrpcService::DiscardDelivery(
    grpc::CallbackServerContext* context,
    const v1::DiscardDeliveryRequest* request, v1::Delivery* response) {
  return Call(context, deliveries_, &pathway::DeliveryUseCases::DiscardDelivery,
              *request, response);
}

grpc::ServerUnaryReactor* AdminGrpcService::GetDeliveryStats(
    grpc::CallbackServerContext* context,
    const v1::GetDeliveryStatsRequest* request,
    v1::GetDeliveryStatsResponse* response) {
  return Call(context, deliveries_, &pathway::DeliveryUseCases::DeliveryStats,
              *request, response);
}

}  // namespace nhs::tobacco::api
