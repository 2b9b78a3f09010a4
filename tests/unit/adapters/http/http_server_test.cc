// The HTTP server over loopback TLS with the development PKI: routing,
// keep-alive, the limits enforced while reading, deadlines, connection caps,
// the PROXY protocol, late answers and Stop(). Also built with
// ThreadSanitizer (cmake/tobacco_tsan.cmake): handlers answer from other
// threads.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "adapters/http/router.h"
#include "adapters/http/server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/dev_certs.h"
#include "tests/testing/plain_http_client.h"
#include "tests/testing/raw_https_client.h"

namespace nhs::tobacco::http {
namespace {

using ::nhs::tobacco::testing::DevCerts;
using ::nhs::tobacco::testing::TlsTestClient;

constexpr char kGp[] = "gp-y90001";

ServerOptions Options() {
  ServerOptions options;
  options.name = "test";
  options.address = "127.0.0.1:0";
  options.tls_cert_path = (DevCerts() / "server.pem").string();
  options.tls_key_path = (DevCerts() / "server.key").string();
  options.client_ca_path = (DevCerts() / "ca.pem").string();
  options.request_limits.max_body_bytes = 4096;
  options.request_limits.max_header_bytes = 2048;
  options.request_limits.max_header_count = 16;
  return options;
}

// Echoes the body, the peer's address and whether a certificate came.
Handler Echo() {
  return [](Request request, Responder responder) {
    Response response;
    response.body =
        absl::StrCat(request.method, " ", request.target, " ", request.body,
                     " from ", request.peer_address, " cert ",
                     request.peer_certificate_pem.empty() ? "no" : "yes");
    responder.Send(std::move(response));
  };
}

std::string Post(absl::string_view path, absl::string_view body,
                 absl::string_view extra = "") {
  return absl::StrCat("POST ", path, " HTTP/1.1\r\nHost: t\r\n", extra,
                      "Content-Length: ", body.size(), "\r\n\r\n", body);
}

// A plain TCP connection from `source` that sends nothing.
int RawConnect(int port, uint32_t source = INADDR_LOOPBACK) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in from{};
  from.sin_family = AF_INET;
  from.sin_addr.s_addr = htonl(source);
  ::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof(from));
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  to.sin_port = htons(static_cast<uint16_t>(port));
  ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof(to));
  return fd;
}

// True when the server closes `fd` within `timeout`.
bool ClosedWithin(int fd, absl::Duration timeout) {
  timeval tv = absl::ToTimeval(timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  char byte;
  return ::recv(fd, &byte, 1, 0) == 0;
}

TEST(HttpServerTest, AnswersRequestsOnOneKeptOpenConnection) {
  auto server = Server::Start(Options(), Echo());
  ASSERT_TRUE(server.ok()) << server.status();
  TlsTestClient client((*server)->port(), kGp);
  ASSERT_TRUE(client.ok()) << client.error();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(client.Write(Post("/a?q=1", absl::StrCat("body", i))));
    std::string body;
    EXPECT_EQ(client.ReadStatus(absl::Seconds(5), &body), 200);
    EXPECT_EQ(body,
              absl::StrCat("POST /a?q=1 body", i, " from 127.0.0.1 cert yes"));
  }
}

TEST(HttpServerTest, SenderThatExpects100ContinueGetsItBeforeItsBody) {
  auto server = Server::Start(Options(), Echo());
  ASSERT_TRUE(server.ok()) << server.status();
  TlsTestClient client((*server)->port(), kGp);
  ASSERT_TRUE(client.ok()) << client.error();
  ASSERT_TRUE(
      client.Write("POST /c HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                   "Content-Length: 2\r\n\r\n"));
  EXPECT_EQ(client.ReadStatus(absl::Seconds(5)), 100);
  ASSERT_TRUE(client.Write("{}"));
  EXPECT_EQ(client.ReadStatus(absl::Seconds(5)), 200);
  // Too large: 413 instead of 100.
  ASSERT_TRUE(
      client.Write("POST /c HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                   "Content-Length: 5000\r\n\r\n"));
  EXPECT_EQ(client.ReadStatus(absl::Seconds(5)), 413);
}

TEST(HttpServerTest, ClientWithoutACertificateNeverReachesTheHandler) {
  std::atomic<int> calls{0};
  auto server = Server::Start(Options(), [&](Request, Responder responder) {
    ++calls;
    responder.Send(Response{});
  });
  ASSERT_TRUE(server.ok()) << server.status();
  TlsTestClient client((*server)->port(), "");
  if (client.ok()) {
    // TLS 1.3: the refusal arrives after the client's side of the handshake.
    client.Write(Post("/", "x"));
    EXPECT_EQ(client.ReadStatus(absl::Seconds(5)), -1);
  }
  EXPECT_EQ(calls.load(), 0);
}

TEST(HttpServerTest, RouterAnswers404And405WithAllow) {
  auto router = std::make_shared<Router>(PlainErrorPage);
  router->Add("POST", "/m", Echo());
  auto server = Server::Start(Options(), [router](Request r, Responder s) {
    router->Dispatch(std::move(r), std::move(s));
  });
  ASSERT_TRUE(server.ok()) << server.status();
  TlsTestClient client((*server)->port(), kGp);
  ASSERT_TRUE(client.ok()) << client.error();
  ASSERT_TRUE(client.Write(Post("/other", "")));
  EXPECT_EQ(client.ReadStatus(absl::Seconds(5)), 404);
  ASSERT_TRUE(client.Write("GET /m?x HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(client.ReadStatus(absl::Seconds(5)), 405);
  ASSERT_TRUE(client.Write(Post("/m?x", "ok")));
  EXPECT_EQ(client.ReadStatus(absl::Seconds(5)), 200);
}

TEST(HttpServerTest, ChunkedBodyOverTheLimitGets413AndTheConnectionCloses) {
  std::atomic<int> calls{0};
  auto server = Server::Start(Options(), [&](Request, Responder responder) {
    ++calls;
    responder.Send(Response{});
  });
  ASSERT_TRUE(server.ok()) << server.status();
  TlsTestClient client((*server)->port(), kGp);
  ASSERT_TRUE(client.ok()) << client.error();
  ASSERT_TRUE(client.Write(
      "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"));
  const std::string chunk =
      absl::StrCat("400\r\n", std::string(1024, 'x'), "\r\n");
  for (int i = 0; i < 64 && !client.Readable(); ++i) client.Write(chunk);
  EXPECT_EQ(client.ReadStatus(absl::Seconds(5)), 413);
  EXPECT_EQ(calls.load(), 0);
  // Closed: nothing more is answered.
  client.Write(Post("/", "x"));
  EXPECT_EQ(client.ReadStatus(absl::Seconds(4)), -1);
}

TEST(HttpServerTest, HeaderFloodGets431) {
  auto server = Server::Start(Options(), Echo());
  ASSERT_TRUE(server.ok()) << server.status();
  std::string fields;
  for (int i = 0; i < 17; ++i) absl::StrAppend(&fields, "X-", i, ": v\r\n");
  TlsTestClient many((*server)->port(), kGp);
  ASSERT_TRUE(many.ok()) << many.error();
  ASSERT_TRUE(many.Write(Post("/", "x", fields)));
  EXPECT_EQ(many.ReadStatus(absl::Seconds(5)), 431);
  TlsTestClient big((*server)->port(), kGp);
  ASSERT_TRUE(big.ok()) << big.error();
  ASSERT_TRUE(
      big.Write(absl::StrCat("GET / HTTP/1.1\r\nX: ", std::string(4000, 'a'))));
  EXPECT_EQ(big.ReadStatus(absl::Seconds(5)), 431);
}

TEST(HttpServerTest, RequestDribbledPastItsDeadlineIsClosed) {
  ServerOptions options = Options();
  options.request_deadline = absl::Milliseconds(600);
  auto server = Server::Start(options, Echo());
  ASSERT_TRUE(server.ok()) << server.status();
  TlsTestClient client((*server)->port(), kGp);
  ASSERT_TRUE(client.ok()) << client.error();
  const absl::Time start = absl::Now();
  ASSERT_TRUE(client.Write("POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n"));
  // A byte every 100 ms would never trip a per-read timeout.
  bool open = true;
  while (open && absl::Now() - start < absl::Seconds(5)) {
    absl::SleepFor(absl::Milliseconds(100));
    open = client.Write("x");
  }
  EXPECT_FALSE(open);
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
}

TEST(HttpServerTest, SocketThatNeverStartsTlsIsClosedAtTheHandshakeDeadline) {
  ServerOptions options = Options();
  options.handshake_timeout = absl::Milliseconds(300);
  auto server = Server::Start(options, Echo());
  ASSERT_TRUE(server.ok()) << server.status();
  const int fd = RawConnect((*server)->port());
  const absl::Time start = absl::Now();
  EXPECT_TRUE(ClosedWithin(fd, absl::Seconds(5)));
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  ::close(fd);
}

TEST(HttpServerTest, IdleKeptOpenConnectionIsClosed) {
  ServerOptions options = Options();
  options.idle_timeout = absl::Milliseconds(300);
  auto server = Server::Start(options, Echo());
  ASSERT_TRUE(server.ok()) << server.status();
  TlsTestClient client((*server)->port(), kGp);
  ASSERT_TRUE(client.ok()) << client.error();
  ASSERT_TRUE(client.Write(Post("/", "x")));
  EXPECT_EQ(client.ReadStatus(absl::Seconds(5)), 200);
  absl::SleepFor(absl::Seconds(1));
  client.Write(Post("/", "x"));
  EXPECT_EQ(client.ReadStatus(absl::Seconds(2)), -1);
}

TEST(HttpServerTest, OneAddressCannotTakeEveryConnection) {
  ServerOptions options = Options();
  options.max_connections = 10;
  options.max_connections_per_peer = 3;
  auto server = Server::Start(options, Echo());
  ASSERT_TRUE(server.ok()) << server.status();
  std::vector<int> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(RawConnect((*server)->port(), 0x7f000002));
  }
  absl::SleepFor(absl::Milliseconds(100));
  const int over = RawConnect((*server)->port(), 0x7f000002);
  EXPECT_TRUE(ClosedWithin(over, absl::Seconds(2)));
  ::close(over);
  // Another peer still gets in while 127.0.0.2 holds its three.
  TlsTestClient other((*server)->port(), kGp);
  ASSERT_TRUE(other.ok()) << other.error();
  ASSERT_TRUE(other.Write(Post("/", "x")));
  EXPECT_EQ(other.ReadStatus(absl::Seconds(5)), 200);
  for (int fd : held) ::close(fd);
}

TEST(HttpServerTest, ProxyHeaderNamesThePeer) {
  ServerOptions options = Options();
  options.proxy_protocol = true;
  options.trusted_proxy_networks = {"127.0.0.1/32"};
  auto server = Server::Start(options, Echo());
  ASSERT_TRUE(server.ok()) << server.status();
  // PROXY v2, PROXY command, TCP over IPv4, 192.0.2.7:40000 -> 10.0.0.1:443.
  std::string header("\r\n\r\n\0\r\nQUIT\n", 12);
  header += std::string("\x21\x11\x00\x0c", 4);
  header += std::string("\xc0\x00\x02\x07\x0a\x00\x00\x01\x9c\x40\x01\xbb", 12);
  TlsTestClient client((*server)->port(), kGp, "127.0.0.1", header);
  ASSERT_TRUE(client.ok()) << client.error();
  ASSERT_TRUE(client.Write(Post("/", "x")));
  std::string body;
  EXPECT_EQ(client.ReadStatus(absl::Seconds(5), &body), 200);
  EXPECT_EQ(body, "POST / x from 192.0.2.7 cert yes");
  // From an address that is not a trusted balancer: closed.
  TlsTestClient untrusted((*server)->port(), kGp, "127.0.0.2", header);
  EXPECT_FALSE(untrusted.ok());
}

// nginx's stream module sends the v1 text line; TLS starts right behind
// its CRLF.
TEST(HttpServerTest, ProxyV1LineNamesThePeer) {
  ServerOptions options = Options();
  options.proxy_protocol = true;
  options.trusted_proxy_networks = {"127.0.0.1/32"};
  auto server = Server::Start(options, Echo());
  ASSERT_TRUE(server.ok()) << server.status();
  TlsTestClient client((*server)->port(), kGp, "127.0.0.1",
                       "PROXY TCP4 192.0.2.7 10.0.0.1 40000 443\r\n");
  ASSERT_TRUE(client.ok()) << client.error();
  ASSERT_TRUE(client.Write(Post("/", "x")));
  std::string body;
  EXPECT_EQ(client.ReadStatus(absl::Seconds(5), &body), 200);
  EXPECT_EQ(body, "POST / x from 192.0.2.7 cert yes");
  // A line that is not a header: closed before any TLS.
  TlsTestClient bad((*server)->port(), kGp, "127.0.0.1",
                    "PROXY TCP4 192.0.2.7 10.0.0.1 70000 443\r\n");
  EXPECT_FALSE(bad.ok());
}

TEST(HttpServerTest, HandlerThatNeverAnswersGets503AndALateAnswerIsDropped) {
  ServerOptions options = Options();
  options.reply_timeout = absl::Milliseconds(300);
  absl::Mutex mu;
  std::vector<Responder> held;
  auto server = Server::Start(options, [&](Request, Responder responder) {
    absl::MutexLock lock(&mu);
    held.push_back(std::move(responder));
  });
  ASSERT_TRUE(server.ok()) << server.status();
  TlsTestClient client((*server)->port(), kGp);
  ASSERT_TRUE(client.ok()) << client.error();
  ASSERT_TRUE(client.Write(Post("/", "x")));
  EXPECT_EQ(client.ReadStatus(absl::Seconds(5)), 503);
  {
    absl::MutexLock lock(&mu);
    ASSERT_EQ(held.size(), 1u);
    held[0].Send(Response{});  // too late: dropped
  }
  ASSERT_TRUE(client.Write(Post("/", "y")));
  EXPECT_EQ(client.ReadStatus(absl::Seconds(5)), 503);
  (*server)->Stop();
  absl::MutexLock lock(&mu);
  for (const Responder& r : held) r.Send(Response{});  // after Stop: dropped
}

TEST(HttpServerTest, StopLetsAnAnswerInFlightGoOut) {
  absl::Mutex mu;
  std::optional<Responder> held;
  std::atomic<bool> received{false};
  auto server = Server::Start(Options(), [&](Request, Responder responder) {
    absl::MutexLock lock(&mu);
    held = std::move(responder);
    received = true;
  });
  ASSERT_TRUE(server.ok()) << server.status();
  TlsTestClient client((*server)->port(), kGp);
  ASSERT_TRUE(client.ok()) << client.error();
  ASSERT_TRUE(client.Write(Post("/", "x")));
  while (!received) absl::SleepFor(absl::Milliseconds(10));
  std::thread stopper([&] { (*server)->Stop(); });
  // The answer comes while Stop() is waiting.
  absl::SleepFor(absl::Milliseconds(300));
  {
    absl::MutexLock lock(&mu);
    Response response;
    response.status = 201;
    held->Send(std::move(response));
  }
  EXPECT_EQ(client.ReadStatus(absl::Seconds(5)), 201);
  stopper.join();
}

// Issue 15: plaintext HTTP is for the admin listener on loopback only.
TEST(HttpServerTest, PlaintextIsRefusedOffLoopback) {
  ServerOptions options;
  options.name = "admin";
  options.plaintext = true;
  options.address = "0.0.0.0:0";
  auto server = Server::Start(options, Echo());
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(server.status().message()),
              ::testing::HasSubstr("not a loopback address"));
}

TEST(HttpServerTest, PlaintextOnLoopbackServesWithoutTls) {
  ServerOptions options;
  options.name = "admin";
  options.plaintext = true;
  options.address = "127.0.0.1:0";
  auto server = Server::Start(options, Echo());
  ASSERT_TRUE(server.ok()) << server.status();
  const testing::PlainHttpResponse r =
      testing::PlainHttpGet((*server)->port(), "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "GET /metrics  from 127.0.0.1 cert no");
}

}  // namespace
}  // namespace nhs::tobacco::http
