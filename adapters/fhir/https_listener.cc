#include "adapters/fhir/https_listener.h"

#include <httplib.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "adapters/fhir/operation_outcome.h"
#include "adapters/fhir/uuid.h"

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
  listener->server_ = std::make_unique<httplib::SSLServer>(
      options.tls_cert_path.c_str(), options.tls_key_path.c_str());
  if (!listener->server_->is_valid()) {
    return absl::FailedPreconditionError(
        absl::StrCat("fhir: cannot load the TLS certificate ",
                     options.tls_cert_path, " and key ", options.tls_key_path));
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
    handler(req.body, [pending](HttpResponse response) {
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
