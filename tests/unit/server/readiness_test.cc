// Readiness without sockets or a store: the pure verdict, the dispatcher's
// liveness, and the store write probe against probes that answer at once,
// late, with an error, or never.
#include "gateway/server/readiness.h"

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::server {
namespace {

using ::testing::HasSubstr;

ReadinessFacts AllGood() {
  ReadinessFacts facts;
  facts.migrations_done = true;
  facts.store = absl::OkStatus();
  facts.listeners = {{"grpc", true}, {"fhir", true}, {"mllp", true}};
  facts.delivery = absl::OkStatus();
  return facts;
}

std::vector<std::string> Failing(const ReadinessReport& report) {
  std::vector<std::string> names;
  for (const ReadinessCheck& check : report.checks) {
    if (!check.ok) names.push_back(check.name);
  }
  return names;
}

TEST(EvaluateReadinessTest, EverythingUpIsReadyWithEveryCheckNamed) {
  const ReadinessReport report = EvaluateReadiness(AllGood());
  EXPECT_TRUE(report.ready());
  EXPECT_EQ(report.Json(),
            R"({"status":"ready","checks":{"draining":{"ok":true},)"
            R"("store":{"ok":true},"migrations":{"ok":true},)"
            R"("listener_grpc":{"ok":true},"listener_fhir":{"ok":true},)"
            R"("listener_mllp":{"ok":true},"delivery":{"ok":true}},)"
            R"("failing":[]})");
}

TEST(EvaluateReadinessTest, EachFailingFactIsNamedWithItsReason) {
  ReadinessFacts facts = AllGood();
  facts.draining = true;
  facts.store = absl::UnavailableError("database is locked");
  facts.listeners[1].second = false;
  facts.delivery = absl::UnavailableError("stalled");
  const ReadinessReport report = EvaluateReadiness(facts);
  EXPECT_FALSE(report.ready());
  EXPECT_EQ(Failing(report),
            (std::vector<std::string>{"draining", "store", "listener_fhir",
                                      "delivery"}));
  EXPECT_THAT(report.Json(), HasSubstr(R"("status":"not ready")"));
  EXPECT_THAT(report.Json(), HasSubstr("database is locked"));
  EXPECT_THAT(report.Json(),
              HasSubstr(R"("failing":["draining","store","listener_fhir",)"
                        R"("delivery"])"));
}

TEST(EvaluateReadinessTest, MigrationsNotDoneIsNotReady) {
  ReadinessFacts facts = AllGood();
  facts.migrations_done = false;
  EXPECT_EQ(Failing(EvaluateReadiness(facts)),
            std::vector<std::string>{"migrations"});
}

TEST(DeliveryLivenessTest, PausedDispatcherThatIsNotRunningIsFine) {
  const absl::Time now = absl::FromUnixSeconds(1000);
  EXPECT_TRUE(DeliveryLiveness(false, true, absl::InfinitePast(), now,
                               absl::Seconds(30))
                  .ok());
  EXPECT_THAT(DeliveryLiveness(false, false, absl::InfinitePast(), now,
                               absl::Seconds(30))
                  .message(),
              HasSubstr("not running"));
}

TEST(DeliveryLivenessTest, LoopSilentPastTheLimitIsStalledSayingForHowLong) {
  const absl::Time now = absl::FromUnixSeconds(1000);
  EXPECT_TRUE(DeliveryLiveness(true, false, now - absl::Seconds(29), now,
                               absl::Seconds(30))
                  .ok());
  const absl::Status stalled = DeliveryLiveness(
      true, false, now - absl::Seconds(45), now, absl::Seconds(30));
  EXPECT_EQ(stalled.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(stalled.message(), HasSubstr("45s"));
}

TEST(StoreWriteProbeTest, ProbeAnsweredAtOnceIsOkAfterTheFirstRound) {
  StoreWriteProbe probe(
      [](std::function<void(absl::Status)> done) { done(absl::OkStatus()); },
      absl::Milliseconds(20), absl::Seconds(1));
  probe.AwaitFirst(absl::Seconds(5));
  EXPECT_TRUE(probe.Latest().ok()) << probe.Latest();
}

TEST(StoreWriteProbeTest, WriteErrorIsReported) {
  StoreWriteProbe probe(
      [](std::function<void(absl::Status)> done) {
        done(absl::UnavailableError("database or disk is full"));
      },
      absl::Milliseconds(20), absl::Seconds(1));
  probe.AwaitFirst(absl::Seconds(5));
  EXPECT_THAT(probe.Latest().message(), HasSubstr("disk is full"));
}

// A probe held (like a write behind another process's lock) fails once the
// timeout passes, is not queued a second time, and its late answer is the
// next verdict.
TEST(StoreWriteProbeTest,
     UnansweredProbeFailsAtTimeoutAndRecoversWhenAnswered) {
  absl::Mutex mu;
  std::vector<std::function<void(absl::Status)>> held;
  std::atomic<int> started{0};
  auto probe = std::make_unique<StoreWriteProbe>(
      [&](std::function<void(absl::Status)> done) {
        ++started;
        absl::MutexLock lock(&mu);
        held.push_back(std::move(done));
      },
      absl::Milliseconds(10), absl::Milliseconds(100));
  probe->AwaitFirst(absl::Seconds(5));
  EXPECT_THAT(probe->Latest().message(), HasSubstr("no answer within"));
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(started.load(), 1);
  std::function<void(absl::Status)> release;
  {
    absl::MutexLock lock(&mu);
    ASSERT_EQ(held.size(), 1u);
    release = held[0];
  }
  release(absl::OkStatus());
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (!probe->Latest().ok() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_TRUE(probe->Latest().ok());
  // Stopping while a later probe is held returns; its answer after the
  // probe is gone is dropped.
  probe.reset();
  absl::MutexLock lock(&mu);
  for (auto& done : held) done(absl::OkStatus());
}

TEST(ReadinessTest, ReadsItsPortsAndGoesNotReadyOnceDraining) {
  std::atomic<bool> grpc_up{true};
  Readiness readiness(
      Readiness::Ports{[] { return absl::OkStatus(); },
                       [&grpc_up] {
                         return std::vector<std::pair<std::string, bool>>{
                             {"grpc", grpc_up.load()}};
                       },
                       [] { return absl::OkStatus(); }});
  EXPECT_EQ(Failing(readiness.Check()), std::vector<std::string>{"migrations"});
  readiness.SetMigrationsDone();
  EXPECT_TRUE(readiness.Check().ready());
  grpc_up = false;
  EXPECT_EQ(Failing(readiness.Check()),
            std::vector<std::string>{"listener_grpc"});
  grpc_up = true;
  readiness.SetDraining();
  EXPECT_TRUE(readiness.draining());
  EXPECT_EQ(Failing(readiness.Check()), std::vector<std::string>{"draining"});
}

}  // namespace
}  // namespace nhs::tobacco::server
