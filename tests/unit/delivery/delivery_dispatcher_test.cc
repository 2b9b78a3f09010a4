// The outbox dispatcher against fakes of its ports: an in-memory outbox with
// the store's claim rules, a sender the test holds or lets go, and a clock
// the test moves. No store, no sockets; waits are on conditions, each with a
// timeout as a safety net only.
#include "gateway/delivery/delivery_dispatcher.h"

#include <memory>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/fake_message_sender.h"
#include "tests/testing/fake_outbox_work.h"

namespace nhs::tobacco::delivery {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

std::string MllpQueue(const std::string& ods) {
  return store::DeliveryQueue(ods, v1::DELIVERY_CHANNEL_HL7V2_MLLP);
}

DispatcherOptions Options(int workers, int per_destination,
                          absl::Duration poll = absl::Hours(1)) {
  DispatcherOptions o;
  o.workers = workers;
  o.max_in_flight_per_destination = per_destination;
  // An hour: nothing happens unless the test wakes the dispatcher.
  o.poll_interval = poll;
  o.retention = absl::Hours(24 * 7);
  return o;
}

class DeliveryDispatcherTest : public ::testing::Test {
 protected:
  // A failing test may leave sends held: let them go before the dispatcher
  // (destroyed first) waits for them.
  ~DeliveryDispatcherTest() override { sender_.Open(); }

  DeliveryDispatcher& Start(DispatcherOptions options) {
    dispatcher_ =
        std::make_unique<DeliveryDispatcher>(outbox_, sender_, clock_, options);
    dispatcher_->Start();
    return *dispatcher_;
  }

  testing::FakeClock clock_{absl::FromUnixSeconds(1800000000)};
  testing::FakeOutboxWork outbox_{clock_};
  testing::FakeMessageSender sender_;
  std::unique_ptr<DeliveryDispatcher> dispatcher_;
};

TEST_F(DeliveryDispatcherTest, NeverSendsMoreThanTheCapToOneDestination) {
  for (int i = 0; i < 6; ++i) {
    outbox_.Add(absl::StrCat("a", i), "RX1", absl::StrCat("ra", i));
    outbox_.Add(absl::StrCat("b", i), "RX2", absl::StrCat("rb", i));
  }
  sender_.Close();
  Start(Options(/*workers=*/8, /*per_destination=*/2)).Wake();
  ASSERT_TRUE(sender_.AwaitInFlight(4));
  // The claim after the first (the dispatcher claims again at once) must
  // count what is in flight and take nothing more.
  ASSERT_TRUE(outbox_.AwaitClaimCalls(2));
  EXPECT_EQ(outbox_.max_outstanding(), 4);
  sender_.Open();
  ASSERT_TRUE(outbox_.AwaitAcknowledged(12));
  EXPECT_EQ(sender_.max_in_flight_in(MllpQueue("RX1")), 2);
  EXPECT_EQ(sender_.max_in_flight_in(MllpQueue("RX2")), 2);
  EXPECT_EQ(sender_.started().size(), 12u);
}

TEST_F(DeliveryDispatcherTest, NeverRunsMoreSendsThanWorkers) {
  for (int i = 0; i < 10; ++i) {
    outbox_.Add(absl::StrCat("m", i), absl::StrCat("ODS", i),
                absl::StrCat("r", i));
  }
  sender_.Close();
  Start(Options(/*workers=*/3, /*per_destination=*/10, absl::Milliseconds(1)))
      .Wake();
  ASSERT_TRUE(sender_.AwaitInFlight(3));
  // The loop reads the clock once a pass: three more passes with every
  // worker busy, each of which could have claimed too much.
  ASSERT_TRUE(clock_.AwaitReads(clock_.reads() + 3));
  EXPECT_EQ(outbox_.max_outstanding(), 3);
  sender_.Open();
  ASSERT_TRUE(outbox_.AwaitAcknowledged(10));
  EXPECT_EQ(sender_.max_in_flight(), 3);
  EXPECT_EQ(outbox_.max_outstanding(), 3);
}

TEST_F(DeliveryDispatcherTest,
       MessagesAboutOneRecordToOneDestinationLeaveInOrder) {
  outbox_.Add("first", "RX1", "referral-1");
  outbox_.Add("second", "RX1", "referral-1");
  outbox_.Add("other", "RX1", "referral-2");
  // The poll is an hour away: "second" leaves only because the result of
  // "first" woke the dispatcher.
  Start(Options(/*workers=*/4, /*per_destination=*/4)).Wake();
  ASSERT_TRUE(outbox_.AwaitAcknowledged(3));
  std::vector<std::string> about_one;
  for (const std::string& id : outbox_.recorded()) {
    if (id != "other") about_one.push_back(id);
  }
  EXPECT_THAT(about_one, ElementsAre("first", "second"));
  EXPECT_EQ(outbox_.claims_of("second"), 1);
}

TEST_F(DeliveryDispatcherTest, ASendThatOutlivesItsLeaseIsNotSentTwice) {
  outbox_.Add("slow", "RX1", "referral-1");
  sender_.Close();
  Start(Options(/*workers=*/2, /*per_destination=*/2)).Wake();
  ASSERT_TRUE(sender_.AwaitInFlight(1));
  // The lease is the sender's timeout and some: past it, the outbox offers
  // the message again while its first send is still under way.
  clock_.Advance(sender_.send_timeout() + absl::Seconds(6));
  dispatcher_->Wake();
  ASSERT_TRUE(outbox_.AwaitClaimsOf("slow", 2));
  sender_.Open();
  ASSERT_TRUE(outbox_.AwaitAcknowledged(1));
  dispatcher_->Stop();
  EXPECT_EQ(sender_.sends_of("slow"), 1);
  EXPECT_THAT(outbox_.recorded(), ElementsAre("slow"));
  EXPECT_EQ(outbox_.state_of("slow"), v1::DELIVERY_STATE_DELIVERED);
}

TEST_F(DeliveryDispatcherTest, StartReleasesTheClaimsOfAnEarlierRunFirst) {
  outbox_.Add("orphan", "RX1", "referral-1");
  outbox_.HoldAsIfClaimedEarlier("orphan");
  Start(Options(/*workers=*/2, /*per_destination=*/2)).Wake();
  ASSERT_TRUE(outbox_.AwaitAcknowledged(1));
  EXPECT_EQ(outbox_.release_calls(), 1);
  ASSERT_FALSE(outbox_.calls().empty());
  EXPECT_EQ(outbox_.calls().front(), "release");
  EXPECT_EQ(sender_.sends_of("orphan"), 1);
}

TEST_F(DeliveryDispatcherTest, StopWaitsForSendsInFlightAndTheirResults) {
  outbox_.Add("a", "RX1", "referral-a");
  outbox_.Add("b", "RX2", "referral-b");
  outbox_.Add("c", "RX3", "referral-c");
  sender_.Close();
  Start(Options(/*workers=*/2, /*per_destination=*/2)).Wake();
  ASSERT_TRUE(sender_.AwaitInFlight(2));
  absl::Notification stopped;
  std::thread stopper([&] {
    dispatcher_->Stop();
    stopped.Notify();
  });
  // Not a synchronisation: Stop must still be waiting for the held sends.
  EXPECT_FALSE(stopped.WaitForNotificationWithTimeout(absl::Milliseconds(50)));
  sender_.Open();
  stopper.join();
  // Every message claimed was sent once and its result is durable.
  const absl::flat_hash_set<std::string> claimed = outbox_.claimed();
  EXPECT_TRUE(claimed.contains("a"));
  EXPECT_TRUE(claimed.contains("b"));
  EXPECT_EQ(outbox_.durable(), static_cast<int>(claimed.size()));
  for (const std::string& id : claimed) EXPECT_EQ(sender_.sends_of(id), 1);
  // Nothing is claimed once stopped, woken or not.
  const int claims = outbox_.claim_calls();
  dispatcher_->Wake();
  dispatcher_->Stop();
  EXPECT_EQ(outbox_.claim_calls(), claims);
}

TEST_F(DeliveryDispatcherTest, WakeClaimsWithoutWaitingForThePoll) {
  Start(Options(/*workers=*/2, /*per_destination=*/2));
  outbox_.Add("new", "RX1", "referral-1");
  // A commit queued it; the poll is an hour away.
  dispatcher_->Wake();
  ASSERT_TRUE(outbox_.AwaitAcknowledged(1));
  EXPECT_EQ(sender_.sends_of("new"), 1);
}

TEST_F(DeliveryDispatcherTest, PrunesOnceAnHourByTheClock) {
  Start(Options(/*workers=*/2, /*per_destination=*/2)).Wake();
  ASSERT_TRUE(outbox_.AwaitPruneCalls(1));
  EXPECT_EQ(outbox_.last_prune_keep(), absl::Hours(24 * 7));
  // Each wake is one pass; its claim comes after its prune decision.
  auto one_pass = [&] {
    const int claims = outbox_.claim_calls();
    dispatcher_->Wake();
    return outbox_.AwaitClaimCalls(claims + 1);
  };
  ASSERT_TRUE(one_pass());
  clock_.Advance(absl::Minutes(59));
  ASSERT_TRUE(one_pass());
  EXPECT_EQ(outbox_.prune_calls(), 1);
  clock_.Advance(absl::Minutes(1));
  ASSERT_TRUE(one_pass());
  EXPECT_EQ(outbox_.prune_calls(), 2);
}

TEST_F(DeliveryDispatcherTest, ClaimFailuresAreLoggedAtMostOnceEvery30Seconds) {
  outbox_.FailClaims(true);
  ::testing::internal::CaptureStderr();
  // Polls every millisecond: many failures in each phase below.
  Start(Options(/*workers=*/2, /*per_destination=*/2, absl::Milliseconds(1)));
  auto five_more_failures = [&] {
    return outbox_.AwaitClaimCalls(outbox_.claim_calls() + 5);
  };
  ASSERT_TRUE(five_more_failures());
  clock_.Advance(absl::Seconds(29));
  ASSERT_TRUE(five_more_failures());
  clock_.Advance(absl::Seconds(1));
  ASSERT_TRUE(five_more_failures());
  dispatcher_->Stop();
  const std::string log = ::testing::internal::GetCapturedStderr();
  std::vector<std::string> warnings;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (absl::StrContains(line, "cannot claim due messages")) {
      warnings.emplace_back(line);
    }
  }
  ASSERT_EQ(warnings.size(), 2u) << log;
  EXPECT_THAT(warnings[0], ::testing::HasSubstr("(1 times since"));
  EXPECT_THAT(warnings[1], ::testing::HasSubstr("database is locked"));
}

TEST_F(DeliveryDispatcherTest, EveryTryIsRecordedWhateverTheSenderSays) {
  outbox_.Add("ok", "RX1", "referral-1");
  outbox_.Add("refused", "RX2", "referral-2");
  outbox_.Add("unreachable", "RX3", "referral-3");
  sender_.SetResult(
      "refused",
      domain::SendResult{domain::SendOutcome::kPermanent, true, "HL7 AR"});
  sender_.SetResult("unreachable",
                    domain::SendResult{domain::SendOutcome::kTransient, false,
                                       "connection refused"});
  Start(Options(/*workers=*/4, /*per_destination=*/2)).Wake();
  ASSERT_TRUE(outbox_.AwaitAcknowledged(3));
  EXPECT_THAT(outbox_.recorded(),
              UnorderedElementsAre("ok", "refused", "unreachable"));
  EXPECT_EQ(outbox_.state_of("ok"), v1::DELIVERY_STATE_DELIVERED);
  EXPECT_EQ(outbox_.state_of("refused"), v1::DELIVERY_STATE_DEAD_LETTER);
  EXPECT_EQ(outbox_.state_of("unreachable"), v1::DELIVERY_STATE_PENDING);
  // Its backoff passes; the poll (or any wake) tries it again.
  clock_.Advance(absl::Minutes(1));
  dispatcher_->Wake();
  ASSERT_TRUE(outbox_.AwaitClaimsOf("unreachable", 2));
  ASSERT_TRUE(outbox_.AwaitAcknowledged(4));
  EXPECT_EQ(sender_.sends_of("unreachable"), 2);
  EXPECT_EQ(sender_.sends_of("ok"), 1);
}

}  // namespace
}  // namespace nhs::tobacco::delivery
