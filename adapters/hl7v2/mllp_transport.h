#ifndef ADAPTERS_HL7V2_MLLP_TRANSPORT_H_
#define ADAPTERS_HL7V2_MLLP_TRANSPORT_H_

#include <sys/types.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

namespace nhs::tobacco::hl7v2 {

// PEM files for MLLP over TLS. Plain strings so this folder needs no
// gateway config types; the server maps its TlsConfig onto it.
struct MllpTlsOptions {
  // This end's certificate chain and private key. A listener must have
  // them; a client presents them when set (mutual TLS).
  std::string cert_file;
  std::string key_file;
  // Listener: the CA that signs the client certificates it accepts (a
  // client certificate is then required). Client: the CA that signs the
  // receiver's certificate (always verified).
  std::string ca_file;
  // Folder of CRLs named by issuer hash (<hash>.r0, as c_rehash lays them
  // out). Empty disables revocation checks.
  std::string crl_directory;
  // Client only: the DNS name or IP address the receiver's certificate
  // must carry; empty means the host part of the address.
  std::string server_name;
};

// An OpenSSL context built once from MllpTlsOptions and shared by every
// connection, under the one TLS policy (adapters/net/tls_policy.h).
// FailedPrecondition naming the file that could not be used.
class MllpTlsContext {
 public:
  // Requires and verifies a client certificate (chain, dates and, when a
  // CRL folder is given, revocation) during the handshake.
  static absl::StatusOr<std::shared_ptr<MllpTlsContext>> ForListener(
      const MllpTlsOptions& options);
  // Verifies the receiver's chain and name; presents cert_file if set.
  static absl::StatusOr<std::shared_ptr<MllpTlsContext>> ForClient(
      const MllpTlsOptions& options);
  ~MllpTlsContext();
  MllpTlsContext(const MllpTlsContext&) = delete;
  MllpTlsContext& operator=(const MllpTlsContext&) = delete;

  SSL_CTX* get() const { return ctx_; }
  // The same context for Boost.Asio's SSL streams (the listener's).
  boost::asio::ssl::context& asio() const { return *asio_; }
  const MllpTlsOptions& options() const { return options_; }

 private:
  MllpTlsContext(SSL_CTX* ctx, MllpTlsOptions options);
  SSL_CTX* ctx_;
  std::unique_ptr<boost::asio::ssl::context> asio_;  // holds its own ref
  const MllpTlsOptions options_;
};

// One connected, non-blocking socket, in plaintext or TLS, with the few
// operations the MLLP listener and client need. Does not own the fd (the
// caller closes it after destroying this). Thread-compatible.
//
// Why one class and not an interface: there are exactly two modes and the
// TLS one differs only in which call moves the bytes; a branch keeps the
// hot path free of virtual calls and both modes visible in one place.
class MllpTransport {
 public:
  // Read() result when nothing can be read now: poll for wants_write() ?
  // POLLOUT : POLLIN and try again.
  static constexpr ssize_t kWouldBlock = -1;
  // Read() result on a broken connection (reset, TLS alert).
  static constexpr ssize_t kBroken = -2;

  static std::unique_ptr<MllpTransport> Plain(int fd);
  // Runs the server side of the handshake until `deadline`.
  // Unauthenticated naming why the peer was refused (no certificate,
  // unknown CA, expired, revoked); Unavailable/DeadlineExceeded otherwise.
  static absl::StatusOr<std::unique_ptr<MllpTransport>> Accept(
      const MllpTlsContext& context, int fd, absl::Time deadline);
  // Runs the client side, verifying the receiver's certificate names `host`
  // (context options' server_name wins when set).
  static absl::StatusOr<std::unique_ptr<MllpTransport>> Connect(
      const MllpTlsContext& context, int fd, const std::string& host,
      absl::Time deadline);
  ~MllpTransport();

  // Bytes read (> 0), 0 when the peer closed, or kWouldBlock / kBroken.
  ssize_t Read(char* buffer, size_t size);
  // Writes everything or fails (Unavailable; DeadlineExceeded when the peer
  // stops reading until `deadline`).
  absl::Status WriteAll(absl::string_view bytes, absl::Time deadline);
  // TLS may hold decrypted bytes the socket no longer signals: read them
  // before polling.
  bool HasBufferedInput() const;
  // After kWouldBlock: TLS needs the socket writable to make progress.
  bool wants_write() const { return wants_write_; }
  // The verified client certificate (PEM); empty in plaintext.
  const std::string& peer_certificate_pem() const { return peer_pem_; }
  bool tls() const { return ssl_ != nullptr; }
  int fd() const { return fd_; }

 private:
  MllpTransport(int fd, SSL* ssl) : fd_(fd), ssl_(ssl) {}
  absl::Status Handshake(bool server, absl::Time deadline);

  const int fd_;
  SSL* ssl_;
  bool wants_write_ = false;
  std::string peer_pem_;
};

}  // namespace nhs::tobacco::hl7v2

#endif  // ADAPTERS_HL7V2_MLLP_TRANSPORT_H_
