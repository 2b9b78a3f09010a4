#ifndef ADAPTERS_HTTP_REQUEST_PARSER_H_
#define ADAPTERS_HTTP_REQUEST_PARSER_H_

#include <cstddef>
#include <memory>

#include "absl/strings/string_view.h"
#include "adapters/http/message.h"

namespace nhs::tobacco::http {

// What one request may cost before it is refused. Every limit is checked
// as the bytes arrive, so a request over a limit is never held in memory.
struct RequestLimits {
  // Content-Length and the sum of chunk sizes alike; beyond it 413.
  size_t max_body_bytes = 1 << 20;
  // Request line plus header fields (and chunked trailers); beyond it 431.
  size_t max_header_bytes = 16 * 1024;
  // Header fields (and trailers); beyond it 431.
  size_t max_header_count = 64;
};

// Why a request was refused, and the status it is answered with.
enum class ParseError {
  kNone,
  kBadRequest,      // 400: not HTTP/1.x as RFC 9112 says
  kBodyTooLarge,    // 413
  kHeaderTooLarge,  // 431
  kTooManyHeaders,  // 431
};
int HttpStatusOf(ParseError error);

// An incremental HTTP/1.1 request parser (Beast's basic_parser underneath,
// configured with the limits above): feed it the bytes as they arrive;
// it consumes what it can and says when the request is complete or why it
// is refused. One parser per request.
class RequestParser {
 public:
  explicit RequestParser(const RequestLimits& limits);
  ~RequestParser();
  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  struct Step {
    size_t consumed = 0;  // bytes of the input used; keep the rest
    ParseError error = ParseError::kNone;
  };
  // Parses a prefix of `bytes`. consumed == 0 without an error means the
  // parser needs more bytes appended to these before it can go on.
  Step Put(absl::string_view bytes);
  // The peer closed its side: an error unless the request is complete.
  ParseError PutEof();

  bool header_done() const;
  // The request line's path (no query) once it was read, else empty: which
  // error page a refusal gets.
  absl::string_view path() const;
  // The header asks for "100 Continue" before the body is sent.
  bool expects_continue() const;
  bool done() const;
  // The request, once done(); leaves the parser empty.
  Request Take();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nhs::tobacco::http

#endif  // ADAPTERS_HTTP_REQUEST_PARSER_H_
