#include "adapters/http/client.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "adapters/net/tls_policy.h"

namespace nhs::tobacco::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using beast::error_code;

namespace {

// The payload RequestNeverSent looks for: set only when no byte of the
// request was written (no TCP connection, or the TLS handshake failed).
constexpr absl::string_view kNotSentPayload =
    "nhs.tobacco.http/request-not-sent";

void MarkNotSent(absl::Status& status) {
  status.SetPayload(kNotSentPayload, absl::Cord("1"));
}

struct Url {
  std::string host;
  std::string port;
  std::string target;
};

absl::StatusOr<Url> ParseUrl(absl::string_view url) {
  constexpr absl::string_view kScheme = "https://";
  if (!absl::StartsWith(url, kScheme)) {
    return absl::InvalidArgumentError(
        absl::StrCat("endpoint must be an https:// URL: ", url));
  }
  const absl::string_view rest = url.substr(kScheme.size());
  const size_t slash = rest.find('/');
  const absl::string_view host_port = rest.substr(0, slash);
  Url parsed;
  parsed.target =
      slash == absl::string_view::npos ? "/" : std::string(rest.substr(slash));
  parsed.host = std::string(host_port);
  parsed.port = "443";
  // host:port, [v6]:port or [v6].
  const size_t bracket = host_port.rfind(']');
  const size_t colon = host_port.rfind(':');
  if (colon != absl::string_view::npos &&
      (bracket == absl::string_view::npos || colon > bracket)) {
    parsed.host = std::string(host_port.substr(0, colon));
    parsed.port = std::string(host_port.substr(colon + 1));
    int port = 0;
    if (!absl::SimpleAtoi(parsed.port, &port) || port <= 0 || port > 65535) {
      return absl::InvalidArgumentError(
          absl::StrCat("endpoint has a bad port: ", url));
    }
  }
  if (parsed.host.size() >= 2 && parsed.host.front() == '[') {
    parsed.host = parsed.host.substr(1, parsed.host.size() - 2);
  }
  if (parsed.host.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("endpoint has no host: ", url));
  }
  return parsed;
}

absl::Status SetUpClientContext(ssl::context& tls,
                                const ClientOptions& options) {
  if (absl::Status policy = net::ApplyTlsPolicy(tls.native_handle());
      !policy.ok()) {
    return policy;
  }
  error_code ec;
  if (options.ca_cert_path.empty()) {
    tls.set_default_verify_paths(ec);
  } else {
    tls.load_verify_file(options.ca_cert_path, ec);
  }
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot load the CA bundle ", options.ca_cert_path, ": ",
                     ec.message()));
  }
  tls.set_verify_mode(ssl::verify_peer);
  if (!options.client_cert_path.empty()) {
    tls.use_certificate_chain_file(options.client_cert_path, ec);
    if (!ec)
      tls.use_private_key_file(options.client_key_path, ssl::context::pem, ec);
    if (ec) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot load the client certificate ", options.client_cert_path,
          " and key ", options.client_key_path, ": ", ec.message()));
    }
  }
  return absl::OkStatus();
}

// One exchange, driven by a private io_context on the calling thread.
class Exchange {
 public:
  Exchange(const Url& url, ssl::context& tls, const ClientOptions& options)
      : url_(url), options_(options), resolver_(io_), stream_(io_, tls) {}

  absl::StatusOr<Response> Run(const ClientRequest& request) {
    absl::Status prepared = PrepareTls();
    if (!prepared.ok()) return prepared;
    method_ = request.method;
    request_.method_string(method_);
    request_.target(url_.target);
    request_.version(11);
    request_.set(bhttp::field::host, url_.host);
    for (const auto& [name, value] : request.headers) {
      request_.insert(name, value);
    }
    // One exchange per connection: the caller's headers cannot keep it.
    request_.set(bhttp::field::connection, "close");
    request_.body() = request.body;
    request_.prepare_payload();
    parser_.emplace();
    parser_->body_limit(options_.max_response_bytes);

    stream_.next_layer().expires_after(
        absl::ToChronoNanoseconds(options_.connect_timeout));
    resolver_.async_resolve(
        url_.host, url_.port,
        [this](error_code ec, tcp::resolver::results_type endpoints) {
          if (ec) return Fail("Connection", ec);
          stream_.next_layer().async_connect(
              endpoints, [this](error_code ec, const tcp::endpoint&) {
                if (ec) return Fail("Connection", ec);
                Handshake();
              });
        });
    io_.run();
    if (!result_.has_value()) {
      return absl::InternalError("the HTTPS exchange ended without a result");
    }
    return *std::move(result_);
  }

 private:
  absl::Status PrepareTls() {
    SSL* ssl = stream_.native_handle();
    error_code ec;
    asio::ip::make_address(url_.host, ec);  // an IP address, or a name?
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param,
                                    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    const bool ok =
        !ec ? X509_VERIFY_PARAM_set1_ip_asc(param, url_.host.c_str()) == 1
            : (SSL_set1_host(ssl, url_.host.c_str()) == 1 &&
               SSL_set_tlsext_host_name(ssl, url_.host.c_str()) == 1);
    if (!ok) {
      return absl::InvalidArgumentError(
          absl::StrCat("endpoint host cannot be verified: ", url_.host));
    }
    return absl::OkStatus();
  }

  void Handshake() {
    // The handshake gets the connect timeout: a receiver that accepts the
    // connection but never answers TLS is as unreachable as one that
    // never accepts.
    stream_.next_layer().expires_after(
        absl::ToChronoNanoseconds(options_.connect_timeout));
    stream_.async_handshake(ssl::stream_base::client, [this](error_code ec) {
      if (ec) {
        const long verify = SSL_get_verify_result(stream_.native_handle());
        if (verify != X509_V_OK) {
          absl::Status refused = absl::UnavailableError(
              absl::StrCat(method_, " ", url_.host, ": SSLServerVerification: ",
                           X509_verify_cert_error_string(verify)));
          MarkNotSent(refused);
          return Done(std::move(refused));
        }
        return Fail("SSLConnection", ec);
      }
      stream_.next_layer().expires_after(
          absl::ToChronoNanoseconds(options_.io_timeout));
      bhttp::async_write(stream_, request_, [this](error_code ec, size_t) {
        if (ec) return Fail("Write", ec);
        stream_.next_layer().expires_after(
            absl::ToChronoNanoseconds(options_.io_timeout));
        bhttp::async_read(stream_, buffer_, *parser_,
                          [this](error_code ec, size_t) {
                            if (ec) return Fail("Read", ec);
                            Answer();
                          });
      });
    });
  }

  void Answer() {
    auto& message = parser_->get();
    Response response;
    response.status = static_cast<int>(message.result_int());
    const auto type = message[bhttp::field::content_type];
    response.content_type.assign(type.data(), type.size());
    for (const auto& field : message) {
      response.headers.emplace_back(
          absl::AsciiStrToLower(absl::string_view(field.name_string().data(),
                                                  field.name_string().size())),
          std::string(field.value().data(), field.value().size()));
    }
    response.body = std::move(message.body());
    // The connection goes with the exchange (Connection: close); no TLS
    // goodbye is awaited from a receiver that may not send one.
    error_code ignored;
    stream_.next_layer().socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.next_layer().close();
    Done(std::move(response));
  }

  void Fail(absl::string_view step, error_code ec) {
    const std::string what =
        absl::StrCat(method_, " https://", url_.host, ":", url_.port,
                     url_.target, ": ", step, ": ", ec.message());
    absl::Status failed = ec == beast::error::timeout
                              ? absl::DeadlineExceededError(what)
                              : absl::UnavailableError(what);
    // Before the TLS handshake ended no byte of the request was written.
    if (step == "Connection" || step == "SSLConnection") MarkNotSent(failed);
    Done(std::move(failed));
  }

  void Done(absl::StatusOr<Response> result) {
    if (!result_.has_value()) result_ = std::move(result);
    stream_.next_layer().close();
  }

  const Url& url_;
  const ClientOptions& options_;
  std::string method_;
  asio::io_context io_;
  tcp::resolver resolver_;
  ssl::stream<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
  bhttp::request<bhttp::string_body> request_;
  std::optional<bhttp::response_parser<bhttp::string_body>> parser_;
  std::optional<absl::StatusOr<Response>> result_;
};

}  // namespace

bool RequestNeverSent(const absl::Status& status) {
  return status.GetPayload(kNotSentPayload).has_value();
}

absl::StatusOr<Response> PostOverTls(absl::string_view url,
                                     absl::string_view content_type,
                                     absl::string_view body,
                                     const ClientOptions& options) {
  ClientRequest request;
  request.method = "POST";
  request.url = std::string(url);
  request.headers.emplace_back("Content-Type", std::string(content_type));
  request.body = std::string(body);
  return SendOverTls(request, options);
}

absl::StatusOr<Response> SendOverTls(const ClientRequest& request,
                                     const ClientOptions& options) {
  if (request.method.empty() ||
      !std::all_of(request.method.begin(), request.method.end(),
                   [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad HTTP method: ", request.method));
  }
  for (const auto& [name, value] : request.headers) {
    // A CR or LF would split the request (header injection); a name must
    // be a token.
    if (name.empty() || name.find_first_of(" \t\r\n:") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos ||
        value.find('\0') != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("header ", name, " has a control character"));
    }
  }
  absl::StatusOr<Url> parsed = ParseUrl(request.url);
  if (!parsed.ok()) return parsed.status();
  if (options.client_cert_path.empty() != options.client_key_path.empty()) {
    return absl::InvalidArgumentError(
        "client_cert_path and client_key_path go together");
  }
  ssl::context tls(ssl::context::tls_client);
  if (absl::Status status = SetUpClientContext(tls, options); !status.ok()) {
    return status;
  }
  Exchange exchange(*parsed, tls, options);
  return exchange.Run(request);
}

}  // namespace nhs::tobacco::http
