#ifndef GATEWAY_SERVER_ADMIN_ENDPOINT_H_
#define GATEWAY_SERVER_ADMIN_ENDPOINT_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "gateway/server/readiness.h"
#include "nhs/tobacco/v1/config.pb.h"

namespace nhs::tobacco::http {
class Router;
class Server;
}  // namespace nhs::tobacco::http

namespace nhs::tobacco::server {

// The admin listener (issue 15; README "Admin endpoint"): its own HTTP
// server on the event-driven stack (adapters/http), apart from the data
// listeners so a probe or a scrape never queues behind patient traffic.
//   GET /healthz  200 {"status":"alive"} while the process serves HTTP
//   GET /readyz   200 when Readiness says so, else 503; JSON naming checks
//   GET /metrics  the Prometheus text exposition `metrics` renders
// On a loopback address it may speak plaintext (only this machine reaches
// it); anywhere else config validation requires admin.tls, and then a
// client must present a certificate from the client CA whose role is
// admin (403 otherwise). `readiness` and `metrics` outlive it.
class AdminEndpoint {
 public:
  using MetricsText = std::function<std::string()>;
  static absl::StatusOr<std::unique_ptr<AdminEndpoint>> Start(
      const v1::AdminListenerConfig& config, const Readiness& readiness,
      MetricsText metrics);
  ~AdminEndpoint();

  int port() const;
  // A TLS admin listener's certificate, key, CA and CRLs from their files
  // (README "Certificate and CRL rotation"); OK and nothing for plaintext.
  absl::Status ReloadTls();

 private:
  AdminEndpoint() = default;
  std::unique_ptr<http::Router> router_;
  std::unique_ptr<http::Server> server_;
};

// Whether a config address ("127.0.0.1:9464", "[::1]:9464",
// "localhost:9464") names a loopback host.
bool IsLoopbackAddress(const std::string& address);

}  // namespace nhs::tobacco::server

#endif  // GATEWAY_SERVER_ADMIN_ENDPOINT_H_
