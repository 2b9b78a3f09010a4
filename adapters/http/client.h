#ifndef ADAPTERS_HTTP_CLIENT_H_
#define ADAPTERS_HTTP_CLIENT_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
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

// One request for SendOverTls.
struct ClientRequest {
  std::string method;  // GET, POST, PUT, ... (upper case)
  std::string url;     // https://host[:port]/path?query
  // Sent as given, in order (Host, Content-Length and Connection are the
  // client's). A name or value with CR or LF is refused: INVALID_ARGUMENT.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// One request over a fresh TLS connection (closed after the answer) under
// the one TLS policy; the receiver's certificate is always verified, host
// name or IP address included. Returns the answer whatever its status, its
// headers' names lower-cased in Response::headers and its Content-Type in
// Response::content_type. Errors as PostOverTls. Thread-safe.
absl::StatusOr<Response> SendOverTls(const ClientRequest& request,
                                     const ClientOptions& options);

// True when SendOverTls failed before any byte of the request left (no TCP
// connection, or the TLS handshake failed): the receiver cannot have acted
// on it, so even a non-idempotent request may be sent again.
bool RequestNeverSent(const absl::Status& status);

// One POST over a fresh TLS connection (https://host[:port]/path) under the
// one TLS policy; the receiver's certificate is always verified, host name
// or IP address included. Returns the answer whatever its status.
// INVALID_ARGUMENT for a URL that is not https; FAILED_PRECONDITION when
// our certificate cannot be loaded; DEADLINE_EXCEEDED when a timeout above
// passed; UNAVAILABLE otherwise (refused, reset, certificate not trusted:
// "SSLServerVerification"). Thread-safe. SendOverTls with a Content-Type.
absl::StatusOr<Response> PostOverTls(absl::string_view url,
                                     absl::string_view content_type,
                                     absl::string_view body,
                                     const ClientOptions& options);

}  // namespace nhs::tobacco::http

#endif  // ADAPTERS_HTTP_CLIENT_H_
