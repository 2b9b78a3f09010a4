#ifndef TESTS_TESTING_RAW_HTTPS_CLIENT_H_
#define TESTS_TESTING_RAW_HTTPS_CLIENT_H_

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/testing/dev_certs.h"

namespace nhs::tobacco::testing {

// A raw HTTP-over-TLS client for limit tests: it writes whatever bytes the
// test wants (malformed, slow, endless) and reads the answer, trusting the
// development CA and presenting a development certificate. Every step has a
// timeout, so a test never hangs on a server that stopped answering.
class TlsTestClient {
 public:
  // Connects from `source_ip` (any 127.x.y.z works on Linux) to the port
  // and completes the TLS handshake presenting `cert` (e.g. "gp-y90001";
  // empty = none).
  // `raw_prefix` goes first, before TLS (a PROXY protocol header).
  TlsTestClient(int port, const std::string& cert,
                const std::string& source_ip = "127.0.0.1",
                const std::string& raw_prefix = "")
      : tls_(boost::asio::ssl::context::tls_client) {
    namespace asio = boost::asio;
    boost::system::error_code ec;
    tls_.load_verify_file((DevCerts() / "ca.pem").string(), ec);
    tls_.set_verify_mode(asio::ssl::verify_peer);
    if (!cert.empty()) {
      tls_.use_certificate_chain_file((DevCerts() / (cert + ".pem")).string(),
                                      ec);
      tls_.use_private_key_file((DevCerts() / (cert + ".key")).string(),
                                asio::ssl::context::pem, ec);
    }
    stream_ = std::make_unique<Stream>(io_, tls_);
    auto& socket = stream_->next_layer();
    socket.open(asio::ip::tcp::v4(), ec);
    if (!ec) {
      socket.bind(asio::ip::tcp::endpoint(asio::ip::make_address(source_ip), 0),
                  ec);
    }
    if (!ec) {
      socket.connect(
          asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"),
                                  static_cast<unsigned short>(port)),
          ec);
    }
    if (!ec && !raw_prefix.empty()) {
      asio::write(socket, asio::buffer(raw_prefix), ec);
    }
    if (!ec) {
      bool done = false;
      stream_->async_handshake(asio::ssl::stream_base::client,
                               [&](boost::system::error_code e) {
                                 ec = e;
                                 done = true;
                               });
      if (!RunUntil(done, absl::Seconds(10))) ec = asio::error::timed_out;
    }
    ok_ = !ec;
    error_ = ec.message();
  }

  bool ok() const { return ok_; }
  const std::string& error() const { return error_; }

  // False once the server has closed or reset the connection.
  bool Write(absl::string_view bytes) {
    boost::system::error_code ec;
    bool done = false;
    boost::asio::async_write(*stream_,
                             boost::asio::buffer(bytes.data(), bytes.size()),
                             [&](boost::system::error_code e, size_t) {
                               ec = e;
                               done = true;
                             });
    return RunUntil(done, absl::Seconds(30)) && !ec;
  }

  // True when the server has sent application data not read yet (or
  // closed). Never blocks.
  bool Readable() {
    StartReading();
    io_.restart();
    io_.poll();
    return !in_.empty() || read_error_;
  }

  // What the server sent until `needle` arrived (through it), the server
  // closed or `timeout` passed; what is returned is consumed. For streamed
  // answers, read as raw bytes.
  std::string ReadUntil(absl::string_view needle, absl::Duration timeout) {
    const absl::Time deadline = absl::Now() + timeout;
    StartReading();
    while (in_.find(needle.data(), 0, needle.size()) == std::string::npos &&
           !read_error_) {
      const absl::Duration left = deadline - absl::Now();
      if (left <= absl::ZeroDuration()) break;
      io_.restart();
      io_.run_one_for(absl::ToChronoNanoseconds(left));
    }
    const size_t at = in_.find(needle.data(), 0, needle.size());
    const size_t end =
        at == std::string::npos ? in_.size() : at + needle.size();
    std::string out = in_.substr(0, end);
    in_.erase(0, end);
    return out;
  }

  // True once the server closed (or reset) the connection, waiting up to
  // `timeout`; what it sent meanwhile is kept for ReadUntil.
  bool ClosedWithin(absl::Duration timeout) {
    const absl::Time deadline = absl::Now() + timeout;
    StartReading();
    while (!read_error_) {
      const absl::Duration left = deadline - absl::Now();
      if (left <= absl::ZeroDuration()) break;
      io_.restart();
      io_.run_one_for(absl::ToChronoNanoseconds(left));
    }
    return read_error_;
  }

  // Closes the connection at once (no TLS close_notify), as a client that
  // goes away does.
  void Drop() {
    boost::system::error_code ignored;
    stream_->next_layer().close(ignored);
  }

  // Reads one answer (head, then Content-Length bytes of body) within
  // `timeout`; its status, or -1 when none came (closed, reset, timeout).
  // `head`, when given, gets the status line and header fields.
  int ReadStatus(absl::Duration timeout, std::string* body = nullptr,
                 std::string* head = nullptr) {
    const absl::Time deadline = absl::Now() + timeout;
    StartReading();
    int status = -1;
    while (!Parse(&status, body, head) && !read_error_) {
      const absl::Duration left = deadline - absl::Now();
      if (left <= absl::ZeroDuration()) break;
      io_.restart();
      io_.run_one_for(absl::ToChronoNanoseconds(left));
    }
    return status;
  }

 private:
  using Stream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;

  // Runs the io_context until `done` or `timeout`; on a timeout the socket
  // is closed (a test must not hang on a server that stopped answering).
  bool RunUntil(const bool& done, absl::Duration timeout) {
    const absl::Time deadline = absl::Now() + timeout;
    while (!done) {
      const absl::Duration left = deadline - absl::Now();
      if (left <= absl::ZeroDuration()) {
        boost::system::error_code ignored;
        stream_->next_layer().close(ignored);
        io_.restart();
        io_.run();  // what was pending completes with an error
        return false;
      }
      io_.restart();
      io_.run_one_for(absl::ToChronoNanoseconds(left));
    }
    return true;
  }

  // One read always outstanding once started, so what the server sends is
  // collected while the test writes (TLS 1.3 session tickets included,
  // which make the socket readable without any answer).
  void StartReading() {
    if (reading_ || read_error_) return;
    reading_ = true;
    stream_->async_read_some(boost::asio::buffer(chunk_),
                             [this](boost::system::error_code e, size_t n) {
                               reading_ = false;
                               in_.append(chunk_, n);
                               if (e) {
                                 read_error_ = true;
                                 return;
                               }
                               StartReading();
                             });
  }

  // One whole answer at the front of in_: its status (and body), removed.
  bool Parse(int* status, std::string* body, std::string* head = nullptr) {
    const size_t end = in_.find("\r\n\r\n");
    if (end == std::string::npos) return false;
    int code = -1;
    if (in_.size() < 12 ||
        !absl::SimpleAtoi(absl::string_view(in_).substr(9, 3), &code)) {
      return false;
    }
    size_t length = 0;
    const size_t at = in_.find("Content-Length: ");
    if (at != std::string::npos && at < end) {
      const size_t eol = in_.find("\r\n", at);
      if (!absl::SimpleAtoi(in_.substr(at + 16, eol - at - 16), &length)) {
        return false;
      }
    }
    if (in_.size() < end + 4 + length) return false;
    if (body != nullptr) *body = in_.substr(end + 4, length);
    if (head != nullptr) *head = in_.substr(0, end + 2);
    in_.erase(0, end + 4 + length);
    *status = code;
    return true;
  }

  boost::asio::io_context io_;
  boost::asio::ssl::context tls_;
  std::unique_ptr<Stream> stream_;
  bool ok_ = false;
  std::string error_;
  char chunk_[4096];
  bool reading_ = false;
  bool read_error_ = false;
  std::string in_;
};

}  // namespace nhs::tobacco::testing

#endif  // TESTS_TESTING_RAW_HTTPS_CLIENT_H_
