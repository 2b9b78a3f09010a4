#ifndef ADAPTERS_FHIR_HTTPS_CLIENT_H_
#define ADAPTERS_FHIR_HTTPS_CLIENT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "adapters/fhir/https_listener.h"

namespace nhs::tobacco::fhir {

struct HttpsClientOptions {
  // TCP connect, then the TLS handshake, each within this.
  absl::Duration connect_timeout = absl::Seconds(5);
  // Sending the message, then reading the whole answer, each within this:
  // a receiver that stops answering is abandoned after this long.
  absl::Duration io_timeout = absl::Seconds(30);
  // PEM bundle to trust for the receiver's certificate; empty = the system
  // store.
  std::string ca_cert_path;
  // The gateway's own certificate and key (PEM), presented when the
  // receiver asks for one: GP and pharmacy endpoints use mutual TLS too.
  // Both or neither.
  std::string client_cert_path;
  std::string client_key_path;
};

// Posts a FHIR message Bundle to an organisation's $process-message endpoint
// (https://host[:port]/path) and returns the HTTP answer, whatever its
// status: deciding what a 4xx means is the caller's (the outbox, issue 5).
// UNAVAILABLE when the endpoint cannot be reached, DEADLINE_EXCEEDED on a
// timeout, INVALID_ARGUMENT for a URL that is not https, FAILED_PRECONDITION
// when the client certificate cannot be loaded. The receiver's certificate
// is always verified, host name included. One call per connection;
// thread-safe. (adapters/http/client.h does the HTTP.)
absl::StatusOr<HttpResponse> PostMessage(absl::string_view url,
                                         absl::string_view bundle_json,
                                         const HttpsClientOptions& options);

}  // namespace nhs::tobacco::fhir

#endif  // ADAPTERS_FHIR_HTTPS_CLIENT_H_
