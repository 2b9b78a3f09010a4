// PostgreSQL is not the single point of failure (issue 16): a gateway
// configured with both servers and target_session_attrs=read-write follows
// a promoted standby without a restart, and every write it acknowledged
// before the primary died is there (the standby is synchronous). Its own
// primary and standby (tests/testing/postgres/pg_test_server.sh), since
// the primary is killed.
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gateway/store/store.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "tests/testing/pg_test_server.h"
#include "tests/testing/sample_referral.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::store {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;

v1::Referral Referral(const std::string& id) {
  return testing::SampleStoredReferral(id);
}

class PgFailoverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* script = std::getenv("TOBACCO_PG_SCRIPT");
    ASSERT_NE(script, nullptr)
        << "TOBACCO_PG_SCRIPT is not set: run through ctest";
    script_ = script;
    dir_ = std::filesystem::temp_directory_path() /
           absl::StrCat("pg_failover_", ::getpid());
    ASSERT_EQ(Run("start", "primary"), 0);
    ASSERT_EQ(Run("standby", "standby", "primary"), 0);
  }
  void TearDown() override {
    store_.reset();
    Run("stop", "standby");
    Run("stop", "primary");
    std::filesystem::remove_all(dir_);
  }

  int Run(const std::string& command, const std::string& server,
          const std::string& primary = "") {
    std::string line = absl::StrCat("bash ", script_, " ", command, " ",
                                    (dir_ / server).string());
    if (!primary.empty())
      absl::StrAppend(&line, " ", (dir_ / primary).string());
    return std::system(absl::StrCat(line, " >/dev/null").c_str());
  }

  // The store on both servers, primary first, following whichever
  // accepts writes (target_session_attrs=read-write).
  void OpenOnBoth() {
    v1::StoreConfig config;
    config.set_data_dir((dir_ / "gateway").string());
    config.mutable_postgres()->set_conninfo(
        testing::ReadPgServerFile(dir_ / "standby/conninfo_pair"));
    config.mutable_postgres()->set_password_file(
        (dir_ / "primary/password").string());
    auto opened = OpenStore(config);
    ASSERT_THAT(opened, IsOk());
    store_ = *std::move(opened);
  }

  absl::StatusOr<bool> Stored(const std::string& id) {
    bool found = false;
    absl::Status read = store_->Read([&](ReadTransaction& tx) -> absl::Status {
      auto r = tx.GetReferral(id);
      if (!r.ok()) return r.status();
      found = r->has_value();
      return absl::OkStatus();
    });
    if (!read.ok()) return read;
    return found;
  }

  std::string script_;
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(PgFailoverTest, TheGatewayFollowsAPromotedStandbyAndLosesNothing) {
  ASSERT_NO_FATAL_FAILURE(OpenOnBoth());
  constexpr int kBefore = 30;
  for (int i = 0; i < kBefore; ++i) {
    ASSERT_THAT(store_->WriteAndWait([i](WriteTransaction& tx) {
      return tx.InsertReferral(Referral(absl::StrCat("before-", i)));
    }),
                IsOk());
  }

  ASSERT_EQ(Run("kill", "primary"), 0);
  // No primary: a write is refused, never acknowledged.
  EXPECT_THAT(store_->WriteAndWait([](WriteTransaction& tx) {
    return tx.InsertReferral(Referral("while-down"));
  }),
              StatusIs(absl::StatusCode::kUnavailable));

  ASSERT_EQ(Run("promote", "standby"), 0);
  const absl::Time promoted = absl::Now();
  absl::Status after = absl::UnavailableError("not tried");
  const absl::Time give_up = absl::Now() + absl::Seconds(30);
  while (!after.ok() && absl::Now() < give_up) {
    after = store_->WriteAndWait([](WriteTransaction& tx) {
      return tx.InsertReferral(Referral("after"));
    });
    if (!after.ok()) {
      ASSERT_THAT(after, StatusIs(absl::StatusCode::kUnavailable));
      absl::SleepFor(absl::Milliseconds(100));
    }
  }
  ASSERT_THAT(after, IsOk()) << "writes did not resume on the new primary";
  std::cout << "writes resumed " << absl::Now() - promoted
            << " after pg_ctl promote returned\n";
  for (int i = 0; i < kBefore; ++i) {
    EXPECT_THAT(Stored(absl::StrCat("before-", i)),
                nhs::tobacco::testing::IsOkAndHolds(true))
        << "acknowledged write before-" << i << " was lost in the failover";
  }
  EXPECT_THAT(Stored("after"), nhs::tobacco::testing::IsOkAndHolds(true));
  EXPECT_THAT(Stored("while-down"), nhs::tobacco::testing::IsOkAndHolds(false));
}

// pg_ctl restart -m fast under load: the writes caught by it fail
// UNAVAILABLE saying to retry, and the same store writes again once the
// server is back, with nothing acknowledged lost.
TEST_F(PgFailoverTest, WritesFailUnavailableWhileThePrimaryRestartsThenWork) {
  ASSERT_NO_FATAL_FAILURE(OpenOnBoth());
  std::atomic<bool> stop{false};
  std::atomic<int> refused{0};
  absl::Mutex mu;
  std::vector<std::string> acknowledged;
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; !stop.load(); ++i) {
        const std::string id = absl::StrCat("w", w, "-", i);
        absl::Status written =
            store_->WriteAndWait([&id](WriteTransaction& tx) {
              return tx.InsertReferral(Referral(id));
            });
        if (written.ok()) {
          absl::MutexLock lock(&mu);
          acknowledged.push_back(id);
          continue;
        }
        ++refused;
        EXPECT_THAT(written, StatusIs(absl::StatusCode::kUnavailable,
                                      ::testing::HasSubstr("retry")));
        absl::SleepFor(absl::Milliseconds(20));
      }
    });
  }
  const auto acknowledged_count = [&] {
    absl::MutexLock lock(&mu);
    return acknowledged.size();
  };
  absl::SleepFor(absl::Milliseconds(300));
  const absl::Time restarting = absl::Now();
  ASSERT_EQ(Run("restart", "primary"), 0);
  const size_t before = acknowledged_count();
  const absl::Time give_up = absl::Now() + absl::Seconds(30);
  while (acknowledged_count() < before + 50 && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  const absl::Duration back = absl::Now() - restarting;
  stop = true;
  for (std::thread& t : writers) t.join();
  EXPECT_GE(acknowledged_count(), before + 50)
      << "writes did not resume after the restart";
  EXPECT_GT(refused.load(), 0) << "the restart refused no write";
  std::cout << refused.load() << " writes refused during the restart; "
            << acknowledged_count() << " acknowledged; 50 more within " << back
            << " of the restart's start\n";
  for (const std::string& id : acknowledged) {
    EXPECT_THAT(Stored(id), nhs::tobacco::testing::IsOkAndHolds(true))
        << "acknowledged write " << id << " was lost";
  }
}

}  // namespace
}  // namespace nhs::tobacco::store
