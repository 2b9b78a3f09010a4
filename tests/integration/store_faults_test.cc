// Store faults seen through the real gateway on a real socket: another
// connection holding the database lock, and the database reaching the
// operator's size cap. Each must answer UNAVAILABLE saying what happened,
// lose nothing it acknowledged, store nothing it said it did not, and
// recover once the fault is gone.
#include <sqlite3.h>

#include <atomic>
#include <fstream>
#include <map>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "tests/testing/sample_requests.h"
#include "tests/testing/test_gateway.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::Clients;
using ::nhs::tobacco::testing::Ctx;
using ::nhs::tobacco::testing::FreshDataDir;
using ::nhs::tobacco::testing::SampleConfig;
using ::nhs::tobacco::testing::SampleReferralRequest;
using ::testing::AllOf;
using ::testing::HasSubstr;

class StoreFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = FreshDataDir(); }
  void TearDown() override {
    clients_.reset();
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Start(const v1::StoreConfig& store) {
    v1::GatewayConfig config = SampleConfig(dir_);
    config.mutable_deadlines()->set_scan_interval_seconds(3600);
    config.mutable_store()->MergeFrom(store);
    auto server = server::GatewayServer::Start(config);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    clients_ = std::make_unique<Clients>(server_->port());
  }
  void Restart(const v1::StoreConfig& store) {
    clients_.reset();
    server_.reset();
    Start(store);
  }

  grpc::Status Create(const std::string& request_id, v1::Referral* out) {
    return clients_->referrals->CreateReferral(
        Ctx(absl::Seconds(20)).get(), SampleReferralRequest(request_id), out);
  }

  size_t CountReferrals() {
    size_t total = 0;
    std::string token;
    do {
      v1::ListReferralsRequest list;
      list.set_page_size(500);
      list.set_page_token(token);
      v1::ListReferralsResponse page;
      grpc::Status s =
          clients_->referrals->ListReferrals(Ctx().get(), list, &page);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      total += page.referrals_size();
      token = page.next_page_token();
    } while (!token.empty());
    return total;
  }

  // Every acknowledged create is stored and a retry returns it, not a
  // second referral.
  void ExpectAllStored(const std::map<std::string, std::string>& acked) {
    for (const auto& [request_id, referral_id] : acked) {
      v1::GetReferralRequest get;
      get.set_referral_id(referral_id);
      v1::Referral got;
      EXPECT_TRUE(clients_->referrals->GetReferral(Ctx().get(), get, &got).ok())
          << "acknowledged referral lost: " << request_id;
      v1::Referral retried;
      ASSERT_TRUE(Create(request_id, &retried).ok());
      EXPECT_EQ(retried.referral_id(), referral_id) << request_id;
    }
  }

  std::filesystem::path dir_;
  std::unique_ptr<server::GatewayServer> server_;
  std::unique_ptr<Clients> clients_;
};

TEST_F(StoreFaultsTest, LockedDatabaseAnswersUnavailableAndWritesResumeAfter) {
  v1::StoreConfig store;
  store.set_busy_timeout_ms(200);
  Start(store);
  std::map<std::string, std::string> acked;
  for (int i = 0; i < 20; ++i) {
    const std::string id = absl::StrCat("before-", i);
    v1::Referral out;
    ASSERT_TRUE(Create(id, &out).ok());
    acked[id] = out.referral_id();
  }

  // An operator's sqlite3 shell (or a backup tool) takes the write lock.
  sqlite3* locker = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "gateway.db").string().c_str(), &locker),
            SQLITE_OK);
  sqlite3_busy_timeout(locker, 10000);
  ASSERT_EQ(sqlite3_exec(locker, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(locker);

  // Writers arriving together share a batch; all of them must be told.
  constexpr int kWriters = 4;
  std::vector<grpc::Status> during(kWriters);
  std::vector<absl::Duration> took(kWriters);
  {
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        const absl::Time start = absl::Now();
        v1::Referral out;
        during[w] = Create(absl::StrCat("locked-", w), &out);
        took[w] = absl::Now() - start;
      });
    }
    for (std::thread& t : writers) t.join();
  }
  for (int w = 0; w < kWriters; ++w) {
    EXPECT_EQ(during[w].error_code(), grpc::StatusCode::UNAVAILABLE)
        << during[w].error_message();
    EXPECT_THAT(during[w].error_message(),
                AllOf(HasSubstr("locked"), HasSubstr("busy_timeout_ms"),
                      HasSubstr("nothing was stored")));
    // The configured wait, not the 5 s default nor the client's deadline.
    EXPECT_LT(took[w], absl::Seconds(4));
  }
  // Readers do not need the write lock (WAL): the API still answers.
  EXPECT_EQ(CountReferrals(), acked.size())
      << "a write refused as UNAVAILABLE was stored";

  ASSERT_EQ(sqlite3_exec(locker, "COMMIT", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(locker);

  for (int w = 0; w < kWriters; ++w) {
    const std::string id = absl::StrCat("locked-", w);
    v1::Referral out;
    grpc::Status s = Create(id, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
    acked[id] = out.referral_id();
  }
  v1::Referral after;
  ASSERT_TRUE(Create("after", &after).ok());
  acked["after"] = after.referral_id();
  ExpectAllStored(acked);
  EXPECT_EQ(CountReferrals(), acked.size());
}

TEST_F(StoreFaultsTest, FullDatabaseAnswersUnavailableAndALargerCapRecovers) {
  v1::StoreConfig store;
  store.set_max_database_mb(1);
  Start(store);

  // Concurrent writers until every one of them has been refused, so refusals
  // land in shared batches as well as alone.
  constexpr int kWriters = 8;
  constexpr int kMaxPerWriter = 2000;  // 1 MiB fills long before this
  absl::Mutex mu;
  std::map<std::string, std::string> acked;
  std::map<std::string, grpc::Status> refused;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kMaxPerWriter; ++i) {
        const std::string id = absl::StrCat("w", w, "-", i);
        v1::Referral out;
        grpc::Status s = Create(id, &out);
        absl::MutexLock lock(&mu);
        if (!s.ok()) {
          refused[id] = s;
          return;
        }
        acked[id] = out.referral_id();
      }
    });
  }
  for (std::thread& t : writers) t.join();
  ASSERT_GT(acked.size(), 50u) << "the cap left no room for any work";
  ASSERT_EQ(refused.size(), static_cast<size_t>(kWriters))
      << "the database never filled";
  for (const auto& [id, s] : refused) {
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE)
        << id << ": " << s.error_message();
    EXPECT_THAT(s.error_message(), AllOf(HasSubstr("database is full"),
                                         HasSubstr("store.max_database_mb"),
                                         HasSubstr("nothing was stored")));
  }
  std::cout << "1 MiB cap: " << acked.size() << " referrals acknowledged, "
            << refused.size() << " refused, e.g. \""
            << refused.begin()->second.error_message() << "\"\n";

  // Full, the gateway still reads and has stored exactly what it
  // acknowledged: a refusal says "nothing was stored", and it is true.
  EXPECT_EQ(CountReferrals(), acked.size())
      << "a write refused as UNAVAILABLE was stored";
  for (const auto& [request_id, referral_id] : acked) {
    v1::GetReferralRequest get;
    get.set_referral_id(referral_id);
    v1::Referral got;
    EXPECT_TRUE(clients_->referrals->GetReferral(Ctx().get(), get, &got).ok())
        << "acknowledged referral lost: " << request_id;
  }

  // The operator raises the cap and restarts: the refused retries succeed.
  store.set_max_database_mb(8);
  Restart(store);
  for (const auto& [id, s] : refused) {
    v1::Referral out;
    grpc::Status retried = Create(id, &out);
    ASSERT_TRUE(retried.ok()) << retried.error_message();
    acked[id] = out.referral_id();
  }
  ExpectAllStored(acked);
  EXPECT_EQ(CountReferrals(), acked.size());
}

TEST_F(StoreFaultsTest, NegativeSizeCapIsRefusedAtStartUp) {
  v1::GatewayConfig config = SampleConfig(dir_);
  config.mutable_store()->set_max_database_mb(-1);
  const std::filesystem::path path = dir_ / "gateway.textproto";
  {
    std::string text;
    ASSERT_TRUE(google::protobuf::TextFormat::PrintToString(config, &text));
    std::ofstream(path) << text;
  }
  absl::StatusOr<v1::GatewayConfig> loaded = server::LoadConfig(path.string());
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(std::string(loaded.status().message()),
              HasSubstr("store.max_database_mb"));
}

}  // namespace
}  // namespace nhs::tobacco
