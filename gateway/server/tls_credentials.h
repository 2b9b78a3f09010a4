#ifndef GATEWAY_SERVER_TLS_CREDENTIALS_H_
#define GATEWAY_SERVER_TLS_CREDENTIALS_H_

#include <grpcpp/security/server_credentials.h>

#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nhs/tobacco/v1/config.pb.h"

namespace nhs::tobacco::server {

// The one TLS policy (adapters/net/tls_policy.h) for gRPC 1.51, whose C++
// credentials API sets neither cipher suites nor protocol versions: the
// TLS 1.2 suites go in GRPC_SSL_CIPHER_SUITES, which gRPC reads once, when
// its first TLS credentials are built (so this must run before any);
// TLS 1.2 is already gRPC's minimum, and its TLS 1.3 suites are OpenSSL's,
// all AEAD. MutualTlsCredentials calls it; the binary's main() does too,
// first thing.
void ApplyTlsPolicyToGrpc();

// Server credentials that require and verify a client certificate signed by
// the configured CA, refuse expired ones in the handshake, and refuse
// revoked ones when a CRL folder is configured. Fails with the file that
// could not be read.
//
// gRPC's file-watching certificate provider re-reads the certificate, key
// and CA every `refresh_interval` (whole seconds, at least 1); when their
// contents changed, new handshakes use them and open connections keep
// theirs. gRPC 1.51 rebuilds its OpenSSL context only then: a new CRL file
// in the folder (the next <hash>.rN) is found by every handshake, but a
// rewritten one is not (README "Certificate and CRL rotation").
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MutualTlsCredentials(
    const v1::TlsConfig& tls, absl::Duration refresh_interval);

}  // namespace nhs::tobacco::server

#endif  // GATEWAY_SERVER_TLS_CREDENTIALS_H_
