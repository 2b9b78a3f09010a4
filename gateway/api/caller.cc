#include "gateway/api/caller.h"

#include <grpcpp/security/auth_context.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gateway/common/error_reason.h"

namespace nhs::tobacco::api {

absl::StatusOr<security::Principal> CallerOf(
    const grpc::CallbackServerContext& context, bool insecure) {
  if (insecure) return security::DevelopmentPrincipal();
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) {
    return absl::UnauthenticatedError("a client certificate is required");
  }
  std::vector<grpc::string_ref> pems =
      auth->FindPropertyValues("x509_pem_cert");
  if (pems.empty()) {
    return absl::UnauthenticatedError("a client certificate is required");
  }
  return security::PrincipalFromCertificatePem(
      absl::string_view(pems.front().data(), pems.front().size()));
}

absl::StatusOr<security::Principal> CallerGuard::Authenticate(
    const grpc::CallbackServerContext& context) {
  absl::StatusOr<security::Principal> caller = CallerOf(context, insecure_);
  if (!caller.ok()) return caller;
  // Development mode is unrestricted, rate included.
  if (caller->role != security::Role::kDevelopment &&
      !limiter_.Allow(caller->ods_code, absl::Now())) {
    return WithReason(
        absl::ResourceExhaustedError(absl::StrCat(
            "rate limit for ", caller->ods_code, " exceeded; retry shortly")),
        reason::kRateLimited);
  }
  return caller;
}

}  // namespace nhs::tobacco::api
