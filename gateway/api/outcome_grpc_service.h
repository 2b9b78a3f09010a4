#ifndef GATEWAY_API_OUTCOME_GRPC_SERVICE_H_
#define GATEWAY_API_OUTCOME_GRPC_SERVICE_H_

#include "gateway/api/caller.h"
#include "gateway/pathway/outcome_use_cases.h"
#include "nhs/tobacco/v1/outcome_service.grpc.pb.h"

namespace nhs::tobacco::api {

// OutcomeService over the callback API: authenticate, then the use case.
class OutcomeGrpcService final : public v1::OutcomeService::CallbackService {
 public:
  // `guard` authenticates callers and applies the rate limit.
  OutcomeGrpcService(pathway::OutcomeUseCases& outcomes, CallerGuard& guard)
      : outcomes_(outcomes), guard_(guard) {}

  grpc::ServerUnaryReactor* RecordOutcome(
      grpc::CallbackServerContext* context,
      const v1::RecordOutcomeRequest* request, v1::Outcome* response) override;
  grpc::ServerUnaryReactor* ListOutcomes(
      grpc::CallbackServerContext* context,
      const v1::ListOutcomesRequest* request,
      v1::ListOutcomesResponse* response) override;

 private:
  pathway::OutcomeUseCases& outcomes_;
  CallerGuard& guard_;
};

}  // namespace nhs::tobacco::api

#endif  // GATEWAY_API_OUTCOME_GRPC_SERVICE_H_
