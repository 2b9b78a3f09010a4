// The MLLP listener's limits: caps per peer and in total, the whole-frame
// deadline, the handshake (PROXY header) deadline, the PROXY protocol, and
// draining on Stop. Peers are told apart by connecting from different
// loopback addresses (127.0.0.2, 127.0.0.3).
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "adapters/hl7v2/mllp_framer.h"
#include "adapters/hl7v2/mllp_listener.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/mllp_test_client.h"
#include "tests/testing/proxy_v2_header.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::hl7v2 {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::ProxyV2Header;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using RawConnection = ::nhs::tobacco::testing::RawMllpConnection;

// Warnings the listener logged, for tests to search.
class Log {
 public:
  std::function<void(const std::string&)> Sink() {
    return [this](const std::string& line) {
      absl::MutexLock lock(&mu_);
      lines_.push_back(line);
    };
  }
  bool Has(absl::string_view text) {
    absl::MutexLock lock(&mu_);
    for (const std::string& line : lines_) {
      if (absl::StrContains(line, text)) return true;
    }
    return false;
  }
  std::string All() {
    absl::MutexLock lock(&mu_);
    std::string all;
    for (const std::string& line : lines_) absl::StrAppend(&all, line, "\n");
    return all;
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> lines_ ABSL_GUARDED_BY(mu_);
};

// Answers "ACK:<peer address>:<payload>" at once.
std::unique_ptr<MllpListener> StartEcho(MllpListenerOptions options) {
  auto listener = MllpListener::Start(
      std::move(options), [](const std::string& payload, const MllpPeer& peer,
                             std::function<void(std::string)> reply) {
        reply(absl::StrCat("ACK:", peer.address, ":", payload));
      });
  EXPECT_THAT(listener, IsOk());
  return listener.ok() ? *std::move(listener) : nullptr;
}

MllpListenerOptions LocalOptions(Log& log) {
  MllpListenerOptions options;
  options.address = "127.0.0.1:0";
  options.log_warning = log.Sink();
  return options;
}

// Waits until the listener counts `n` open connections (accepts are
// asynchronous).
void AwaitActive(const MllpListener& listener, int n) {
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (listener.active_connections() != n && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  ASSERT_EQ(listener.active_connections(), n);
}

TEST(MllpListenerLimitsTest, OnePeerAtItsCapDoesNotShutAnotherOut) {
  Log log;
  MllpListenerOptions options = LocalOptions(log);
  options.max_connections = 10;
  options.max_connections_per_peer = 3;
  auto listener = StartEcho(options);
  std::vector<std::unique_ptr<RawConnection>> hog;
  for (int i = 0; i < 3; ++i) {
    hog.push_back(
        std::make_unique<RawConnection>(listener->port(), "127.0.0.2"));
  }
  AwaitActive(*listener, 3);
  RawConnection beyond(listener->port(), "127.0.0.2");
  EXPECT_TRUE(beyond.ClosedByPeer());
  EXPECT_TRUE(log.Has("127.0.0.2")) << log.All();
  EXPECT_TRUE(log.Has("limit of 3 connections per peer reached")) << log.All();
  RawConnection other(listener->port(), "127.0.0.3");
  other.Write(MllpFrame("hello"));
  EXPECT_THAT(other.ReadFrames(1), ElementsAre(HasSubstr("127.0.0.3")));
}

TEST(MllpListenerLimitsTest, TheTotalCapStillHolds) {
  Log log;
  MllpListenerOptions options = LocalOptions(log);
  options.max_connections = 2;
  options.max_connections_per_peer = 2;
  auto listener = StartEcho(options);
  RawConnection a(listener->port(), "127.0.0.2");
  RawConnection b(listener->port(), "127.0.0.3");
  AwaitActive(*listener, 2);
  RawConnection c(listener->port(), "127.0.0.4");
  EXPECT_TRUE(c.ClosedByPeer());
  EXPECT_TRUE(log.Has("limit of 2 connections reached")) << log.All();
}

TEST(MllpListenerLimitsTest, DribbledBytesDoNotExtendTheFrameDeadline) {
  Log log;
  MllpListenerOptions options = LocalOptions(log);
  options.frame_deadline = absl::Milliseconds(500);
  options.idle_timeout = absl::Seconds(30);
  auto listener = StartEcho(options);
  RawConnection c(listener->port());
  const absl::Time start = absl::Now();
  c.Write(std::string(1, kMllpStartBlock));
  // One byte every 100 ms: each read would have reset a per-read timer.
  bool closed = false;
  for (int i = 0; i < 30 && !closed; ++i) {
    absl::SleepFor(absl::Milliseconds(100));
    if (::send(c.fd(), "x", 1, MSG_NOSIGNAL) != 1) closed = true;
  }
  EXPECT_TRUE(c.ClosedByPeer());
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  EXPECT_TRUE(log.Has("frame not complete within 500 ms")) << log.All();
}

TEST(MllpListenerLimitsTest, TheIdleTimerRunsOnlyBetweenFrames) {
  Log log;
  MllpListenerOptions options = LocalOptions(log);
  options.idle_timeout = absl::Milliseconds(300);
  options.frame_deadline = absl::Seconds(5);
  auto listener = StartEcho(options);
  RawConnection c(listener->port());
  // A frame taking longer than the idle timeout is still served.
  c.Write(std::string(1, kMllpStartBlock) + "slow");
  absl::SleepFor(absl::Milliseconds(600));
  c.Write("ly\x1c\x0d");
  EXPECT_THAT(c.ReadFrames(1), ElementsAre(HasSubstr("slowly")));
  EXPECT_TRUE(c.ClosedByPeer());  // then idle
  EXPECT_TRUE(log.Has("closing idle connection")) << log.All();
}

TEST(MllpListenerLimitsTest, ProxyHeaderFromATrustedBalancerNamesTheRealPeer) {
  Log log;
  MllpListenerOptions options = LocalOptions(log);
  options.proxy_protocol = true;
  options.trusted_proxies = *net::IpAllowList::Parse({"127.0.0.1/32"});
  options.max_connections_per_peer = 1;
  auto listener = StartEcho(options);
  RawConnection first(listener->port());
  first.Write(ProxyV2Header("203.0.113.9", 40123) + MllpFrame("one"));
  EXPECT_THAT(first.ReadFrames(1), ElementsAre("ACK:203.0.113.9:40123:one"));
  // The cap counts the real peer, not the balancer: the same client again
  // is over its cap, another client through the same balancer is not.
  RawConnection same(listener->port());
  same.Write(ProxyV2Header("203.0.113.9", 40124));
  EXPECT_TRUE(same.ClosedByPeer());
  EXPECT_TRUE(
      log.Has("203.0.113.9:40124 refused: limit of 1 connections "
              "per peer reached"))
      << log.All();
  RawConnection other(listener->port());
  other.Write(ProxyV2Header("198.51.100.7", 5000) + MllpFrame("two"));
  EXPECT_THAT(other.ReadFrames(1), ElementsAre("ACK:198.51.100.7:5000:two"));
}

TEST(MllpListenerLimitsTest, ProxyHeaderFromAnUntrustedPeerIsRefused) {
  Log log;
  MllpListenerOptions options = LocalOptions(log);
  options.proxy_protocol = true;
  options.trusted_proxies = *net::IpAllowList::Parse({"127.0.0.1/32"});
  auto listener = StartEcho(options);
  RawConnection c(listener->port(), "127.0.0.2");
  c.Write(ProxyV2Header("203.0.113.9", 40123) + MllpFrame("one"));
  bool eof = false;
  EXPECT_THAT(c.ReadFrames(1, &eof), ::testing::IsEmpty());
  EXPECT_TRUE(eof);
  EXPECT_TRUE(log.Has("127.0.0.2")) << log.All();
  EXPECT_TRUE(log.Has("not a trusted proxy")) << log.All();
}

TEST(MllpListenerLimitsTest, AProxyListenerRefusesAStreamWithoutAHeader) {
  Log log;
  MllpListenerOptions options = LocalOptions(log);
  options.proxy_protocol = true;
  options.trusted_proxies = *net::IpAllowList::Parse({"127.0.0.0/8"});
  auto listener = StartEcho(options);
  RawConnection c(listener->port());
  c.Write(MllpFrame("MSH|^~\\&|no header") + std::string(16, 'x'));
  EXPECT_TRUE(c.ClosedByPeer());
  EXPECT_TRUE(log.Has("not a PROXY protocol header")) << log.All();
}

// nginx's stream module (`proxy_protocol on`) sends the v1 text line.
TEST(MllpListenerLimitsTest, AV1ProxyLineNamesTheRealPeer) {
  Log log;
  MllpListenerOptions options = LocalOptions(log);
  options.proxy_protocol = true;
  options.trusted_proxies = *net::IpAllowList::Parse({"127.0.0.1/32"});
  auto listener = StartEcho(options);
  RawConnection whole(listener->port());
  whole.Write("PROXY TCP4 203.0.113.9 10.0.0.1 40123 2575\r\n" +
              MllpFrame("one"));
  EXPECT_THAT(whole.ReadFrames(1), ElementsAre("ACK:203.0.113.9:40123:one"));
  // A line that arrives in pieces, the frame right behind its CRLF: no
  // byte of the frame is taken for the header.
  RawConnection pieces(listener->port());
  pieces.Write("PROXY TCP6 2001:db8::7 2001:d");
  absl::SleepFor(absl::Milliseconds(50));
  pieces.Write("b8::1 40124 2575\r");
  absl::SleepFor(absl::Milliseconds(50));
  pieces.Write("\n" + MllpFrame("two"));
  EXPECT_THAT(pieces.ReadFrames(1), ElementsAre("ACK:2001:db8::7:40124:two"));
  // UNKNOWN (nginx's health check, or a peer it cannot name): the
  // balancer's own address stands.
  RawConnection unknown(listener->port());
  unknown.Write("PROXY UNKNOWN\r\n" + MllpFrame("three"));
  EXPECT_THAT(unknown.ReadFrames(1),
              ElementsAre(::testing::StartsWith("ACK:127.0.0.1:")));
  // A bad line is refused with its reason, not its address.
  RawConnection bad(listener->port());
  bad.Write("PROXY TCP4 203.0.113.999 10.0.0.1 1 2\r\n" + MllpFrame("four"));
  EXPECT_TRUE(bad.ClosedByPeer());
  EXPECT_TRUE(log.Has("source address is not a valid IPv4 address"))
      << log.All();
  EXPECT_FALSE(log.Has("203.0.113.999")) << log.All();
}

TEST(MllpListenerLimitsTest, TheAllowListAppliesToTheAddressTheHeaderNames) {
  Log log;
  MllpListenerOptions options = LocalOptions(log);
  options.proxy_protocol = true;
  options.trusted_proxies = *net::IpAllowList::Parse({"127.0.0.1/32"});
  options.allowed_peers = *net::IpAllowList::Parse({"203.0.113.0/24"});
  auto listener = StartEcho(options);
  RawConnection inside(listener->port());
  inside.Write(ProxyV2Header("203.0.113.9", 1) + MllpFrame("in"));
  EXPECT_THAT(inside.ReadFrames(1), ElementsAre("ACK:203.0.113.9:1:in"));
  RawConnection outside(listener->port());
  outside.Write(ProxyV2Header("192.0.2.1", 1) + MllpFrame("out"));
  EXPECT_TRUE(outside.ClosedByPeer());
  EXPECT_TRUE(log.Has("192.0.2.1:1 refused: not in mllp.allowed_networks"))
      << log.All();
}

TEST(MllpListenerLimitsTest, ASilentConnectionIsClosedAtTheHandshakeDeadline) {
  Log log;
  MllpListenerOptions options = LocalOptions(log);
  options.proxy_protocol = true;
  options.trusted_proxies = *net::IpAllowList::Parse({"127.0.0.0/8"});
  options.handshake_timeout = absl::Milliseconds(300);
  auto listener = StartEcho(options);
  const absl::Time start = absl::Now();
  RawConnection c(listener->port());
  c.Write(ProxyV2Header("203.0.113.9", 1).substr(0, 10));  // then nothing
  EXPECT_TRUE(c.ClosedByPeer());
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  EXPECT_TRUE(log.Has("PROXY header not finished within 300 ms")) << log.All();
  AwaitActive(*listener, 0);
}

TEST(MllpListenerLimitsTest, StopSendsTheAcksStillOwedBeforeClosing) {
  Log log;
  MllpListenerOptions options = LocalOptions(log);
  options.drain_timeout = absl::Seconds(5);
  auto listener = MllpListener::Start(
      options,
      [](const std::string& payload, std::function<void(std::string)> reply) {
        std::thread([payload, reply] {
          absl::SleepFor(absl::Milliseconds(300));
          reply("late:" + payload);
        }).detach();
      });
  ASSERT_THAT(listener, IsOk());
  RawConnection c((*listener)->port());
  c.Write(MllpFrame("a") + MllpFrame("b"));
  absl::SleepFor(absl::Milliseconds(50));  // both read, neither answered
  std::thread stop([&listener] { (*listener)->Stop(); });
  bool eof = false;
  EXPECT_THAT(c.ReadFrames(3, &eof), ElementsAre("late:a", "late:b"));
  EXPECT_TRUE(eof);
  stop.join();
}

TEST(MllpListenerLimitsTest, ManyConnectionsAreServedByAFewThreads) {
  Log log;
  MllpListenerOptions options = LocalOptions(log);
  options.io_threads = 2;
  options.max_connections = 200;
  options.max_connections_per_peer = 200;
  auto listener = StartEcho(options);
  std::vector<std::unique_ptr<RawConnection>> open;
  for (int i = 0; i < 150; ++i) {
    open.push_back(std::make_unique<RawConnection>(listener->port()));
  }
  AwaitActive(*listener, 150);
  // Every one of them is answered: none waits for a thread of its own.
  for (auto& c : open) c->Write(MllpFrame("x"));
  for (auto& c : open) {
    EXPECT_THAT(c->ReadFrames(1), ElementsAre(HasSubstr(":x")));
  }
}

}  // namespace
}  // namespace nhs::tobacco::hl7v2
