#include "gateway/api/outcome_grpc_service.h"

#include "gateway/api/unary_reply.h"

namespace nhs::tobacco::api {

grpc::ServerUnaryReactor* OutcomeGrpcService::RecordOutcome(
    grpc::CallbackServerContext* context,
    const v1::RecordOutcomeRequest* request, v1::Outcome* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  pathway_.RecordOutcome(*request, FinishWith(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* OutcomeGrpcService::ListOutcomes(
    grpc::CallbackServerContext* context,
    const v1::ListOutcomesRequest* request,
    v1::ListOutcomesResponse* response) {
  return FinishNow(context, response, pathway_.ListOutcomes(*request));
}

}  // namespace nhs::tobacco::api
