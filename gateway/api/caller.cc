#include "gateway/api/caller.h"

#include <grpcpp/security/auth_context.h>

#include <string>

namespace nhs::tobacco::api {

absl::StatusOr<security::Principal> CallerOf(
    const grpc::CallbackServerContext& context, bool insecure) {
  if (insecure) return security::DevelopmentPrincipal();
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) {
    return absl::UnauthenticatedError("a client certificate is required");
  }
  std::vector<grpc::string_ref> pems = auth->FindPropertyValues("x509_pem_cert");
  if (pems.empty()) {
    return absl::UnauthenticatedError("a client certificate is required");
  }
  return security::PrincipalFromCertificatePem(
      absl::string_view(pems.front().data(), pems.front().size()));
}

}  // namespace nhs::tobacco::api
