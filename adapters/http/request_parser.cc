#include "adapters/http/request_parser.h"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <utility>

#include "absl/strings/match.h"

namespace nhs::tobacco::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using beast::error_code;

int HttpStatusOf(ParseError error) {
  switch (error) {
    case ParseError::kNone:
      return 200;
    case ParseError::kBadRequest:
      return 400;
    case ParseError::kBodyTooLarge:
      return 413;
    case ParseError::kHeaderTooLarge:
    case ParseError::kTooManyHeaders:
      return 431;
  }
  return 400;
}

// Beast's parser with our own sink: the fields are counted as they arrive
// (Beast limits their total size, not their number) and the body goes into
// a string that never grows past the body limit (Beast checks
// Content-Length before the body and every chunk size before its bytes).
class RequestParser::Impl : public bhttp::basic_parser<true> {
 public:
  explicit Impl(const RequestLimits& limits) : limits_(limits) {
    body_limit(limits.max_body_bytes);
    header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    // Hand over every body byte as it is parsed, so the caller's buffer
    // holds only what is not parsed yet.
    eager(true);
  }

  Request request;
  bool too_many_headers = false;

 private:
  void on_request_impl(bhttp::verb, beast::string_view method,
                       beast::string_view target, int version,
                       error_code& ec) override {
    if (version != 10 && version != 11) {
      ec = bhttp::error::bad_version;
      return;
    }
    request.method.assign(method.data(), method.size());
    request.target.assign(target.data(), target.size());
  }

  void on_response_impl(int, beast::string_view, int, error_code& ec) override {
    ec = bhttp::error::bad_method;
  }

  void on_field_impl(bhttp::field, beast::string_view name,
                     beast::string_view value, error_code& ec) override {
    if (request.headers.size() >= limits_.max_header_count) {
      too_many_headers = true;
      ec = bhttp::error::header_limit;
      return;
    }
    request.headers.emplace_back(std::string(name.data(), name.size()),
                                 std::string(value.data(), value.size()));
  }

  void on_header_impl(error_code&) override {}

  void on_body_init_impl(const boost::optional<std::uint64_t>& length,
                         error_code&) override {
    // Content-Length is already checked against the limit by Beast.
    if (length) request.body.reserve(static_cast<size_t>(*length));
  }

  size_t on_body_impl(beast::string_view body, error_code& ec) override {
    return Append(body, ec);
  }

  void on_chunk_header_impl(std::uint64_t, beast::string_view,
                            error_code&) override {}

  size_t on_chunk_body_impl(std::uint64_t, beast::string_view body,
                            error_code& ec) override {
    return Append(body, ec);
  }

  void on_finish_impl(error_code&) override {}

  size_t Append(beast::string_view body, error_code& ec) {
    // Beast enforces the limit already; this keeps the promise even if a
    // future Beast counted differently.
    if (request.body.size() + body.size() > limits_.max_body_bytes) {
      ec = bhttp::error::body_limit;
      return 0;
    }
    request.body.append(body.data(), body.size());
    return body.size();
  }

  const RequestLimits limits_;
};

namespace {

ParseError Classify(const error_code& ec, bool too_many_headers) {
  if (!ec) return ParseError::kNone;
  if (ec == bhttp::error::body_limit) return ParseError::kBodyTooLarge;
  if (ec == bhttp::error::header_limit) {
    return too_many_headers ? ParseError::kTooManyHeaders
                            : ParseError::kHeaderTooLarge;
  }
  return ParseError::kBadRequest;
}

}  // namespace

RequestParser::RequestParser(const RequestLimits& limits)
    : impl_(std::make_unique<Impl>(limits)) {}

RequestParser::~RequestParser() = default;

RequestParser::Step RequestParser::Put(absl::string_view bytes) {
  Step step;
  size_t total = 0;
  // Beast parses one piece (the header, a chunk header, some body) per
  // call; go on while it makes progress.
  while (!impl_->is_done() && total < bytes.size()) {
    error_code ec;
    const size_t n = impl_->put(
        boost::asio::buffer(bytes.data() + total, bytes.size() - total), ec);
    total += n;
    if (ec == bhttp::error::need_more) break;
    if (ec) {
      step.error = Classify(ec, impl_->too_many_headers);
      break;
    }
    if (n == 0) break;
  }
  step.consumed = total;
  return step;
}

ParseError RequestParser::PutEof() {
  // Beast requires a byte before put_eof (an assertion, live in the asan
  // build): a close with no byte of a request is the same incomplete request
  // put_eof reports as partial_message.
  if (!impl_->got_some()) return ParseError::kBadRequest;
  error_code ec;
  impl_->put_eof(ec);
  if (ec && ec != bhttp::error::partial_message) {
    return Classify(ec, impl_->too_many_headers);
  }
  return impl_->is_done() ? ParseError::kNone : ParseError::kBadRequest;
}

bool RequestParser::header_done() const { return impl_->is_header_done(); }

absl::string_view RequestParser::path() const { return impl_->request.path(); }

bool RequestParser::expects_continue() const {
  return impl_->is_header_done() &&
         absl::EqualsIgnoreCase(impl_->request.header("Expect"),
                                "100-continue");
}

bool RequestParser::done() const { return impl_->is_done(); }

Request RequestParser::Take() {
  Request request = std::move(impl_->request);
  request.keep_alive = impl_->keep_alive();
  impl_->request = Request{};
  return request;
}

}  // namespace nhs::tobacco::http
