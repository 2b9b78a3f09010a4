#include "gateway/api/formulary_grpc_service.h"

#include "gateway/api/unary_reply.h"

namespace nhs::tobacco::api {

using pathway::Caller;
using pathway::kGrpcAdapter;

grpc::ServerUnaryReactor* FormularyGrpcService::ListProducts(
    grpc::CallbackServerContext* context,
    const v1::ListProductsRequest* request,
    v1::ListProductsResponse* response) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  return FinishNow(
      context, response,
      formulary_.ListProducts(Caller(*caller, kGrpcAdapter), *request));
}

}  // namespace nhs::tobacco::api
