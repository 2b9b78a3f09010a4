// Feeds untrusted bytes to the HTTP request parser the way the server does
// (adapters/http/server.cc): in fuzzer-chosen pieces, unparsed bytes kept
// and extended, a fresh parser for each pipelined request, the read buffer
// capped at the header limit plus one read. Twice: with the production
// defaults and with small limits the fuzzer can cross. Properties: no
// crash or sanitizer report, no request with a body or a header count over
// its limit, the unparsed remainder never past the cap, and a refusal is
// final.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "adapters/http/request_parser.h"

namespace nhs::tobacco::http {
namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "property violated: %s\n", what);
    std::abort();
  }
}

void Run(absl::string_view stream, size_t piece, const RequestLimits& limits) {
  std::optional<RequestParser> parser(limits);
  std::string pending;
  for (size_t pos = 0; pos < stream.size(); pos += piece) {
    const absl::string_view next = stream.substr(pos, piece);
    pending.append(next.data(), next.size());
    while (true) {
      const RequestParser::Step step = parser->Put(pending);
      Check(step.consumed <= pending.size(), "consumed what it was given");
      pending.erase(0, step.consumed);
      if (step.error != ParseError::kNone) {
        const int status = HttpStatusOf(step.error);
        Check(status == 400 || status == 413 || status == 431,
              "refusals are 400, 413 or 431");
        return;  // the server answers and closes
      }
      if (!parser->done()) break;
      Request request = parser->Take();
      Check(request.body.size() <= limits.max_body_bytes, "body within limit");
      Check(request.headers.size() <= limits.max_header_count,
            "header count within limit");
      Check(!request.method.empty(), "a request has a method");
      parser.emplace(limits);  // the next request on the connection
      if (pending.empty()) break;
    }
    if (pending.size() > limits.max_header_bytes) {
      // The server's read buffer is full: it refuses the request.
      return;
    }
  }
  (void)parser->PutEof();
}

}  // namespace
}  // namespace nhs::tobacco::http

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using nhs::tobacco::http::RequestLimits;
  if (size == 0) return 0;
  const size_t piece = 1 + data[0] % 64;
  const absl::string_view stream(reinterpret_cast<const char*>(data) + 1,
                                 size - 1);
  nhs::tobacco::http::Run(stream, piece, RequestLimits{});
  RequestLimits small;
  small.max_body_bytes = 256;
  small.max_header_bytes = 512;
  small.max_header_count = 8;
  nhs::tobacco::http::Run(stream, piece, small);
  nhs::tobacco::http::Run(stream, stream.size() + 1, small);
  return 0;
}
