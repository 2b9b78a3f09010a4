#ifndef GATEWAY_API_CALLER_H_
#define GATEWAY_API_CALLER_H_

#include <grpcpp/server_context.h>

#include "absl/status/statusor.h"
#include "gateway/security/principal.h"
#include "gateway/security/rate_limiter.h"

namespace nhs::tobacco::api {

// Who is calling: the principal named by the client certificate the TLS
// handshake verified (chain, expiry, revocation). UNAUTHENTICATED without
// one. In plaintext development mode (`insecure`) every caller is the
// development principal.
absl::StatusOr<security::Principal> CallerOf(
    const grpc::CallbackServerContext& context, bool insecure);

// Authentication plus the per-principal rate limit, shared by every service
// of one server. Thread-safe.
class CallerGuard {
 public:
  CallerGuard(bool insecure, int per_principal_rate_limit)
      : insecure_(insecure), limiter_(per_principal_rate_limit) {}

  // The caller, or UNAUTHENTICATED, or RESOURCE_EXHAUSTED when this
  // principal is over its rate.
  absl::StatusOr<security::Principal> Authenticate(
      const grpc::CallbackServerContext& context);

  bool insecure() const { return insecure_; }

 private:
  const bool insecure_;
  security::RateLimiter limiter_;
};

}  // namespace nhs::tobacco::api

#endif  // GATEWAY_API_CALLER_H_
