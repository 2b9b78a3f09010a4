#ifndef GATEWAY_API_FORMULARY_GRPC_SERVICE_H_
#define GATEWAY_API_FORMULARY_GRPC_SERVICE_H_

#include "gateway/api/caller.h"
#include "gateway/pathway/formulary_use_cases.h"
#include "nhs/tobacco/v1/formulary_service.grpc.pb.h"

namespace nhs::tobacco::api {

// FormularyService over the callback API: authenticate, then the use case.
class FormularyGrpcService final
    : public v1::FormularyService::CallbackService {
 public:
  // `guard` authenticates callers and applies the rate limit.
  FormularyGrpcService(pathway::FormularyUseCases& formulary,
                       CallerGuard& guard)
      : formulary_(formulary), guard_(guard) {}

  grpc::ServerUnaryReactor* ListProducts(
      grpc::CallbackServerContext* context,
      const v1::ListProductsRequest* request,
      v1::ListProductsResponse* response) override;

 private:
  pathway::FormularyUseCases& formulary_;
  CallerGuard& guard_;
};

}  // namespace nhs::tobacco::api

#endif  // GATEWAY_API_FORMULARY_GRPC_SERVICE_H_
