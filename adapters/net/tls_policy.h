#ifndef ADAPTERS_NET_TLS_POLICY_H_
#define ADAPTERS_NET_TLS_POLICY_H_

#include "absl/status/status.h"

typedef struct ssl_ctx_st SSL_CTX;

namespace nhs::tobacco::net {

// The one TLS policy of every listener and client (MLLP, FHIR, gRPC):
// TLS 1.3, or TLS 1.2 with ECDHE key exchange (forward secrecy) and an AEAD
// cipher (AES-GCM or ChaCha20-Poly1305). No RSA key exchange, no CBC, no
// SHA-1 MACs, no compression, no renegotiation.

// TLS 1.2 suites, OpenSSL names, in preference order. gRPC takes the same
// string through GRPC_SSL_CIPHER_SUITES (gateway/server/tls_credentials).
inline constexpr char kTls12CipherList[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:"
    "ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:"
    "ECDHE-RSA-CHACHA20-POLY1305";

// TLS 1.3 suites (all AEAD with ephemeral key exchange by design).
inline constexpr char kTls13CipherSuites[] =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:"
    "TLS_CHACHA20_POLY1305_SHA256";

// Applies the policy to a context, server or client, before any SSL object
// is made from it. Internal error naming the OpenSSL call that refused.
absl::Status ApplyTlsPolicy(SSL_CTX* ctx);

}  // namespace nhs::tobacco::net

#endif  // ADAPTERS_NET_TLS_POLICY_H_
