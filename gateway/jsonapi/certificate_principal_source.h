#ifndef GATEWAY_JSONAPI_CERTIFICATE_PRINCIPAL_SOURCE_H_
#define GATEWAY_JSONAPI_CERTIFICATE_PRINCIPAL_SOURCE_H_

#include "absl/status/statusor.h"
#include "adapters/http/message.h"
#include "gateway/api/http_principal_source.h"
#include "gateway/pathway/caller.h"
#include "gateway/security/rate_limiter.h"

namespace nhs::tobacco::jsonapi {

// A program on the HTTPS listener: the principal is the one its verified
// client certificate names, exactly as for gRPC and FHIR (organisation and
// role; no person), under a per-organisation rate limit; the adapter is
// domain::kHttpAdapter. Thread-safe.
class CertificatePrincipalSource : public api::HttpPrincipalSource {
 public:
  // `per_organisation_rate_limit`: requests per second per ODS code.
  explicit CertificatePrincipalSource(int per_organisation_rate_limit)
      : limiter_(per_organisation_rate_limit) {}

  // UNAUTHENTICATED without a certificate or with one that names no
  // principal; RESOURCE_EXHAUSTED over the rate.
  absl::StatusOr<pathway::Caller> Resolve(
      const http::Request& request) override;

 private:
  security::RateLimiter limiter_;
};

}  // namespace nhs::tobacco::jsonapi

#endif  // GATEWAY_JSONAPI_CERTIFICATE_PRINCIPAL_SOURCE_H_
