#include "gateway/api/admin_grpc_service.h"

#include "gateway/api/caller.h"
#include "gateway/api/unary_reply.h"
#include "gateway/security/access_policy.h"

namespace nhs::tobacco::api {

absl::Status AdminGrpcService::Allowed(grpc::CallbackServerContext& context,
                                       absl::string_view operation) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(context);
  if (!caller.ok()) return caller.status();
  absl::Status allowed = security::Authorize(
      *caller, security::Operation::kAdminister, security::RecordView());
  pathway_.Audit(*caller, operation, "", allowed);
  return allowed;
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

}  // namespace nhs::tobacco::api
