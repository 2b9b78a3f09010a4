#ifndef GATEWAY_API_REFERRAL_GRPC_SERVICE_H_
#define GATEWAY_API_REFERRAL_GRPC_SERVICE_H_

#include "gateway/api/caller.h"
#include "gateway/pathway/care_use_cases.h"
#include "gateway/pathway/referral_use_cases.h"
#include "nhs/tobacco/v1/referral_service.grpc.pb.h"

namespace nhs::tobacco::api {

// ReferralService over the callback API: authenticate, hand the request to
// the use case with the caller, finish when it replies; writes finish only
// once durable. Authorisation and audit are the use case's.
class ReferralGrpcService final : public v1::ReferralService::CallbackService {
 public:
  // `guard` authenticates callers and applies the rate limit.
  ReferralGrpcService(pathway::ReferralUseCases& referrals,
                      pathway::CareUseCases& care, CallerGuard& guard)
      : referrals_(referrals), care_(care), guard_(guard) {}

  grpc::ServerUnaryReactor* CreateReferral(
      grpc::CallbackServerContext* context,
      const v1::CreateReferralRequest* request,
      v1::Referral* response) override;
  grpc::ServerUnaryReactor* GetReferral(grpc::CallbackServerContext* context,
                                        const v1::GetReferralRequest* request,
                                        v1::Referral* response) override;
  grpc::ServerUnaryReactor* ListReferrals(
      grpc::CallbackServerContext* context,
      const v1::ListReferralsRequest* request,
      v1::ListReferralsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateReferralStatus(
      grpc::CallbackServerContext* context,
      const v1::UpdateReferralStatusRequest* request,
      v1::Referral* response) override;

  // care (issue 12).
  grpc::ServerUnaryReactor* SetQuitDate(grpc::CallbackServerContext* context,
                                        const v1::SetQuitDateRequest* request,
                                        v1::Referral* response) override;
  grpc::ServerUnaryReactor* RecordContact(
      grpc::CallbackServerContext* context,
      const v1::RecordContactRequest* request, v1::Contact* response) override;

 private:
  pathway::ReferralUseCases& referrals_;
  pathway::CareUseCases& care_;
  CallerGuard& guard_;
};

}  // namespace nhs::tobacco::api

#endif  // GATEWAY_API_REFERRAL_GRPC_SERVICE_H_
