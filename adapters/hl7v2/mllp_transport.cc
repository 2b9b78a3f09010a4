#include "adapters/hl7v2/mllp_transport.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <poll.h>
#include <sys/socket.h>

#include <boost/asio/ssl/context.hpp>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "adapters/net/crl_check.h"
#include "adapters/net/tls_policy.h"

namespace nhs::tobacco::hl7v2 {
namespace {

// The first queued OpenSSL error, then the queue cleared: a stale error
// must never be reported against a later connection on this thread.
std::string TakeSslError() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "no detail";
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

// Waits until `fd` is ready for `events` or `deadline` passes.
absl::Status Await(int fd, short events, absl::Time deadline,
                   absl::string_view what) {
  while (true) {
    const int64_t ms = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (ms <= 0) {
      return absl::DeadlineExceededError(absl::StrCat(what, " timed out"));
    }
    pollfd p{fd, events, 0};
    const int r = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(ms, 1000)));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return absl::UnavailableError(std::strerror(errno));
    if (r > 0) return absl::OkStatus();
  }
}

absl::StatusOr<SSL_CTX*> NewContext(const MllpTlsOptions& options,
                                    bool server) {
  SSL_CTX* ctx =
      SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
  if (ctx == nullptr) {
    return absl::InternalError(absl::StrCat("SSL_CTX_new: ", TakeSslError()));
  }
  auto fail = [ctx](absl::string_view what, const std::string& file) {
    const std::string detail = TakeSslError();
    SSL_CTX_free(ctx);
    return absl::FailedPreconditionError(absl::StrCat(
        "mllp tls ", what, ": cannot use '", file, "' (", detail, ")"));
  };
  if (absl::Status policy = net::ApplyTlsPolicy(ctx); !policy.ok()) {
    SSL_CTX_free(ctx);
    return policy;
  }
  // Write() may be retried with a copy of the same bytes at another address.
  SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (!options.cert_file.empty() || server) {
    if (SSL_CTX_use_certificate_chain_file(ctx, options.cert_file.c_str()) !=
        1) {
      return fail("cert_file", options.cert_file);
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, options.key_file.c_str(),
                                    SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
      return fail("key_file", options.key_file);
    }
  }
  if (SSL_CTX_load_verify_locations(ctx, options.ca_file.c_str(), nullptr) !=
      1) {
    return fail(server ? "client_ca_file" : "ca_file", options.ca_file);
  }
  if (!options.crl_directory.empty() &&
      !net::AddCrlDirectory(ctx, options.crl_directory)) {
    return fail("crl_directory", options.crl_directory);
  }
  if (server) {
    STACK_OF(X509_NAME)* names =
        SSL_load_client_CA_file(options.ca_file.c_str());
    if (names != nullptr) SSL_CTX_set_client_CA_list(ctx, names);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                       nullptr);
    // Every connection is a new trust engine session; resumption would skip
    // the CRL check of a certificate revoked since.
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(ctx, 0);
  } else {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  }
  return ctx;
}

}  // namespace

absl::StatusOr<std::shared_ptr<MllpTlsContext>> MllpTlsContext::ForListener(
    const MllpTlsOptions& options) {
  auto ctx = NewContext(options, /*server=*/true);
  if (!ctx.ok()) return ctx.status();
  return std::shared_ptr<MllpTlsContext>(new MllpTlsContext(*ctx, options));
}

absl::StatusOr<std::shared_ptr<MllpTlsContext>> MllpTlsContext::ForClient(
    const MllpTlsOptions& options) {
  auto ctx = NewContext(options, /*server=*/false);
  if (!ctx.ok()) return ctx.status();
  return std::shared_ptr<MllpTlsContext>(new MllpTlsContext(*ctx, options));
}

MllpTlsContext::MllpTlsContext(SSL_CTX* ctx, MllpTlsOptions options)
    : ctx_(ctx), options_(std::move(options)) {
  // Asio's context frees the handle it is given: give it a reference of
  // its own.
  SSL_CTX_up_ref(ctx_);
  asio_ = std::make_unique<boost::asio::ssl::context>(ctx_);
}

MllpTlsContext::~MllpTlsContext() {
  asio_.reset();
  SSL_CTX_free(ctx_);
}

std::unique_ptr<MllpTransport> MllpTransport::Plain(int fd) {
  return std::unique_ptr<MllpTransport>(new MllpTransport(fd, nullptr));
}

absl::StatusOr<std::unique_ptr<MllpTransport>> MllpTransport::Accept(
    const MllpTlsContext& context, int fd, absl::Time deadline) {
  SSL* ssl = SSL_new(context.get());
  if (ssl == nullptr) return absl::InternalError(TakeSslError());
  auto transport = std::unique_ptr<MllpTransport>(new MllpTransport(fd, ssl));
  SSL_set_fd(ssl, fd);
  SSL_set_accept_state(ssl);
  if (absl::Status s = transport->Handshake(/*server=*/true, deadline);
      !s.ok()) {
    return s;
  }
  X509* peer = SSL_get0_peer_certificate(ssl);
  if (peer == nullptr) {
    return absl::UnauthenticatedError("no client certificate");
  }
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, peer);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  transport->peer_pem_.assign(data, static_cast<size_t>(size));
  BIO_free(bio);
  return transport;
}

absl::StatusOr<std::unique_ptr<MllpTransport>> MllpTransport::Connect(
    const MllpTlsContext& context, int fd, const std::string& host,
    absl::Time deadline) {
  SSL* ssl = SSL_new(context.get());
  if (ssl == nullptr) return absl::InternalError(TakeSslError());
  auto transport = std::unique_ptr<MllpTransport>(new MllpTransport(fd, ssl));
  SSL_set_fd(ssl, fd);
  const std::string& name = context.options().server_name.empty()
                                ? host
                                : context.options().server_name;
  in6_addr ip;
  const bool is_ip = inet_pton(AF_INET, name.c_str(), &ip) == 1 ||
                     inet_pton(AF_INET6, name.c_str(), &ip) == 1;
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  if (is_ip) {
    X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str());
  } else {
    SSL_set_tlsext_host_name(ssl, name.c_str());
    SSL_set1_host(ssl, name.c_str());
  }
  SSL_set_connect_state(ssl);
  if (absl::Status s = transport->Handshake(/*server=*/false, deadline);
      !s.ok()) {
    return s;
  }
  return transport;
}

absl::Status MllpTransport::Handshake(bool server, absl::Time deadline) {
  ERR_clear_error();
  while (true) {
    const int r = SSL_do_handshake(ssl_);
    if (r == 1) return absl::OkStatus();
    const int error = SSL_get_error(ssl_, r);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
      if (absl::Status s =
              Await(fd_, error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT,
                    deadline, "TLS handshake");
          !s.ok()) {
        return s;
      }
      continue;
    }
    const long verify = SSL_get_verify_result(ssl_);
    std::string detail = TakeSslError();
    if (verify != X509_V_OK) {
      detail = X509_verify_cert_error_string(verify);
      return absl::UnauthenticatedError(
          absl::StrCat("TLS handshake refused: ", server ? "client" : "server",
                       " certificate: ", detail));
    }
    return absl::UnauthenticatedError(
        absl::StrCat("TLS handshake failed: ", detail));
  }
}

MllpTransport::~MllpTransport() {
  if (ssl_ != nullptr) {
    // Best effort close_notify; the socket is non-blocking, so this never
    // waits for a peer that has gone.
    SSL_shutdown(ssl_);
    SSL_free(ssl_);
    ERR_clear_error();
  }
}

ssize_t MllpTransport::Read(char* buffer, size_t size) {
  wants_write_ = false;
  if (ssl_ == nullptr) {
    const ssize_t n = ::recv(fd_, buffer, size, 0);
    if (n >= 0) return n;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
      return kWouldBlock;
    }
    return kBroken;
  }
  size_t read = 0;
  const int r = SSL_read_ex(ssl_, buffer, size, &read);
  if (r == 1) return static_cast<ssize_t>(read);
  switch (SSL_get_error(ssl_, r)) {
    case SSL_ERROR_WANT_READ:
      return kWouldBlock;
    case SSL_ERROR_WANT_WRITE:
      wants_write_ = true;
      return kWouldBlock;
    case SSL_ERROR_ZERO_RETURN:
      return 0;
    default:
      ERR_clear_error();
      return kBroken;
  }
}

absl::Status MllpTransport::WriteAll(absl::string_view bytes,
                                     absl::Time deadline) {
  while (!bytes.empty()) {
    short wait_for = POLLOUT;
    if (ssl_ == nullptr) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n > 0) {
        bytes.remove_prefix(static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
        return absl::UnavailableError(
            absl::StrCat("send failed: ", std::strerror(errno)));
      }
    } else {
      size_t written = 0;
      const int r = SSL_write_ex(ssl_, bytes.data(), bytes.size(), &written);
      if (r == 1) {
        bytes.remove_prefix(written);
        continue;
      }
      const int error = SSL_get_error(ssl_, r);
      if (error == SSL_ERROR_WANT_READ) {
        wait_for = POLLIN;
      } else if (error != SSL_ERROR_WANT_WRITE) {
        return absl::UnavailableError(
            absl::StrCat("TLS write failed: ", TakeSslError()));
      }
    }
    if (absl::Status s = Await(fd_, wait_for, deadline, "send"); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

bool MllpTransport::HasBufferedInput() const {
  return ssl_ != nullptr && SSL_pending(ssl_) > 0;
}

}  // namespace nhs::tobacco::hl7v2
