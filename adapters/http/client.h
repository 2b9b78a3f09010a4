#ifndef ADAPTERS_HTTP_CLIENT_H_
#define ADAPTERS_HTTP_CLIENT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "adapters/http/message.h"

namespace nhs::tobacco::http {

struct ClientOptions {
  // TCP connect, and then the TLS handshake, each within this.
  absl::Duration connect_timeout = absl::Seconds(5);
  // Writing the request, and then reading the answer, each within this: a
  // receiver that stops answering is abandoned after this long.
  absl::Duration io_timeout = absl::Seconds(30);
  // PEM bundle to trust for the receiver's certificate; empty = the system
  // store.
  std::string ca_cert_path;
  // Our certificate and key (PEM), presented when the receiver asks for
  // one. Both or neither.
  std::string client_cert_path;
  std::string client_key_path;
  // A longer answer is abandoned (UNAVAILABLE) rather than held.
  size_t max_response_bytes = 8 << 20;
};

// One POST over a fresh TLS connection (https://host[:port]/path) under the
// one TLS policy; the receiver's certificate is always verified, host name
// or IP address included. Returns the answer whatever its status.
// INVALID_ARGUMENT for a URL that is not https; FAILED_PRECONDITION when
// our certificate cannot be loaded; DEADLINE_EXCEEDED when a timeout above
// passed; UNAVAILABLE otherwise (refused, reset, certificate not trusted:
// "SSLServerVerification"). Thread-safe.
absl::StatusOr<Response> PostOverTls(absl::string_view url,
                                     absl::string_view content_type,
                                     absl::string_view body,
                                     const ClientOptions& options);

}  // namespace nhs::tobacco::http

#endif  // ADAPTERS_HTTP_CLIENT_H_
