#ifndef GATEWAY_API_ADMIN_GRPC_SERVICE_H_
#define GATEWAY_API_ADMIN_GRPC_SERVICE_H_

#include "gateway/api/caller.h"
#include "gateway/pathway/pathway.h"
#include "nhs/tobacco/v1/admin_service.grpc.pb.h"

namespace nhs::tobacco::api {

// Operator functions; every method requires the admin role.
class AdminGrpcService final : public v1::AdminService::CallbackService {
 public:
  AdminGrpcService(pathway::Pathway& pathway, CallerGuard& guard)
      : pathway_(pathway), guard_(guard) {}

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
  // OK for admins (and the development principal); audited either way.
  absl::Status Allowed(grpc::CallbackServerContext& context,
                       absl::string_view operation,
                       absl::string_view record_id = "");
  // The caller, when an admin; the pathway audits what they change.
  absl::StatusOr<security::Principal> Admin(
      grpc::CallbackServerContext& context, absl::string_view operation,
      absl::string_view record_id);

  pathway::Pathway& pathway_;
  CallerGuard& guard_;
};

}  // namespace nhs::tobacco::api

#endif  // GATEWAY_API_ADMIN_GRPC_SERVICE_H_
