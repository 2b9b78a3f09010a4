#include "adapters/fhir/https_listener.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "adapters/fhir/operation_outcome.h"
#include "adapters/fhir/uuid.h"
#include "adapters/http/router.h"
#include "adapters/http/server.h"

namespace nhs::tobacco::fhir {
namespace {

constexpr char kPath[] = "/fhir/$process-message";
constexpr char kMetadataPath[] = "/fhir/metadata";

// Seconds a sender should wait before resending after a 429 (its rate is
// over the limit: the bucket refills within a second) or a 503 (the
// gateway is busy, stopping or the store is slow).
void AddRetryAfter(http::Response& response) {
  if (response.status == 429) {
    response.headers.emplace_back("Retry-After", "1");
  } else if (response.status == 503) {
    response.headers.emplace_back("Retry-After", "2");
  }
}

// FHIR JSON only (application/fhir+json, or application/json as R4's
// http page allows), parameters such as charset ignored.
bool IsFhirJson(const http::Request& request) {
  for (const auto& [name, value] : request.headers) {
    if (!absl::EqualsIgnoreCase(name, "Content-Type")) continue;
    absl::string_view type = value;
    type = type.substr(0, type.find(';'));
    type = absl::StripAsciiWhitespace(type);
    return absl::EqualsIgnoreCase(type, "application/fhir+json") ||
           absl::EqualsIgnoreCase(type, "application/json");
  }
  return false;
}

// Every answer the server or router makes itself is an OperationOutcome,
// with the status code FHIR senders expect for it.
http::Response OutcomePage(int status, const std::string& why) {
  absl::Status reason;
  switch (status) {
    case 404:
      reason = absl::NotFoundError(
          absl::StrCat("no such endpoint; POST messages to ", kPath));
      break;
    case 405:
      reason = absl::UnimplementedError(
          absl::StrCat(why, "; POST messages to ", kPath));
      break;
    case 413:
    case 431:
      reason = absl::ResourceExhaustedError(why);
      break;
    case 503:
      reason = absl::UnavailableError(
          "the message was not processed in time; resend it with the same "
          "Bundle id");
      break;
    case 415:
      reason = absl::InvalidArgumentError(why);
      break;
    default:
      reason = absl::InvalidArgumentError(why);
  }
  http::Response response;
  response.status = status;
  response.content_type = "application/fhir+json";
  response.body = BuildOperationOutcome(reason, RandomUuid()).dump();
  AddRetryAfter(response);
  return response;
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpsListener>> HttpsListener::Start(
    const HttpsListenerOptions& options, MessageHandler handler) {
  if (!options.crl_directory.empty() && options.client_ca_path.empty()) {
    return absl::InvalidArgumentError(
        "fhir.crl_directory needs fhir.client_ca_file");
  }
  http::ServerOptions server;
  server.name = "fhir";
  server.address = options.address;
  server.tls_cert_path = options.tls_cert_path;
  server.tls_key_path = options.tls_key_path;
  server.client_ca_path = options.client_ca_path;
  server.crl_directory = options.crl_directory;
  server.request_limits.max_body_bytes = options.max_body_bytes;
  server.request_limits.max_header_bytes = options.max_header_bytes;
  server.request_limits.max_header_count = options.max_header_count;
  server.request_deadline = options.request_deadline;
  server.handshake_timeout = options.handshake_timeout;
  server.idle_timeout = options.idle_timeout;
  server.reply_timeout = options.reply_timeout;
  server.max_connections = options.max_connections;
  server.max_connections_per_peer = options.max_connections_per_peer;
  server.threads = options.threads;
  server.stream_buffer_bytes = options.stream_buffer_bytes;
  server.proxy_protocol = options.proxy_protocol;
  server.trusted_proxy_networks = options.trusted_proxy_networks;
  server.error_page = OutcomePage;

  auto router = std::make_shared<http::Router>(OutcomePage);
  for (const http::Mount& mount : options.mounts) router->AddMount(mount);
  server.path_error_page = [router](absl::string_view path, int status,
                                    const std::string& why) {
    return router->ErrorPageFor(path, status, why);
  };
  // The body and certificate stay alive until the answer is given: the
  // handler may read them until then, as it always could.
  router->Add("GET", kMetadataPath,
              [statement = BuildCapabilityStatement(options.capability).dump()](
                  http::Request, http::Responder responder) {
                http::Response response;
                response.status = 200;
                response.content_type = "application/fhir+json";
                response.body = statement;
                responder.Send(std::move(response));
              });
  router->Add("POST", kPath,
              [handler = std::move(handler)](http::Request request,
                                             http::Responder responder) {
                if (!IsFhirJson(request)) {
                  responder.Send(OutcomePage(
                      415,
                      "the body must be FHIR JSON: send Content-Type "
                      "application/fhir+json"));
                  return;
                }
                auto held = std::make_shared<http::Request>(std::move(request));
                handler(InboundMessage{held->body, held->peer_certificate_pem},
                        [responder, held](HttpResponse answer) {
                          http::Response response;
                          response.status = answer.status;
                          response.content_type =
                              std::move(answer.content_type);
                          response.body = std::move(answer.body);
                          AddRetryAfter(response);
                          responder.Send(std::move(response));
                        });
              });
  auto started = http::Server::Start(
      server, [router](http::Request request, http::Responder responder) {
        router->Dispatch(std::move(request), std::move(responder));
      });
  if (!started.ok()) return started.status();
  auto listener = std::unique_ptr<HttpsListener>(new HttpsListener());
  listener->server_ = *std::move(started);
  listener->port_ = listener->server_->port();
  return listener;
}

absl::Status HttpsListener::ReloadTls() {
  if (server_ == nullptr) {
    return absl::FailedPreconditionError("fhir: the listener has stopped");
  }
  return server_->ReloadTls();
}

void HttpsListener::Stop() {
  if (server_ == nullptr) return;
  server_->Stop();
  server_.reset();
}

HttpsListener::~HttpsListener() { Stop(); }

}  // namespace nhs::tobacco::fhir
