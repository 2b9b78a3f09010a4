#include "adapters/fhir/https_client.h"

#include <httplib.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "adapters/net/tls_policy.h"

namespace nhs::tobacco::fhir {

absl::StatusOr<HttpResponse> PostMessage(absl::string_view url,
                                         absl::string_view bundle_json,
                                         const HttpsClientOptions& options) {
  constexpr absl::string_view kScheme = "https://";
  if (!absl::StartsWith(url, kScheme)) {
    return absl::InvalidArgumentError(
        absl::StrCat("endpoint must be an https:// URL: ", url));
  }
  const absl::string_view rest = url.substr(kScheme.size());
  const size_t slash = rest.find('/');
  const std::string host_port(rest.substr(0, slash));
  const std::string path =
      slash == absl::string_view::npos ? "/" : std::string(rest.substr(slash));
  std::string host = host_port;
  int port = 443;
  if (const size_t colon = host_port.rfind(':'); colon != std::string::npos) {
    host = host_port.substr(0, colon);
    if (!absl::SimpleAtoi(host_port.substr(colon + 1), &port)) {
      return absl::InvalidArgumentError(
          absl::StrCat("endpoint has a bad port: ", url));
    }
  }
  if (options.client_cert_path.empty() != options.client_key_path.empty()) {
    return absl::InvalidArgumentError(
        "client_cert_path and client_key_path go together");
  }
  httplib::SSLClient client(host, port, options.client_cert_path,
                            options.client_key_path);
  if (!client.is_valid()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot load the client certificate ", options.client_cert_path,
        " and key ", options.client_key_path));
  }
  if (!options.ca_cert_path.empty()) {
    client.set_ca_cert_path(options.ca_cert_path.c_str());
  }
  client.enable_server_certificate_verification(true);
  if (absl::Status policy = net::ApplyTlsPolicy(client.ssl_context());
      !policy.ok()) {
    return policy;
  }
  const auto usec = [](absl::Duration d) {
    return std::chrono::microseconds(absl::ToInt64Microseconds(d));
  };
  client.set_connection_timeout(usec(options.connect_timeout));
  client.set_read_timeout(usec(options.io_timeout));
  client.set_write_timeout(usec(options.io_timeout));
  const absl::Time start = absl::Now();
  auto result = client.Post(path.c_str(), bundle_json.data(),
                            bundle_json.size(), "application/fhir+json");
  if (!result) {
    const httplib::Error error = result.error();
    const std::string what = httplib::to_string(error);
    // httplib reports a refused TLS 1.3 client certificate (an alert read
    // after the handshake) as a read error too: only one that took the
    // whole I/O timeout is a timeout.
    // Likewise a receiver that accepts the connection but never completes
    // the TLS handshake shows as an SSL connection error once the connect
    // timeout has passed.
    const absl::Duration elapsed = absl::Now() - start;
    const bool timed_out =
        error == httplib::Error::ConnectionTimeout ||
        (error == httplib::Error::SSLConnection &&
         elapsed >= options.connect_timeout) ||
        ((error == httplib::Error::Read || error == httplib::Error::Write) &&
         elapsed >= options.io_timeout);
    if (timed_out) {
      return absl::DeadlineExceededError(
          absl::StrCat("POST ", url, ": ", what));
    }
    return absl::UnavailableError(absl::StrCat("POST ", url, ": ", what));
  }
  HttpResponse response;
  response.status = result->status;
  response.body = result->body;
  response.content_type = result->get_header_value("Content-Type");
  return response;
}

}  // namespace nhs::tobacco::fhir
