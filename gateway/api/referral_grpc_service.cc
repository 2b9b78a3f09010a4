#include "gateway/api/referral_grpc_service.h"

#include "gateway/api/caller.h"
#include "gateway/api/unary_reply.h"

namespace nhs::tobacco::api {

using pathway::Caller;
using pathway::kGrpcAdapter;

grpc::ServerUnaryReactor* ReferralGrpcService::CreateReferral(
    grpc::CallbackServerContext* context,
    const v1::CreateReferralRequest* request, v1::Referral* response) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  referrals_.CreateReferral(Caller(*caller, kGrpcAdapter), *request,
                            FinishWith(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* ReferralGrpcService::GetReferral(
    grpc::CallbackServerContext* context, const v1::GetReferralRequest* request,
    v1::Referral* response) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  return FinishNow(context, response,
                   referrals_.GetReferral(Caller(*caller, kGrpcAdapter),
                                          request->referral_id()));
}

grpc::ServerUnaryReactor* ReferralGrpcService::ListReferrals(
    grpc::CallbackServerContext* context,
    const v1::ListReferralsRequest* request,
    v1::ListReferralsResponse* response) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  return FinishNow(
      context, response,
      referrals_.ListReferrals(Caller(*caller, kGrpcAdapter), *request));
}

grpc::ServerUnaryReactor* ReferralGrpcService::UpdateReferralStatus(
    grpc::CallbackServerContext* context,
    const v1::UpdateReferralStatusRequest* request, v1::Referral* response) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  referrals_.UpdateReferralStatus(Caller(*caller, kGrpcAdapter), *request,
                                  FinishWith(reactor, response));
  return reactor;
}

// care (issue 12).
grpc::ServerUnaryReactor* ReferralGrpcService::SetQuitDate(
    grpc::CallbackServerContext* context, const v1::SetQuitDateRequest* request,
    v1::Referral* response) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  care_.SetQuitDate(Caller(*caller, kGrpcAdapter), *request,
                    FinishWith(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* ReferralGrpcService::RecordContact(
    grpc::CallbackServerContext* context,
    const v1::RecordContactRequest* request, v1::Contact* response) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  care_.RecordContact(Caller(*caller, kGrpcAdapter), *request,
                      FinishWith(reactor, response));
  return reactor;
}

}  // namespace nhs::tobacco::api
