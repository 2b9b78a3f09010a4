#ifndef GATEWAY_API_ADMIN_GRPC_SERVICE_H_
#define GATEWAY_API_ADMIN_GRPC_SERVICE_H_

#include "gateway/api/caller.h"
#include "gateway/pathway/audit_use_cases.h"
#include "gateway/pathway/delivery_use_cases.h"
#include "nhs/tobacco/v1/admin_service.grpc.pb.h"

namespace nhs::tobacco::api {

// Operator functions over gRPC: authenticate the caller, then the use case
// (which authorises the admin role and audits).
class AdminGrpcService final : public v1::AdminService::CallbackService {
 public:
  AdminGrpcService(pathway::AuditUseCases& audit,
                   pathway::DeliveryUseCases& deliveries, CallerGuard& guard)
      : audit_(audit), deliveries_(deliveries), guard_(guard) {}

  grpc::ServerUnaryReactor* VerifyAuditChain(
      grpc::CallbackServerContext* context,
      const v1::VerifyAuditChainRequest* request,
      v1::VerifyAuditChainResponse* response) override;
  grpc::ServerUnaryReactor* ListAuditRecords(
      grpc::CallbackServerContext* context,
      const v1::ListAuditRecordsRequest* request,
      v1::ListAuditRecordsResponse* response) override;
  grpc::ServerUnaryReactor* ListDeliveries(
      grpc::CallbackServerContext* context,
      const v1::ListDeliveriesRequest* request,
      v1::ListDeliveriesResponse* response) override;
  grpc::ServerUnaryReactor* GetDelivery(grpc::CallbackServerContext* context,
                                        const v1::GetDeliveryRequest* request,
                                        v1::Delivery* response) override;
  grpc::ServerUnaryReactor* ReplayDelivery(
      grpc::CallbackServerContext* context,
      const v1::ReplayDeliveryRequest* request,
      v1::Delivery* response) override;
  grpc::ServerUnaryReactor* DiscardDelivery(
      grpc::CallbackServerContext* context,
      const v1::DiscardDeliveryRequest* request,
      v1::Delivery* response) override;
  grpc::ServerUnaryReactor* GetDeliveryStats(
      grpc::CallbackServerContext* context,
      const v1::GetDeliveryStatsRequest* request,
      v1::GetDeliveryStatsResponse* response) override;

 private:
  // Authenticates the caller and hands the call to `use_case` (a member
  // function of UseCases taking the principal, the request and the reply).
  template <typename UseCases, typename Request, typename Response>
  grpc::ServerUnaryReactor* Call(
      grpc::CallbackServerContext* context, UseCases& use_cases,
      void (UseCases::*use_case)(const security::Principal&, const Request&,
                                 pathway::Reply<Response>),
      const Request& request, Response* response);

  pathway::AuditUseCases& audit_;
  pathway::DeliveryUseCases& deliveries_;
  CallerGuard& guard_;
};

}  // namespace nhs::tobacco::api

#endif  // GATEWAY_API_ADMIN_GRPC_SERVICE_H_
