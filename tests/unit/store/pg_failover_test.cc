// PostgreSQL is not the single point of failure (issue 16): a gateway
// configured with both servers and target_session_attrs=read-write follows
// a promoted standby without a restart, and every write it acknowledged
// before the primary died is there (the standby is synchronous). Its own
// primary and standby (tests/testing/postgres/pg_test_server.sh), since
// the primary is killed.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gateway/store/store.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "tests/testing/pg_test_server.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::store {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;

v1::Referral Referral(const std::string& id) {
  v1::Referral r;
  r.set_referral_id(id);
  r.mutable_patient()->set_nhs_number("9990000018");
  r.mutable_referrer()->set_ods_code("RX9");
  r.mutable_service()->set_ods_code("TDS01");
  r.mutable_gp_practice()->set_ods_code("Y90001");
  r.set_status(v1::REFERRAL_STATUS_RECEIVED);
  *r.mutable_created_at() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(1);
  return r;
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
  v1::StoreConfig config;
  config.set_data_dir((dir_ / "gateway").string());
  config.mutable_postgres()->set_conninfo(
      testing::ReadPgServerFile(dir_ / "standby/conninfo_pair"));
  config.mutable_postgres()->set_password_file(
      (dir_ / "primary/password").string());
  auto opened = OpenStore(config);
  ASSERT_THAT(opened, IsOk());
  store_ = *std::move(opened);
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

}  // namespace
}  // namespace nhs::tobacco::store
