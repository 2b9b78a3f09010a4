#include "gateway/api/referral_grpc_service.h"

#include "gateway/api/authorization.h"
#include "gateway/api/caller.h"
#include "gateway/api/unary_reply.h"

namespace nhs::tobacco::api {

using security::Operation;

grpc::ServerUnaryReactor* ReferralGrpcService::CreateReferral(
    grpc::CallbackServerContext* context,
    const v1::CreateReferralRequest* request, v1::Referral* response) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  absl::Status allowed = security::Authorize(
      *caller, Operation::kCreateReferral, security::ViewOf(request->referral()));
  if (caller->role != security::Role::kDevelopment && !allowed.ok()) {
    pathway_.Audit(*caller, "CreateReferral", "", allowed);
    return FinishNow(context, response, {allowed});
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  pathway_.CreateReferral(*request, FinishWith(reactor, response), *caller);
  return reactor;
}

grpc::ServerUnaryReactor* ReferralGrpcService::GetReferral(
    grpc::CallbackServerContext* context, const v1::GetReferralRequest* request,
    v1::Referral* response) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  absl::StatusOr<v1::Referral> referral =
      AuthorizeRecord(*caller, Operation::kReadReferral,
                      pathway_.GetReferral(request->referral_id()));
  pathway_.Audit(*caller, "GetReferral", request->referral_id(),
                 referral.status());
  return FinishNow(context, response, std::move(referral));
}

grpc::ServerUnaryReactor* ReferralGrpcService::ListReferrals(
    grpc::CallbackServerContext* context,
    const v1::ListReferralsRequest* request,
    v1::ListReferralsResponse* response) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  v1::ListReferralsRequest scoped = *request;
  if (caller->role != security::Role::kDevelopment) {
    // A principal lists what concerns its own organisation only.
    if (scoped.ods_code().empty()) scoped.set_ods_code(caller->ods_code);
    if (scoped.ods_code() != caller->ods_code) {
      absl::Status denied = absl::PermissionDeniedError(
          "ListReferrals: an organisation may list only its own referrals");
      pathway_.Audit(*caller, "ListReferrals", scoped.ods_code(), denied);
      return FinishNow(context, response, {denied});
    }
  }
  absl::StatusOr<v1::ListReferralsResponse> listed =
      pathway_.ListReferrals(scoped);
  if (listed.ok() && caller->role != security::Role::kDevelopment) {
    v1::ListReferralsResponse visible;
    for (const v1::Referral& r : listed->referrals()) {
      if (security::Authorize(*caller, Operation::kReadReferral,
                              security::ViewOf(r))
              .ok()) {
        *visible.add_referrals() = r;
      }
    }
    visible.set_next_page_token(listed->next_page_token());
    listed = std::move(visible);
  }
  pathway_.Audit(*caller, "ListReferrals", scoped.ods_code(), listed.status());
  return FinishNow(context, response, std::move(listed));
}

grpc::ServerUnaryReactor* ReferralGrpcService::UpdateReferralStatus(
    grpc::CallbackServerContext* context,
    const v1::UpdateReferralStatusRequest* request, v1::Referral* response) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  if (caller->role != security::Role::kDevelopment) {
    absl::Status allowed =
        AuthorizeRecord(*caller, Operation::kUpdateReferralStatus,
                        pathway_.GetReferral(request->referral_id()))
            .status();
    if (!allowed.ok()) {
      pathway_.Audit(*caller, "UpdateReferralStatus", request->referral_id(),
                     allowed);
      return FinishNow(context, response, {allowed});
    }
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  pathway_.UpdateReferralStatus(*request, FinishWith(reactor, response),
                                *caller);
  return reactor;
}

}  // namespace nhs::tobacco::api
