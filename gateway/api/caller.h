#ifndef GATEWAY_API_CALLER_H_
#define GATEWAY_API_CALLER_H_

#include <grpcpp/server_context.h>

#include "absl/status/statusor.h"
#include "gateway/security/principal.h"

namespace nhs::tobacco::api {

// Who is calling: the principal named by the client certificate the TLS
// handshake verified (chain, expiry, revocation). UNAUTHENTICATED without
// one. In plaintext development mode (`insecure`) every caller is the
// development principal.
absl::StatusOr<security::Principal> CallerOf(
    const grpc::CallbackServerContext& context, bool insecure);

}  // namespace nhs::tobacco::api

#endif  // GATEWAY_API_CALLER_H_
