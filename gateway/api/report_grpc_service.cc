#include "gateway/api/report_grpc_service.h"

#include "gateway/api/caller.h"
#include "gateway/api/unary_reply.h"

namespace nhs::tobacco::api {

using pathway::Caller;
using pathway::kGrpcAdapter;

grpc::ServerUnaryReactor* ReportGrpcService::GetOutcomeReport(
    grpc::CallbackServerContext* context, const v1::ReportRequest* request,
    v1::OutcomeReport* response) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  return FinishNow(
      context, response,
      reports_.GetOutcomeReport(Caller(*caller, kGrpcAdapter), *request));
}

grpc::ServerUnaryReactor* ReportGrpcService::GetPathwayReport(
    grpc::CallbackServerContext* context, const v1::ReportRequest* request,
    v1::PathwayReport* response) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  return FinishNow(
      context, response,
      reports_.GetPathwayReport(Caller(*caller, kGrpcAdapter), *request));
}

}  // namespace nhs::tobacco::api
