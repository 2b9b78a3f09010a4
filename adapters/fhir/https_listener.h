#ifndef ADAPTERS_FHIR_HTTPS_LISTENER_H_
#define ADAPTERS_FHIR_HTTPS_LISTENER_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "adapters/fhir/capability_statement.h"
#include "adapters/http/router.h"

namespace nhs::tobacco::http {
class Server;
}

namespace nhs::tobacco::fhir {

struct HttpResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/fhir+json";
};

// Called once with the answer; may be called on any thread.
using Respond = std::function<void(HttpResponse)>;

// One POSTed message and who sent it.
struct InboundMessage {
  std::string_view body;
  // PEM of the client certificate the TLS handshake verified (chain to
  // client_ca_path, dates, CRL); empty when the listener does not ask for
  // one. The handler turns it into a principal: this adapter knows nothing
  // of access policy.
  std::string_view peer_certificate_pem;
};

// Handles one POSTed message. Must call `respond` exactly once, possibly
// later and on another thread (e.g. after the store made the change
// durable); must not block.
using MessageHandler = std::function<void(const InboundMessage&, Respond)>;

struct HttpsListenerOptions {
  // host:port; port 0 picks a free one.
  std::string address = "127.0.0.1:8443";
  std::string tls_cert_path;
  std::string tls_key_path;
  // Mutual TLS: when set, a client must present a certificate that chains
  // to this PEM CA bundle, or the handshake fails and no HTTP is spoken.
  std::string client_ca_path;
  // CRLs by issuer hash (<hash>.r0); when set, a revoked client certificate
  // fails the handshake too. Only with client_ca_path.
  std::string crl_directory;
  // Larger bodies (Content-Length or chunked) get 413 with an
  // OperationOutcome as soon as the limit is crossed, and the connection is
  // closed.
  size_t max_body_bytes = 1 << 20;
  // A request header over either limit gets 431.
  size_t max_header_bytes = 16 * 1024;
  size_t max_header_count = 64;
  // A handler that has not answered by then gets 503 (and the sender
  // retries; the pathway deduplicates the retry).
  absl::Duration reply_timeout = absl::Seconds(30);
  // First byte to last of one request; the TLS handshake; a kept-open
  // connection with no request.
  absl::Duration request_deadline = absl::Seconds(30);
  absl::Duration handshake_timeout = absl::Seconds(10);
  absl::Duration idle_timeout = absl::Seconds(60);
  // Open connections in total and per peer (address until the handshake,
  // certificate after).
  int max_connections = 256;
  int max_connections_per_peer = 32;
  // The I/O threads that serve every connection.
  int threads = 4;
  // Bytes a streamed answer (server-sent events) may queue for a client
  // that has not read them; beyond it the client is cut off.
  size_t stream_buffer_bytes = 256 * 1024;
  // PROXY protocol (v1 or v2) from these balancers only.
  bool proxy_protocol = false;
  std::vector<std::string> trusted_proxy_networks;
  // Other protocols on the same listener (issue 13: the JSON API at /v1/,
  // the console at /console/), each with its own error page; the limits
  // above apply to them too.
  std::vector<http::Mount> mounts;
  // What GET /fhir/metadata describes (issue 15).
  CapabilityOptions capability;
};

// The inbound FHIR transport: `POST /fhir/$process-message` over TLS on the
// event-driven HTTP server (adapters/http), body handed to the handler, its
// answer written back when the handler gives it, so the 2xx leaves only
// after the handler says the change is durable. Other paths get 404, other
// methods 405, refused requests 400/413/431, a body that is not FHIR JSON
// (Content-Type other than application/fhir+json or application/json) 415,
// as OperationOutcomes, except under a mount, whose handler and error page
// answer them. `GET /fhir/metadata` answers the CapabilityStatement. Every
// 429 and 503 carries Retry-After (seconds).
// Thread-safe; Stop() (or the destructor) stops accepting, lets answers in
// flight go out and closes every connection.
class HttpsListener {
 public:
  static absl::StatusOr<std::unique_ptr<HttpsListener>> Start(
      const HttpsListenerOptions& options, MessageHandler handler);
  ~HttpsListener();

  int port() const { return port_; }
  void Stop();
  // Certificate and CRL rotation: http::Server::ReloadTls.
  absl::Status ReloadTls();

 private:
  HttpsListener() = default;

  std::unique_ptr<http::Server> server_;
  int port_ = 0;
};

}  // namespace nhs::tobacco::fhir

#endif  // ADAPTERS_FHIR_HTTPS_LISTENER_H_
