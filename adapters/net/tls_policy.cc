#include "adapters/net/tls_policy.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "absl/strings/str_cat.h"

namespace nhs::tobacco::net {
namespace {

absl::Status Refused(const char* call) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  char text[256] = "no detail";
  if (code != 0) ERR_error_string_n(code, text, sizeof(text));
  return absl::InternalError(absl::StrCat("TLS policy: ", call, ": ", text));
}

}  // namespace

absl::Status ApplyTlsPolicy(SSL_CTX* ctx) {
  if (ctx == nullptr)
    return absl::InvalidArgumentError("TLS policy: no context");
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) {
    return Refused("SSL_CTX_set_min_proto_version");
  }
  if (SSL_CTX_set_cipher_list(ctx, kTls12CipherList) != 1) {
    return Refused("SSL_CTX_set_cipher_list");
  }
  if (SSL_CTX_set_ciphersuites(ctx, kTls13CipherSuites) != 1) {
    return Refused("SSL_CTX_set_ciphersuites");
  }
  // Curves for ECDHE: X25519 first, then the NIST curves clients commonly
  // offer. Finite-field DHE is never used (no DHE suite is listed).
  if (SSL_CTX_set1_groups_list(ctx, "X25519:P-256:P-384") != 1) {
    return Refused("SSL_CTX_set1_groups_list");
  }
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                               SSL_OP_CIPHER_SERVER_PREFERENCE);
  return absl::OkStatus();
}

}  // namespace nhs::tobacco::net
