#ifndef GATEWAY_SERVER_TLS_CREDENTIALS_H_
#define GATEWAY_SERVER_TLS_CREDENTIALS_H_

#include <grpcpp/security/server_credentials.h>

#include <memory>

#include "absl/status/statusor.h"
#include "nhs/tobacco/v1/config.pb.h"

namespace nhs::tobacco::server {

// Server credentials that require and verify a client certificate signed by
// the configured CA, refuse expired ones in the handshake, and refuse
// revoked ones when a CRL folder is configured. Fails with the file that
// could not be read.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MutualTlsCredentials(
    const v1::TlsConfig& tls);

}  // namespace nhs::tobacco::server

#endif  // GATEWAY_SERVER_TLS_CREDENTIALS_H_
