#include "gateway/api/outcome_grpc_service.h"

#include "gateway/api/authorization.h"
#include "gateway/api/caller.h"
#include "gateway/api/unary_reply.h"

namespace nhs::tobacco::api {

using security::Operation;

grpc::ServerUnaryReactor* OutcomeGrpcService::RecordOutcome(
    grpc::CallbackServerContext* context,
    const v1::RecordOutcomeRequest* request, v1::Outcome* response) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  if (caller->role != security::Role::kDevelopment) {
    absl::Status allowed =
        AuthorizeRecord(*caller, Operation::kRecordOutcome,
                        pathway_.GetReferral(request->outcome().referral_id()))
            .status();
    if (!allowed.ok()) {
      pathway_.Audit(*caller, "RecordOutcome",
                     request->outcome().referral_id(), allowed);
      return FinishNow(context, response, {allowed});
    }
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  pathway_.RecordOutcome(*request, FinishWith(reactor, response), *caller);
  return reactor;
}

grpc::ServerUnaryReactor* OutcomeGrpcService::ListOutcomes(
    grpc::CallbackServerContext* context,
    const v1::ListOutcomesRequest* request,
    v1::ListOutcomesResponse* response) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  absl::Status allowed =
      AuthorizeRecord(*caller, Operation::kReadOutcomes,
                      pathway_.GetReferral(request->referral_id()))
          .status();
  absl::StatusOr<v1::ListOutcomesResponse> listed =
      allowed.ok() ? pathway_.ListOutcomes(*request)
                   : absl::StatusOr<v1::ListOutcomesResponse>(allowed);
  pathway_.Audit(*caller, "ListOutcomes", request->referral_id(),
                 listed.status());
  return FinishNow(context, response, std::move(listed));
}

}  // namespace nhs::tobacco::api
