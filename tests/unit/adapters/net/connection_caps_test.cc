// Total and per-peer connection caps with RAII slots.
#include "adapters/net/connection_caps.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::net {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;

TEST(ConnectionCaps, OnePeerIsRefusedAtItsCapWhileAnotherStillGetsIn) {
  ConnectionCaps caps(/*max_total=*/10, /*max_per_key=*/2);
  auto a1 = caps.TryAcquire("addr:192.0.2.1");
  auto a2 = caps.TryAcquire("addr:192.0.2.1");
  ASSERT_THAT(a1.status(), IsOk());
  ASSERT_THAT(a2.status(), IsOk());
  EXPECT_THAT(caps.TryAcquire("addr:192.0.2.1").status(),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       ::testing::HasSubstr("per peer")));
  EXPECT_THAT(caps.TryAcquire("addr:192.0.2.2").status(), IsOk());
  EXPECT_EQ(caps.count("addr:192.0.2.1"), 2);
}

TEST(ConnectionCaps, TheTotalCapRefusesEveryKeyOnceFull) {
  ConnectionCaps caps(/*max_total=*/2, /*max_per_key=*/2);
  auto a = caps.TryAcquire("a");
  auto b = caps.TryAcquire("b");
  EXPECT_THAT(caps.TryAcquire("c").status(),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       ::testing::HasSubstr("limit of 2 connections reached")));
  EXPECT_EQ(caps.total(), 2);
}

TEST(ConnectionCaps, ReleasingASlotGivesItsPlaceBack) {
  ConnectionCaps caps(2, 1);
  {
    auto a = caps.TryAcquire("a");
    ASSERT_THAT(a.status(), IsOk());
    EXPECT_EQ(caps.total(), 1);
  }
  EXPECT_EQ(caps.total(), 0);
  EXPECT_EQ(caps.count("a"), 0);
  EXPECT_THAT(caps.TryAcquire("a").status(), IsOk());
}

TEST(ConnectionCaps, AMovedSlotIsReleasedOnceByItsNewOwner) {
  ConnectionCaps caps(2, 2);
  auto a = caps.TryAcquire("a");
  ASSERT_THAT(a.status(), IsOk());
  ConnectionCaps::Slot moved = *std::move(a);
  ConnectionCaps::Slot again;
  again = std::move(moved);
  EXPECT_FALSE(moved.held());  // NOLINT(bugprone-use-after-move)
  EXPECT_TRUE(again.held());
  EXPECT_EQ(caps.total(), 1);
  again.Release();
  EXPECT_EQ(caps.total(), 0);
}

TEST(ConnectionCaps, RekeyMovesFromTheAddressToTheCertificate) {
  ConnectionCaps caps(10, 1);
  auto slot = caps.TryAcquire("addr:192.0.2.1");
  ASSERT_THAT(slot.status(), IsOk());
  ASSERT_THAT(slot->Rekey("cert:RX1"), IsOk());
  EXPECT_EQ(caps.count("addr:192.0.2.1"), 0);
  EXPECT_EQ(caps.count("cert:RX1"), 1);
  EXPECT_EQ(slot->key(), "cert:RX1");
  EXPECT_EQ(caps.total(), 1);
}

TEST(ConnectionCaps, RekeyToAFullKeyIsRefusedAndKeepsTheOldKey) {
  ConnectionCaps caps(10, 1);
  auto held = caps.TryAcquire("cert:RX1");
  auto slot = caps.TryAcquire("addr:192.0.2.1");
  ASSERT_THAT(slot.status(), IsOk());
  EXPECT_THAT(slot->Rekey("cert:RX1"),
              StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_EQ(slot->key(), "addr:192.0.2.1");
  EXPECT_EQ(caps.count("addr:192.0.2.1"), 1);
}

TEST(ConnectionCaps, AnEmptyKeyCountsAgainstTheTotalOnly) {
  ConnectionCaps caps(3, 1);
  auto a = caps.TryAcquire("");
  auto b = caps.TryAcquire("");
  EXPECT_THAT(a.status(), IsOk());
  EXPECT_THAT(b.status(), IsOk());
  EXPECT_EQ(caps.total(), 2);
}

TEST(ConnectionCaps, SlotsMayOutliveTheCaps) {
  ConnectionCaps::Slot slot;
  {
    ConnectionCaps caps(1, 1);
    slot = *caps.TryAcquire("a");
  }
  slot.Release();
  EXPECT_FALSE(slot.held());
}

TEST(ConnectionCaps, ConcurrentAcquiresNeverExceedTheCaps) {
  ConnectionCaps caps(/*max_total=*/16, /*max_per_key=*/4);
  std::vector<std::thread> threads;
  std::atomic<int> peak_total{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&caps, &peak_total, t] {
      for (int i = 0; i < 500; ++i) {
        auto slot = caps.TryAcquire(t % 2 == 0 ? "even" : "odd");
        if (!slot.ok()) continue;
        const int total = caps.total();
        int seen = peak_total.load();
        while (total > seen && !peak_total.compare_exchange_weak(seen, total)) {
        }
        EXPECT_LE(caps.count(slot->key()), 4);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_LE(peak_total.load(), 8);  // two keys of four each
  EXPECT_EQ(caps.total(), 0);
}

}  // namespace
}  // namespace nhs::tobacco::net
