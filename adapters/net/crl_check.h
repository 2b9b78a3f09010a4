#ifndef ADAPTERS_NET_CRL_CHECK_H_
#define ADAPTERS_NET_CRL_CHECK_H_

#include <string>

typedef struct ssl_ctx_st SSL_CTX;

namespace nhs::tobacco::net {

// Makes the context check the peer's certificate against the CRLs in
// `directory` (OpenSSL hash-named PEM files, `openssl rehash`). The leaf
// only: the development CA publishes no CRL for itself, and a missing CRL
// for the leaf's issuer then fails closed rather than waving revoked
// certificates through. False when the folder cannot be used.
bool AddCrlDirectory(SSL_CTX* ctx, const std::string& directory);

}  // namespace nhs::tobacco::net

#endif  // ADAPTERS_NET_CRL_CHECK_H_
