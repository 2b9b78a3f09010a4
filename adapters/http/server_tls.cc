#include "adapters/http/server_tls.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "absl/strings/str_cat.h"
#include "adapters/http/server.h"
#include "adapters/net/crl_check.h"
#include "adapters/net/tls_policy.h"

namespace nhs::tobacco::http {
namespace {

// What OpenSSL last complained about, for a start-up error an operator can
// act on.
std::string OpenSslError() {
  char text[256] = "unknown OpenSSL error";
  if (const unsigned long e = ERR_get_error(); e != 0) {
    ERR_error_string_n(e, text, sizeof(text));
  }
  ERR_clear_error();
  return text;
}

}  // namespace

absl::Status SetUpServerContext(SSL_CTX* ctx, const ServerOptions& options) {
  const auto fail = [&options](absl::string_view what,
                               const std::string& path) {
    return absl::FailedPreconditionError(absl::StrCat(
        options.name, ": cannot load ", what, " ", path, ": ", OpenSslError()));
  };
  if (absl::Status policy = net::ApplyTlsPolicy(ctx); !policy.ok()) {
    return policy;
  }
  if (SSL_CTX_use_certificate_chain_file(ctx, options.tls_cert_path.c_str()) !=
      1) {
    return fail("the TLS certificate", options.tls_cert_path);
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, options.tls_key_path.c_str(),
                                  SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    return fail("the TLS key", options.tls_key_path);
  }
  if (options.client_ca_path.empty()) return absl::OkStatus();
  if (SSL_CTX_load_verify_locations(ctx, options.client_ca_path.c_str(),
                                    nullptr) != 1) {
    return fail("the client CA", options.client_ca_path);
  }
  // Tell clients which CA we accept, so one holding several certificates
  // (e.g. Node's https agent) picks the right one.
  if (STACK_OF(X509_NAME)* names =
          SSL_load_client_CA_file(options.client_ca_path.c_str())) {
    SSL_CTX_set_client_CA_list(ctx, names);
  }
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                     nullptr);
  // No session resumption: every connection proves its certificate afresh
  // (chain, dates, CRL). Left on, OpenSSL fails a client's resumption with
  // "session id context uninitialized", which a browser meets on its next
  // connection (Chromium: ERR_SSL_PROTOCOL_ERROR loading a page's files).
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
  SSL_CTX_set_num_tickets(ctx, 0);
  if (!options.crl_directory.empty() &&
      !net::AddCrlDirectory(ctx, options.crl_directory)) {
    return fail("the CRL folder", options.crl_directory);
  }
  return absl::OkStatus();
}

std::string PeerCertificatePem(const SSL* ssl) {
  if (ssl == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return "";
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (cert == nullptr) return "";
  std::string pem;
  if (BIO* bio = BIO_new(BIO_s_mem())) {
    if (PEM_write_bio_X509(bio, cert) == 1) {
      char* data = nullptr;
      const long size = BIO_get_mem_data(bio, &data);
      if (size > 0) pem.assign(data, static_cast<size_t>(size));
    }
    BIO_free(bio);
  }
  X509_free(cert);
  return pem;
}

std::string PeerCertificateKey(const SSL* ssl) {
  if (ssl == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return "";
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (cert == nullptr) return "";
  std::string key;
  if (BIO* bio = BIO_new(BIO_s_mem())) {
    if (X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0,
                           XN_FLAG_RFC2253) >= 0) {
      char* data = nullptr;
      const long size = BIO_get_mem_data(bio, &data);
      if (size > 0) key = absl::StrCat("cert:", std::string(data, size));
    }
    BIO_free(bio);
  }
  X509_free(cert);
  return key;
}

}  // namespace nhs::tobacco::http
