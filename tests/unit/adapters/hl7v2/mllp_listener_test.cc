#include "adapters/hl7v2/mllp_listener.h"

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "adapters/hl7v2/mllp_client.h"
#include "adapters/hl7v2/mllp_framer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/mllp_test_client.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::hl7v2 {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::IsOkAndHolds;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::HasSubstr;

using RawConnection = ::nhs::tobacco::testing::RawMllpConnection;

MllpListenerOptions LocalOptions() {
  MllpListenerOptions options;
  options.address = "127.0.0.1:0";
  options.log_warning = [](const std::string&) {};
  return options;
}

// Answers "ACK:" + payload, on another thread like the store does.
std::unique_ptr<MllpListener> StartEcho(MllpListenerOptions options) {
  auto listener = MllpListener::Start(
      std::move(options),
      [](const std::string& payload, std::function<void(std::string)> reply) {
        std::thread([payload, reply] { reply("ACK:" + payload); }).detach();
      });
  EXPECT_THAT(listener, IsOk());
  return listener.ok() ? *std::move(listener) : nullptr;
}

TEST(MllpListenerTest, SeveralMessagesOnOneConnectionAreAnsweredInOrder) {
  auto listener = StartEcho(LocalOptions());
  RawConnection c(listener->port());
  c.Write(MllpFrame("one") + MllpFrame("two") + MllpFrame("three"));
  EXPECT_THAT(c.ReadFrames(3),
              ::testing::ElementsAre("ACK:one", "ACK:two", "ACK:three"));
}

TEST(MllpListenerTest, FrameSplitAcrossManyWritesIsReassembled) {
  auto listener = StartEcho(LocalOptions());
  RawConnection c(listener->port());
  const std::string frame = MllpFrame("MSH|^~\\&|split");
  for (char ch : frame) {
    c.Write(std::string(1, ch));
    absl::SleepFor(absl::Milliseconds(1));
  }
  EXPECT_THAT(c.ReadFrames(1), ::testing::ElementsAre("ACK:MSH|^~\\&|split"));
}

TEST(MllpListenerTest, BytesOutsideAFrameCloseTheConnectionWithALogLine) {
  auto lines = std::make_shared<std::vector<std::string>>();
  auto mu = std::make_shared<absl::Mutex>();
  MllpListenerOptions options = LocalOptions();
  options.log_warning = [lines, mu](const std::string& line) {
    absl::MutexLock lock(mu.get());
    lines->push_back(line);
  };
  auto listener = StartEcho(options);
  RawConnection c(listener->port());
  c.Write("GET / HTTP/1.1\r\nHost: secret-patient-9990000018\r\n\r\n");
  EXPECT_TRUE(c.ClosedByPeer());
  absl::MutexLock lock(mu.get());
  ASSERT_EQ(lines->size(), 1u);
  EXPECT_THAT((*lines)[0], HasSubstr("not MLLP framing"));
  EXPECT_THAT((*lines)[0], ::testing::Not(HasSubstr("9990000018")));
  // The listener still serves others.
  RawConnection good(listener->port());
  good.Write(MllpFrame("ok"));
  EXPECT_THAT(good.ReadFrames(1), ::testing::ElementsAre("ACK:ok"));
}

TEST(MllpListenerTest, GoodFrameBeforeGarbageIsStillAnswered) {
  auto listener = StartEcho(LocalOptions());
  RawConnection c(listener->port());
  c.Write(MllpFrame("first") + "garbage");
  bool eof = false;
  EXPECT_THAT(c.ReadFrames(2, &eof), ::testing::ElementsAre("ACK:first"));
  EXPECT_TRUE(eof);
}

TEST(MllpListenerTest, OversizedFrameClosesTheConnection) {
  MllpListenerOptions options = LocalOptions();
  options.max_frame_bytes = 1024;
  auto listener = StartEcho(options);
  RawConnection c(listener->port());
  c.Write(MllpFrame(std::string(4096, 'x')));
  EXPECT_TRUE(c.ClosedByPeer());
}

TEST(MllpListenerTest, IdleConnectionIsClosedAfterTheTimeout) {
  MllpListenerOptions options = LocalOptions();
  options.idle_timeout = absl::Milliseconds(200);
  auto listener = StartEcho(options);
  RawConnection c(listener->port());
  EXPECT_TRUE(c.ClosedByPeer());
}

TEST(MllpListenerTest, PeersOutsideTheAllowedNetworksAreClosedOnAccept) {
  auto lines = std::make_shared<std::vector<std::string>>();
  auto mu = std::make_shared<absl::Mutex>();
  MllpListenerOptions options = LocalOptions();
  options.log_warning = [lines, mu](const std::string& line) {
    absl::MutexLock lock(mu.get());
    lines->push_back(line);
  };
  options.allowed_peers = *net::IpAllowList::Parse({"10.0.0.0/8"});
  auto listener = StartEcho(options);
  RawConnection outsider(listener->port());
  outsider.Write(MllpFrame("a"));
  EXPECT_TRUE(outsider.ClosedByPeer());
  {
    absl::MutexLock lock(mu.get());
    ASSERT_EQ(lines->size(), 1u);
    EXPECT_THAT((*lines)[0], HasSubstr("127.0.0.1"));
    EXPECT_THAT((*lines)[0], HasSubstr("not in mllp.allowed_networks"));
  }
  options.allowed_peers =
      *net::IpAllowList::Parse({"10.0.0.0/8", "127.0.0.0/8"});
  auto allowing = StartEcho(options);
  RawConnection insider(allowing->port());
  insider.Write(MllpFrame("b"));
  EXPECT_THAT(insider.ReadFrames(1), ::testing::ElementsAre("ACK:b"));
}

TEST(MllpListenerTest, ConnectionsBeyondTheCapAreClosed) {
  MllpListenerOptions options = LocalOptions();
  options.max_connections = 1;
  auto listener = StartEcho(options);
  RawConnection first(listener->port());
  first.Write(MllpFrame("a"));
  ASSERT_THAT(first.ReadFrames(1), ::testing::ElementsAre("ACK:a"));
  RawConnection second(listener->port());
  EXPECT_TRUE(second.ClosedByPeer());
}

TEST(MllpListenerTest, ReplyAfterStopIsDroppedSafely) {
  std::function<void(std::string)> saved;
  absl::Mutex mu;
  MllpListenerOptions options = LocalOptions();
  options.drain_timeout = absl::Milliseconds(100);
  auto listener = MllpListener::Start(
      options, [&](const std::string&, std::function<void(std::string)> reply) {
        absl::MutexLock lock(&mu);
        saved = reply;
      });
  ASSERT_THAT(listener, IsOk());
  {
    RawConnection c((*listener)->port());
    c.Write(MllpFrame("x"));
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(
        +[](std::function<void(std::string)>* f) { return *f != nullptr; },
        &saved));
  }
  listener->reset();
  absl::MutexLock lock(&mu);
  saved("late ACK");  // must not crash or write to a reused descriptor
}

TEST(MllpClientTest, SendsAndReadsTheAckThenReusesTheConnection) {
  auto listener = StartEcho(LocalOptions());
  MllpClientOptions options;
  options.address = absl::StrCat("127.0.0.1:", listener->port());
  MllpClient client(options);
  EXPECT_THAT(client.Send("hello"), IsOkAndHolds("ACK:hello"));
  EXPECT_THAT(client.Send("again"), IsOkAndHolds("ACK:again"));
  EXPECT_EQ(listener->active_connections(), 1);
}

TEST(MllpClientTest, ReconnectsAfterTheServerDroppedTheConnection) {
  MllpListenerOptions options = LocalOptions();
  options.idle_timeout = absl::Milliseconds(100);
  auto listener = StartEcho(options);
  MllpClientOptions client_options;
  client_options.address = absl::StrCat("127.0.0.1:", listener->port());
  MllpClient client(client_options);
  EXPECT_THAT(client.Send("one"), IsOk());
  absl::SleepFor(absl::Milliseconds(400));  // the server closes it as idle
  EXPECT_THAT(client.Send("two"), IsOkAndHolds("ACK:two"));
}

TEST(MllpClientTest, NobodyListeningIsUnavailable) {
  int port = 0;
  {
    auto listener = StartEcho(LocalOptions());
    port = listener->port();
  }
  MllpClientOptions options;
  options.address = absl::StrCat("127.0.0.1:", port);
  options.connect_timeout = absl::Seconds(1);
  MllpClient client(options);
  EXPECT_THAT(client.Send("x"), StatusIs(absl::StatusCode::kUnavailable));
}

TEST(MllpClientTest, PeerThatNeverAnswersTimesOut) {
  MllpListenerOptions listener_options = LocalOptions();
  listener_options.drain_timeout = absl::Milliseconds(100);
  auto listener = MllpListener::Start(
      listener_options,
      [](const std::string&, std::function<void(std::string)>) {});
  ASSERT_THAT(listener, IsOk());
  MllpClientOptions options;
  options.address = absl::StrCat("127.0.0.1:", (*listener)->port());
  options.io_timeout = absl::Milliseconds(200);
  options.attempts = 1;
  MllpClient client(options);
  EXPECT_THAT(client.Send("x"), StatusIs(absl::StatusCode::kDeadlineExceeded));
}

}  // namespace
}  // namespace nhs::tobacco::hl7v2
