#include "gateway/api/referral_grpc_service.h"

#include "gateway/api/unary_reply.h"

namespace nhs::tobacco::api {

grpc::ServerUnaryReactor* ReferralGrpcService::CreateReferral(
    grpc::CallbackServerContext* context,
    const v1::CreateReferralRequest* request, v1::Referral* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  pathway_.CreateReferral(*request, FinishWith(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* ReferralGrpcService::GetReferral(
    grpc::CallbackServerContext* context, const v1::GetReferralRequest* request,
    v1::Referral* response) {
  return FinishNow(context, response,
                   pathway_.GetReferral(request->referral_id()));
}

grpc::ServerUnaryReactor* ReferralGrpcService::ListReferrals(
    grpc::CallbackServerContext* context,
    const v1::ListReferralsRequest* request,
    v1::ListReferralsResponse* response) {
  return FinishNow(context, response, pathway_.ListReferrals(*request));
}

grpc::ServerUnaryReactor* ReferralGrpcService::UpdateReferralStatus(
    grpc::CallbackServerContext* context,
    const v1::UpdateReferralStatusRequest* request, v1::Referral* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  pathway_.UpdateReferralStatus(*request, FinishWith(reactor, response));
  return reactor;
}

}  // namespace nhs::tobacco::api
