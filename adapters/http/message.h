#ifndef ADAPTERS_HTTP_MESSAGE_H_
#define ADAPTERS_HTTP_MESSAGE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace nhs::tobacco::http {

// One complete HTTP/1.1 request as the server read it: plain strings, so
// handlers never see a Beast type (Beast stays in a few .cc files).
struct Request {
  std::string method;  // as sent, e.g. "POST"
  std::string target;  // path and query, e.g. "/fhir/$process-message?x=1"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool keep_alive = true;
  // The peer: its address ("127.0.0.1", or the client's address from a
  // PROXY protocol header) and the PEM of the client certificate the TLS
  // handshake verified (empty when the server does not ask for one).
  std::string peer_address;
  std::string peer_certificate_pem;

  // The path without the query.
  absl::string_view path() const;
  // The first header of that name (case-insensitive), or empty.
  absl::string_view header(absl::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Extra headers (Content-Type, Content-Length and Connection are the
  // server's).
  std::vector<std::pair<std::string, std::string>> headers;
};

}  // namespace nhs::tobacco::http

#endif  // ADAPTERS_HTTP_MESSAGE_H_
