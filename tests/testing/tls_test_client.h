#ifndef TESTS_TESTING_TLS_TEST_CLIENT_H_
#define TESTS_TESTING_TLS_TEST_CLIENT_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/clock.h"

namespace nhs::tobacco::testing {

// What a test's TLS client offers, so tests can play a client the policy
// must refuse (TLS 1.2 with RSA key exchange or CBC suites only).
struct TlsTestClientOptions {
  // OpenSSL cipher list for TLS 1.2 and below.
  std::string tls12_ciphers = "ECDHE-RSA-AES128-GCM-SHA256";
  bool tls12_only = true;
  // Client certificate and key (PEM files); empty presents none.
  std::string cert_file;
  std::string key_file;
  // Local address to connect from (any of 127.0.0.0/8); empty: the OS's.
  std::string source;
  // Bytes sent in the clear before the handshake (a PROXY protocol header).
  std::string preamble;
};

// A blocking TLS connection to 127.0.0.1:port that does not verify the
// server (the tests are about what the server accepts).
class TlsTestConnection {
 public:
  // The connection once its handshake completed; null with *error set
  // (OpenSSL's reason) otherwise.
  static std::unique_ptr<TlsTestConnection> Connect(
      int port, const TlsTestClientOptions& options, std::string* error) {
    // Writing to a connection the server closed must fail, not kill the
    // test (and leave its gateway running).
    ::signal(SIGPIPE, SIG_IGN);
    auto c = std::unique_ptr<TlsTestConnection>(new TlsTestConnection());
    c->ctx_ = SSL_CTX_new(TLS_client_method());
    if (options.tls12_only) {
      SSL_CTX_set_max_proto_version(c->ctx_, TLS1_2_VERSION);
    }
    if (SSL_CTX_set_cipher_list(c->ctx_, options.tls12_ciphers.c_str()) != 1) {
      *error = "client cipher list refused by OpenSSL";
      return nullptr;
    }
    // gRPC wants HTTP/2 named; the other listeners ignore it.
    static const unsigned char kAlpn[] = {2, 'h', '2'};
    SSL_CTX_set_alpn_protos(c->ctx_, kAlpn, sizeof(kAlpn));
    if (!options.cert_file.empty() &&
        (SSL_CTX_use_certificate_chain_file(c->ctx_,
                                            options.cert_file.c_str()) != 1 ||
         SSL_CTX_use_PrivateKey_file(c->ctx_, options.key_file.c_str(),
                                     SSL_FILETYPE_PEM) != 1)) {
      *error = "cannot load the client certificate";
      return nullptr;
    }
    c->fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (!options.source.empty()) {
      sockaddr_in local{};
      local.sin_family = AF_INET;
      inet_pton(AF_INET, options.source.c_str(), &local.sin_addr);
      if (::bind(c->fd_, reinterpret_cast<sockaddr*>(&local), sizeof(local)) !=
          0) {
        *error = "cannot bind the source address";
        return nullptr;
      }
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(c->fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) !=
        0) {
      *error = "connect failed";
      return nullptr;
    }
    if (!options.preamble.empty() &&
        ::send(c->fd_, options.preamble.data(), options.preamble.size(),
               MSG_NOSIGNAL) != static_cast<ssize_t>(options.preamble.size())) {
      *error = "cannot send the preamble";
      return nullptr;
    }
    timeval timeout{10, 0};
    ::setsockopt(c->fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    c->ssl_ = SSL_new(c->ctx_);
    SSL_set_fd(c->ssl_, c->fd_);
    if (SSL_connect(c->ssl_) != 1) {
      const unsigned long code = ERR_get_error();
      char text[256] = "handshake failed";
      if (code != 0) ERR_error_string_n(code, text, sizeof(text));
      ERR_clear_error();
      *error = text;
      return nullptr;
    }
    return c;
  }

  ~TlsTestConnection() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    if (fd_ >= 0) ::close(fd_);
    if (ctx_ != nullptr) SSL_CTX_free(ctx_);
  }

  // The TLS 1.2 suite agreed on.
  std::string cipher() const { return SSL_get_cipher_name(ssl_); }

  bool Write(absl::string_view bytes) {
    size_t written = 0;
    return SSL_write_ex(ssl_, bytes.data(), bytes.size(), &written) == 1 &&
           written == bytes.size();
  }

  // Bytes until `count` arrived, the peer closed or 10 s passed.
  std::string Read(size_t count) {
    std::string out;
    char buffer[4096];
    while (out.size() < count) {
      size_t n = 0;
      if (SSL_read_ex(ssl_, buffer, sizeof(buffer), &n) != 1) break;
      out.append(buffer, n);
    }
    ERR_clear_error();
    return out;
  }

  // True when the server closed (or reset) the connection within `limit`.
  bool ClosedWithin(absl::Duration limit) {
    const absl::Time deadline = absl::Now() + limit;
    while (absl::Now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char buffer[256];
      size_t n = 0;
      const int r = SSL_read_ex(ssl_, buffer, sizeof(buffer), &n);
      if (r != 1) {
        const int e = SSL_get_error(ssl_, r);
        ERR_clear_error();
        if (e != SSL_ERROR_WANT_READ) return true;
      }
    }
    return false;
  }

 private:
  TlsTestConnection() = default;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  int fd_ = -1;
};

}  // namespace nhs::tobacco::testing

#endif  // TESTS_TESTING_TLS_TEST_CLIENT_H_
