#include "adapters/net/crl_check.h"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

namespace nhs::tobacco::net {

bool AddCrlDirectory(SSL_CTX* ctx, const std::string& directory) {
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  X509_LOOKUP* lookup = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir());
  if (lookup == nullptr ||
      X509_LOOKUP_add_dir(lookup, directory.c_str(), X509_FILETYPE_PEM) != 1) {
    return false;
  }
  X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
  return true;
}

}  // namespace nhs::tobacco::net
