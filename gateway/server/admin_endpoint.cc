#include "gateway/server/admin_endpoint.h"

#include <arpa/inet.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "adapters/http/router.h"
#include "adapters/http/server.h"
#include "gateway/security/principal.h"
#include "nlohmann/json.hpp"

namespace nhs::tobacco::server {
namespace {

http::Response Json(int status, std::string body) {
  http::Response response;
  response.status = status;
  response.content_type = "application/json";
  response.body = std::move(body);
  // Probes and scrapes must see the state now, never a cached answer.
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

http::Response JsonErrorPage(int status, const std::string& why) {
  return Json(status, nlohmann::json{{"error", why}}.dump());
}

// With TLS every request must come from an admin certificate; on a
// plaintext loopback listener there is no certificate to ask for.
bool Allowed(bool tls, const http::Request& request) {
  if (!tls) return true;
  absl::StatusOr<security::Principal> principal =
      security::PrincipalFromCertificatePem(request.peer_certificate_pem);
  return principal.ok() && principal->role == security::Role::kAdmin;
}

}  // namespace

bool IsLoopbackAddress(const std::string& address) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) return false;
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 &&
         IN6_IS_ADDR_LOOPBACK(&v6);
}

absl::StatusOr<std::unique_ptr<AdminEndpoint>> AdminEndpoint::Start(
    const v1::AdminListenerConfig& config, const Readiness& readiness,
    MetricsText metrics) {
  auto endpoint = std::unique_ptr<AdminEndpoint>(new AdminEndpoint());
  const bool tls = config.has_tls();
  http::ServerOptions options;
  options.name = "admin";
  options.address = config.address();
  options.plaintext = !tls;
  if (tls) {
    options.tls_cert_path = config.tls().cert_file();
    options.tls_key_path = config.tls().key_file();
    options.client_ca_path = config.tls().client_ca_file();
    options.crl_directory = config.tls().crl_directory();
  }
  // A scraper and a few probes: small limits, one I/O thread.
  options.threads = 1;
  options.max_connections = 32;
  options.max_connections_per_peer = 16;
  options.request_limits.max_body_bytes = 0;
  options.reply_timeout = absl::Seconds(10);
  options.error_page = JsonErrorPage;

  endpoint->router_ = std::make_unique<http::Router>(JsonErrorPage);
  http::Router& router = *endpoint->router_;
  auto guarded = [tls](http::Handler handler) {
    return [tls, handler = std::move(handler)](http::Request request,
                                               http::Responder responder) {
      if (!Allowed(tls, request)) {
        responder.Send(JsonErrorPage(
            403, "the admin endpoint needs a certificate with the admin role"));
        return;
      }
      handler(std::move(request), std::move(responder));
    };
  };
  router.Add("GET", "/healthz",
             guarded([](http::Request, http::Responder responder) {
               responder.Send(Json(200, R"({"status":"alive"})"));
             }));
  const Readiness* ready = &readiness;
  router.Add("GET", "/readyz",
             guarded([ready](http::Request, http::Responder responder) {
               const ReadinessReport report = ready->Check();
               responder.Send(Json(report.ready() ? 200 : 503, report.Json()));
             }));
  router.Add("GET", "/metrics",
             guarded([metrics = std::move(metrics)](http::Request,
                                                    http::Responder responder) {
               http::Response response;
               response.content_type =
                   "text/plain; version=0.0.4; charset=utf-8";
               response.body = metrics();
               response.headers.emplace_back("Cache-Control", "no-store");
               responder.Send(std::move(response));
             }));
  const http::Router* dispatch = endpoint->router_.get();
  auto server = http::Server::Start(
      options, [dispatch](http::Request request, http::Responder responder) {
        dispatch->Dispatch(std::move(request), std::move(responder));
      });
  if (!server.ok()) return server.status();
  endpoint->server_ = *std::move(server);
  return endpoint;
}

AdminEndpoint::~AdminEndpoint() {
  // The server first: its handlers use the router.
  server_.reset();
}

int AdminEndpoint::port() const { return server_->port(); }

absl::Status AdminEndpoint::ReloadTls() { return server_->ReloadTls(); }

}  // namespace nhs::tobacco::server
