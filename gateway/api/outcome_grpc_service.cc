#include "gateway/api/outcome_grpc_service.h"

#include "gateway/api/caller.h"
#include "gateway/api/unary_reply.h"

namespace nhs::tobacco::api {

using pathway::Caller;
using pathway::kGrpcAdapter;

grpc::ServerUnaryReactor* OutcomeGrpcService::RecordOutcome(
    grpc::CallbackServerContext* context,
    const v1::RecordOutcomeRequest* request, v1::Outcome* response) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  outcomes_.RecordOutcome(Caller(*caller, kGrpcAdapter), *request,
                          FinishWith(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* OutcomeGrpcService::ListOutcomes(
    grpc::CallbackServerContext* context,
    const v1::ListOutcomesRequest* request,
    v1::ListOutcomesResponse* response) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  return FinishNow(
      context, response,
      outcomes_.ListOutcomes(Caller(*caller, kGrpcAdapter), *request));
}

}  // namespace nhs::tobacco::api
