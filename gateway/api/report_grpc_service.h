#ifndef GATEWAY_API_REPORT_GRPC_SERVICE_H_
#define GATEWAY_API_REPORT_GRPC_SERVICE_H_

#include "gateway/api/caller.h"
#include "gateway/pathway/report_use_cases.h"
#include "nhs/tobacco/v1/report_service.grpc.pb.h"

namespace nhs::tobacco::api {

// ReportService (issue 14) over the callback API: authenticate, then the
// use case (which scopes, refuses and audits).
class ReportGrpcService final : public v1::ReportService::CallbackService {
 public:
  // `guard` authenticates callers and applies the rate limit.
  ReportGrpcService(pathway::ReportUseCases& reports, CallerGuard& guard)
      : reports_(reports), guard_(guard) {}

  grpc::ServerUnaryReactor* GetOutcomeReport(
      grpc::CallbackServerContext* context, const v1::ReportRequest* request,
      v1::OutcomeReport* response) override;
  grpc::ServerUnaryReactor* GetPathwayReport(
      grpc::CallbackServerContext* context, const v1::ReportRequest* request,
      v1::PathwayReport* response) override;

 private:
  pathway::ReportUseCases& reports_;
  CallerGuard& guard_;
};

}  // namespace nhs::tobacco::api

#endif  // GATEWAY_API_REPORT_GRPC_SERVICE_H_
