#ifndef ADAPTERS_HTTP_SERVER_TLS_H_
#define ADAPTERS_HTTP_SERVER_TLS_H_

#include <string>

#include "absl/status/status.h"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace nhs::tobacco::http {

struct ServerOptions;

// The server context: the one TLS policy (adapters/net/tls_policy.h), our
// certificate, and, when a client CA is configured, a client certificate
// required and verified in the handshake (chain, dates, and revocation when
// CRLs are configured). An unverified client never reaches HTTP.
absl::Status SetUpServerContext(SSL_CTX* ctx, const ServerOptions& options);

// PEM of the certificate the peer presented and the handshake verified, or
// empty.
std::string PeerCertificatePem(const SSL* ssl);

// What the per-peer connection cap counts a verified client by (its
// certificate's subject), or empty when there is none.
std::string PeerCertificateKey(const SSL* ssl);

}  // namespace nhs::tobacco::http

#endif  // ADAPTERS_HTTP_SERVER_TLS_H_
