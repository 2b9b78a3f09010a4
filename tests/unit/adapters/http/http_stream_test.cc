// Streamed answers (Responder::StartStream) over loopback TLS with the
// development PKI: chunks reach the client as written, the stream ends on
// Close(), on the client's disconnect, on Stop(), and when a client reads
// too slowly for the bounded buffer. Handlers and producers run on other
// threads than the server's.
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "adapters/http/server.h"
#include "gtest/gtest.h"
#include "tests/testing/dev_certs.h"
#include "tests/testing/raw_https_client.h"

namespace nhs::tobacco::http {
namespace {

using ::nhs::tobacco::testing::DevCerts;
using ::nhs::tobacco::testing::TlsTestClient;

constexpr char kGp[] = "gp-y90001";
constexpr char kGet[] = "GET /events HTTP/1.1\r\nHost: t\r\n\r\n";

ServerOptions Options() {
  ServerOptions options;
  options.name = "test";
  options.address = "127.0.0.1:0";
  options.tls_cert_path = (DevCerts() / "server.pem").string();
  options.tls_key_path = (DevCerts() / "server.key").string();
  options.client_ca_path = (DevCerts() / "ca.pem").string();
  options.stream_buffer_bytes = 64 * 1024;
  return options;
}

// A handler that starts one stream per request and hands the test its
// handle; counts the streams that ended and the drain notices.
class Streams {
 public:
  Handler handler() {
    return [this](Request, Responder responder) {
      Response head;
      head.content_type = "text/event-stream";
      head.headers.emplace_back("Cache-Control", "no-store");
      StreamHandle handle = responder.StartStream(
          std::move(head), [this] { closed_.fetch_add(1); },
          [this] { drained_.fetch_add(1); });
      absl::MutexLock lock(&mu_);
      handle_ = handle;
    };
  }

  // The latest stream's handle, once a request started one.
  std::optional<StreamHandle> Await(absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(
        absl::Condition(
            +[](std::optional<StreamHandle>* h) { return h->has_value(); },
            &handle_),
        timeout);
    return std::exchange(handle_, std::nullopt);
  }

  bool ClosedWithin(absl::Duration timeout, int count = 1) {
    const absl::Time deadline = absl::Now() + timeout;
    while (closed_.load() < count && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    return closed_.load() >= count;
  }

  int closed() const { return closed_.load(); }
  int drained() const { return drained_.load(); }

 private:
  absl::Mutex mu_;
  std::optional<StreamHandle> handle_ ABSL_GUARDED_BY(mu_);
  std::atomic<int> closed_{0};
  std::atomic<int> drained_{0};
};

TEST(HttpStreamTest, ChunksReachTheClientAsWrittenAndCloseEndsTheAnswer) {
  Streams streams;
  auto server = Server::Start(Options(), streams.handler());
  ASSERT_TRUE(server.ok()) << server.status();
  TlsTestClient client((*server)->port(), kGp);
  ASSERT_TRUE(client.ok()) << client.error();
  ASSERT_TRUE(client.Write(kGet));
  std::optional<StreamHandle> stream = streams.Await(absl::Seconds(5));
  ASSERT_TRUE(stream.has_value());

  const std::string head = client.ReadUntil("\r\n\r\n", absl::Seconds(5));
  EXPECT_TRUE(absl::StartsWith(head, "HTTP/1.1 200 OK\r\n")) << head;
  EXPECT_TRUE(absl::StrContains(head, "Content-Type: text/event-stream\r\n"));
  EXPECT_TRUE(absl::StrContains(head, "Cache-Control: no-store\r\n"));
  EXPECT_TRUE(absl::StrContains(head, "Transfer-Encoding: chunked\r\n"));
  EXPECT_FALSE(absl::StrContains(head, "Content-Length"));

  ASSERT_TRUE(stream->Write("data: one\n\n"));
  EXPECT_EQ(client.ReadUntil("\n\n\r\n", absl::Seconds(5)),
            "b\r\ndata: one\n\n\r\n");
  ASSERT_TRUE(stream->Write(std::string(300, 'x')));
  EXPECT_EQ(client.ReadUntil("x\r\n", absl::Seconds(5)),
            absl::StrCat("12c\r\n", std::string(300, 'x'), "\r\n"));
  EXPECT_EQ(streams.closed(), 0);

  stream->Close();
  EXPECT_EQ(client.ReadUntil("0\r\n\r\n", absl::Seconds(5)), "0\r\n\r\n");
  EXPECT_TRUE(client.ClosedWithin(absl::Seconds(5)));
  EXPECT_TRUE(streams.ClosedWithin(absl::Seconds(5)));
  EXPECT_FALSE(stream->Write("data: late\n\n"));
  EXPECT_EQ(streams.closed(), 1);
}

TEST(HttpStreamTest, ClientThatGoesAwayEndsItsStreamWithoutAWrite) {
  Streams streams;
  auto server = Server::Start(Options(), streams.handler());
  ASSERT_TRUE(server.ok()) << server.status();
  auto client = std::make_unique<TlsTestClient>((*server)->port(), kGp);
  ASSERT_TRUE(client->ok()) << client->error();
  ASSERT_TRUE(client->Write(kGet));
  std::optional<StreamHandle> stream = streams.Await(absl::Seconds(5));
  ASSERT_TRUE(stream.has_value());
  client->ReadUntil("\r\n\r\n", absl::Seconds(5));

  client->Drop();
  // Nothing is written: the server notices the disconnect by itself.
  EXPECT_TRUE(streams.ClosedWithin(absl::Seconds(5)));
  EXPECT_FALSE(stream->Write("data: nobody\n\n"));
}

TEST(HttpStreamTest, ClientThatStopsReadingIsCutOffWithBoundedMemory) {
  Streams streams;
  auto server = Server::Start(Options(), streams.handler());
  ASSERT_TRUE(server.ok()) << server.status();
  TlsTestClient client((*server)->port(), kGp);
  ASSERT_TRUE(client.ok()) << client.error();
  ASSERT_TRUE(client.Write(kGet));
  std::optional<StreamHandle> stream = streams.Await(absl::Seconds(5));
  ASSERT_TRUE(stream.has_value());

  // The client never reads; the producer writes as fast as it can.
  const std::string chunk(16 * 1024, 'e');
  size_t accepted = 0;
  size_t most_buffered = 0;
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (absl::Now() < deadline && stream->Write(chunk)) {
    accepted += chunk.size();
    most_buffered = std::max(most_buffered, stream->buffered());
    // Paced a little, so the socket's own buffers fill first.
    if (accepted % (1024 * 1024) == 0) absl::SleepFor(absl::Milliseconds(1));
  }
  EXPECT_FALSE(stream->Write(chunk)) << "never cut off";
  // What the server holds for it never passes the configured buffer.
  EXPECT_LE(most_buffered, 64u * 1024u);
  // The rest is in the kernel's socket buffers (a few MB on loopback).
  EXPECT_LT(accepted, 64u * 1024u * 1024u);
  EXPECT_TRUE(streams.ClosedWithin(absl::Seconds(5)));
  EXPECT_TRUE(client.ClosedWithin(absl::Seconds(10)));
}

TEST(HttpStreamTest, ProducerThatWaitsForDrainSendsFarMoreThanTheBuffer) {
  Streams streams;
  auto server = Server::Start(Options(), streams.handler());
  ASSERT_TRUE(server.ok()) << server.status();
  TlsTestClient client((*server)->port(), kGp);
  ASSERT_TRUE(client.ok()) << client.error();
  ASSERT_TRUE(client.Write(kGet));
  std::optional<StreamHandle> stream = streams.Await(absl::Seconds(5));
  ASSERT_TRUE(stream.has_value());
  client.ReadUntil("\r\n\r\n", absl::Seconds(5));

  // 4 MiB through a 64 KiB buffer, writing only while it is half empty.
  std::atomic<bool> ok{true};
  std::thread producer([&] {
    const std::string chunk(8 * 1024, 'f');
    for (int i = 0; i < 512 && ok.load(); ++i) {
      while (stream->buffered() > 32 * 1024) {
        absl::SleepFor(absl::Microseconds(200));
      }
      if (!stream->Write(chunk)) ok.store(false);
    }
    stream->Write("END");
    stream->Close();
  });
  const std::string received = client.ReadUntil("0\r\n\r\n", absl::Seconds(30));
  producer.join();
  EXPECT_TRUE(ok.load());
  EXPECT_TRUE(absl::EndsWith(received, "3\r\nEND\r\n0\r\n\r\n"));
  EXPECT_GT(received.size(), 4u * 1024u * 1024u);
  EXPECT_GT(streams.drained(), 0);
  EXPECT_TRUE(streams.ClosedWithin(absl::Seconds(5)));
}

TEST(HttpStreamTest, StopEndsEveryOpenStream) {
  Streams streams;
  auto server = Server::Start(Options(), streams.handler());
  ASSERT_TRUE(server.ok()) << server.status();
  TlsTestClient first((*server)->port(), kGp);
  TlsTestClient second((*server)->port(), kGp);
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_TRUE(first.Write(kGet));
  std::optional<StreamHandle> a = streams.Await(absl::Seconds(5));
  ASSERT_TRUE(second.Write(kGet));
  std::optional<StreamHandle> b = streams.Await(absl::Seconds(5));
  ASSERT_TRUE(a.has_value() && b.has_value());
  ASSERT_TRUE(a->Write("data: before stop\n\n"));
  first.ReadUntil("before stop\n\n\r\n", absl::Seconds(5));
  second.ReadUntil("\r\n\r\n", absl::Seconds(5));

  const absl::Time start = absl::Now();
  (*server)->Stop();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_EQ(streams.closed(), 2);
  EXPECT_EQ(first.ReadUntil("0\r\n\r\n", absl::Seconds(5)), "0\r\n\r\n");
  EXPECT_TRUE(first.ClosedWithin(absl::Seconds(5)));
  EXPECT_TRUE(second.ClosedWithin(absl::Seconds(5)));
  EXPECT_FALSE(a->Write("data: after stop\n\n"));
  EXPECT_FALSE(b->Write("data: after stop\n\n"));
}

TEST(HttpStreamTest, StreamStartedAfterTheServerGaveUpIsClosedAtOnce) {
  absl::Mutex mu;
  std::optional<Responder> late;
  ServerOptions options = Options();
  options.reply_timeout = absl::Milliseconds(200);
  auto server = Server::Start(options, [&](Request, Responder responder) {
    absl::MutexLock lock(&mu);
    late = responder;
  });
  ASSERT_TRUE(server.ok()) << server.status();
  TlsTestClient client((*server)->port(), kGp);
  ASSERT_TRUE(client.ok()) << client.error();
  ASSERT_TRUE(client.Write(kGet));
  EXPECT_EQ(client.ReadStatus(absl::Seconds(5)), 503);

  std::atomic<int> closed{0};
  StreamHandle stream;
  {
    absl::MutexLock lock(&mu);
    ASSERT_TRUE(late.has_value());
    stream = late->StartStream(Response{}, [&] { closed.fetch_add(1); });
  }
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (closed.load() == 0 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(closed.load(), 1);
  EXPECT_FALSE(stream.Write("data: too late\n\n"));
}

}  // namespace
}  // namespace nhs::tobacco::http
