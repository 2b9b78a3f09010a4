#include "gateway/jsonapi/certificate_principal_source.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gateway/common/error_reason.h"
#include "gateway/security/principal.h"

namespace nhs::tobacco::jsonapi {

absl::StatusOr<pathway::Caller> CertificatePrincipalSource::Resolve(
    const http::Request& request) {
  if (request.peer_certificate_pem.empty()) {
    return absl::UnauthenticatedError("a client certificate is required");
  }
  absl::StatusOr<security::Principal> principal =
      security::PrincipalFromCertificatePem(request.peer_certificate_pem);
  if (!principal.ok()) return principal.status();
  if (!limiter_.Allow(principal->ods_code, absl::Now())) {
    return WithReason(absl::ResourceExhaustedError(
                          absl::StrCat("rate limit for ", principal->ods_code,
                                       " exceeded; retry shortly")),
                      reason::kRateLimited);
  }
  return pathway::Caller(*std::move(principal), pathway::kHttpAdapter);
}

}  // namespace nhs::tobacco::jsonapi
