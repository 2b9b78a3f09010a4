#ifndef ADAPTERS_HTTP_SERVER_H_
#define ADAPTERS_HTTP_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "adapters/http/request_parser.h"
#include "adapters/http/responder.h"

namespace nhs::tobacco::http {

struct ServerOptions {
  // For error messages and logs, e.g. "fhir".
  std::string name = "http";
  // host:port; port 0 picks a free one.
  std::string address = "127.0.0.1:8443";
  // The server's PEM certificate chain and key (required unless plaintext).
  std::string tls_cert_path;
  std::string tls_key_path;
  // Mutual TLS: when set, a client must present a certificate that chains
  // to this PEM CA bundle, or the handshake fails and no HTTP is spoken.
  std::string client_ca_path;
  // CRLs by issuer hash (<hash>.r0); a revoked client certificate fails
  // the handshake. Only with client_ca_path.
  std::string crl_directory;
  // HTTP without TLS: refused unless `address` is a loopback address
  // (127.0.0.0/8, ::1, localhost), so only processes on this machine can
  // reach it (the admin endpoint's /metrics and probes). Every other
  // listener speaks TLS.
  bool plaintext = false;

  RequestLimits request_limits;
  // From the first byte of a request to its last (a deadline, not a
  // per-read timeout); then 408 and the connection is closed.
  absl::Duration request_deadline = absl::Seconds(30);
  // From accept to the end of the TLS handshake (PROXY header included).
  absl::Duration handshake_timeout = absl::Seconds(10);
  // A kept-open connection with no request in progress is closed after it.
  absl::Duration idle_timeout = absl::Seconds(60);
  // A handler that has not answered by then: 503.
  absl::Duration reply_timeout = absl::Seconds(30);
  // Open connections in total and per peer (its address until the
  // handshake, its certificate after); beyond them a new connection is
  // closed at once.
  int max_connections = 256;
  int max_connections_per_peer = 32;
  // The I/O threads (every connection is served by them; never a thread
  // per connection).
  int threads = 2;
  // A streamed answer (Responder::StartStream) may queue this many bytes
  // not yet written to its socket; a client that reads slower than its
  // stream is produced is cut off there. A stream whose write stalls for
  // request_deadline is cut off too.
  size_t stream_buffer_bytes = 256 * 1024;
  // A load balancer in front sends a PROXY protocol header (v1 or v2)
  // first; only connections from these CIDR blocks may (and must) send
  // one.
  bool proxy_protocol = false;
  std::vector<std::string> trusted_proxy_networks;

  ErrorPage error_page = PlainErrorPage;
  // When set, chooses the error page by the request's path (empty when it
  // was not read): one listener serving several protocols (router.h mounts)
  // answers each in its own format. Otherwise error_page.
  std::function<Response(absl::string_view path, int status,
                         const std::string& why)>
      path_error_page;
};

// HTTP/1.1 over TLS (or plaintext on loopback) on Boost.Asio and Beast: a few
// I/O threads serve every connection; each request is read under the limits
// above and handed to the handler with its peer; keep-alive between requests;
// streamed answers (chunked, bounded per stream). Thread-safe; Stop() (or the
// destructor) stops accepting, lets answers in flight go out (up to
// reply_timeout), ends every stream, closes every connection and joins the
// threads.
class Server {
 public:
  static absl::StatusOr<std::unique_ptr<Server>> Start(
      const ServerOptions& options, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int port() const;
  void Stop();

  // Loads the certificate, key, client CA and CRL folder again from their
  // files into a new context, under the same TLS policy, and gives it to
  // connections accepted from now on; open connections keep theirs. When
  // a file cannot be used, FailedPrecondition naming it, and the previous
  // context stays in use.
  absl::Status ReloadTls();

  class Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace nhs::tobacco::http

#endif  // ADAPTERS_HTTP_SERVER_H_
