#include "adapters/fhir/https_listener.h"

#include <httplib.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "adapters/fhir/operation_outcome.h"
#include "adapters/fhir/uuid.h"
#include "adapters/net/tls_policy.h"

namespace nhs::tobacco::fhir {
namespace {

constexpr char kPath[] = "/fhir/$process-message";
// httplib routes by regular expression, where '$' is an anchor.
constexpr char kPathPattern[] = R"(/fhir/\$process-message)";

void WriteOutcome(httplib::Response& res, int http_status,
                  const absl::Status& status) {
  res.status = http_status;
  res.set_content(BuildOperationOutcome(status, RandomUuid()).dump(),
                  "application/fhir+json");
}

// The handler's answer, shared because a late answer may arrive after the
// HTTP worker gave up waiting.
struct Pending {
  absl::Notification done;
  HttpResponse response;
};

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

// The server context: our certificate, the one TLS policy
// (adapters/net/tls_policy.h), and, when a client
// CA is configured, a client certificate required and verified in the
// handshake (chain, dates, and revocation when CRLs are configured). An
// unverified client never reaches HTTP, so no handler sees it.
absl::Status SetUpServerContext(SSL_CTX& ctx,
                                const HttpsListenerOptions& options) {
  const auto fail = [](absl::string_view what, const std::string& path) {
    return absl::FailedPreconditionError(absl::StrCat(
        "fhir: cannot load ", what, " ", path, ": ", OpenSslError()));
  };
  SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION |
                                SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
  if (absl::Status policy = net::ApplyTlsPolicy(&ctx); !policy.ok()) {
    return policy;
  }
  if (SSL_CTX_use_certificate_chain_file(&ctx, options.tls_cert_path.c_str()) !=
      1) {
    return fail("the TLS certificate", options.tls_cert_path);
  }
  if (SSL_CTX_use_PrivateKey_file(&ctx, options.tls_key_path.c_str(),
                                  SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(&ctx) != 1) {
    return fail("the TLS key", options.tls_key_path);
  }
  if (options.client_ca_path.empty()) return absl::OkStatus();
  if (SSL_CTX_load_verify_locations(&ctx, options.client_ca_path.c_str(),
                                    nullptr) != 1) {
    return fail("the client CA", options.client_ca_path);
  }
  // Tell clients which CA we accept, so one holding several certificates
  // (e.g. Node's https agent) picks the right one.
  if (STACK_OF(X509_NAME)* names =
          SSL_load_client_CA_file(options.client_ca_path.c_str())) {
    SSL_CTX_set_client_CA_list(&ctx, names);
  }
  SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                     nullptr);
  if (!options.crl_directory.empty()) {
    X509_STORE* store = SSL_CTX_get_cert_store(&ctx);
    X509_LOOKUP* lookup = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir());
    if (lookup == nullptr ||
        X509_LOOKUP_add_dir(lookup, options.crl_directory.c_str(),
                            X509_FILETYPE_PEM) != 1) {
      return fail("the CRL folder", options.crl_directory);
    }
    // The client's certificate must be checked against its issuer's CRL; a
    // missing CRL then fails closed rather than waving revoked ones through.
    X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
  }
  return absl::OkStatus();
}

// PEM of the certificate the peer presented (verified by the handshake), or
// empty.
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

}  // namespace

absl::StatusOr<std::unique_ptr<HttpsListener>> HttpsListener::Start(
    const HttpsListenerOptions& options, MessageHandler handler) {
  const size_t colon = options.address.rfind(':');
  int port = -1;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(options.address.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "fhir.address: '", options.address, "' must be host:port"));
  }
  const std::string host = options.address.substr(0, colon);
  auto listener = std::unique_ptr<HttpsListener>(new HttpsListener());
  if (!options.crl_directory.empty() && options.client_ca_path.empty()) {
    return absl::InvalidArgumentError(
        "fhir.crl_directory needs fhir.client_ca_file");
  }
  absl::Status setup = absl::OkStatus();
  listener->server_ =
      std::make_unique<httplib::SSLServer>([&options, &setup](SSL_CTX& ctx) {
        setup = SetUpServerContext(ctx, options);
        return setup.ok();
      });
  if (!setup.ok()) return setup;
  if (!listener->server_->is_valid()) {
    return absl::InternalError("fhir: cannot create a TLS server context");
  }
  httplib::SSLServer& server = *listener->server_;
  server.set_payload_max_length(options.max_body_bytes);
  const size_t max_body = options.max_body_bytes;
  // httplib answers an oversized body (413) and unknown routes (404) itself;
  // give those an OperationOutcome too. Our own error answers carry a body
  // already and pass through untouched.
  server.set_error_handler(httplib::Server::HandlerWithResponse(
      [max_body](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty())
          return httplib::Server::HandlerResponse::Unhandled;
        if (res.status == 413) {
          WriteOutcome(res, 413,
                       absl::ResourceExhaustedError(absl::StrCat(
                           "message larger than ", max_body, " bytes")));
        } else if (res.status == 404) {
          WriteOutcome(res, 404,
                       absl::NotFoundError(absl::StrCat(
                           "no such endpoint; POST messages to ", kPath)));
        } else {
          WriteOutcome(res, res.status,
                       absl::UnknownError(absl::StrCat("HTTP ", res.status)));
        }
        return httplib::Server::HandlerResponse::Handled;
      }));
  const absl::Duration timeout = options.reply_timeout;
  server.Post(kPathPattern, [handler, timeout](const httplib::Request& req,
                                               httplib::Response& res) {
    auto pending = std::make_shared<Pending>();
    const std::string peer = PeerCertificatePem(req.ssl);
    handler(InboundMessage{req.body, peer}, [pending](HttpResponse response) {
      pending->response = std::move(response);
      pending->done.Notify();
    });
    if (!pending->done.WaitForNotificationWithTimeout(timeout)) {
      WriteOutcome(res, 503,
                   absl::UnavailableError(
                       "the message was not processed in time; resend it "
                       "with the same Bundle id"));
      return;
    }
    res.status = pending->response.status;
    res.set_content(pending->response.body, pending->response.content_type);
  });
  if (port == 0) {
    listener->port_ = server.bind_to_any_port(host);
  } else if (server.bind_to_port(host, port)) {
    listener->port_ = port;
  }
  if (listener->port_ <= 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen for FHIR on ", options.address,
                     " (address in use or not local?)"));
  }
  listener->thread_ = std::thread([&server] { server.listen_after_bind(); });
  return listener;
}

void HttpsListener::Stop() {
  if (server_ == nullptr) return;
  server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
}

HttpsListener::~HttpsListener() { Stop(); }

}  // namespace nhs::tobacco::fhir
