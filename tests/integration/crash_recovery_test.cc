// kill -9 the real tobacco-gateway binary while clients write, restart it,
// and prove nothing acknowledged was lost and retries create nothing twice.
#include <atomic>
#include <map>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/dev_certs.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/sample_requests.h"
#include "tests/testing/test_gateway.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::Clients;
using ::nhs::tobacco::testing::Ctx;
using ::nhs::tobacco::testing::FreeLoopbackPort;
using ::nhs::tobacco::testing::FreshDataDir;
using ::nhs::tobacco::testing::KillNine;
using ::nhs::tobacco::testing::SampleConfig;
using ::nhs::tobacco::testing::SampleReferralRequest;
using ::nhs::tobacco::testing::SpawnGateway;
using ::nhs::tobacco::testing::StopGracefully;
using ::nhs::tobacco::testing::WriteConfigFile;

TEST(CrashRecoveryTest, KillNineUnderLoadLosesNothingAcknowledged) {
  const auto dir = FreshDataDir();
  const int port = FreeLoopbackPort();
  v1::GatewayConfig config = SampleConfig(dir / "data");
  config.mutable_grpc()->set_address(absl::StrCat("127.0.0.1:", port));
  const std::string config_path = (dir / "gateway.textproto").string();
  WriteConfigFile(config, config_path);
  const std::string log_path = (dir / "gateway.log").string();

  // request_id -> referral_id for every acknowledged create.
  absl::Mutex mu;
  std::map<std::string, std::string> acknowledged;
  std::vector<std::string> attempted;
  std::mt19937 rng(20261128);
  constexpr int kRounds = 5;
  constexpr int kWriters = 8;

  for (int round = 0; round < kRounds; ++round) {
    pid_t pid = SpawnGateway(TOBACCO_GATEWAY_BIN, config_path, log_path);
    ASSERT_GT(pid, 0);
    Clients clients(port);
    ASSERT_TRUE(clients.channel->WaitForConnected(
        absl::ToChronoTime(absl::Now() + absl::Seconds(20))))
        << "gateway did not start; see " << log_path;
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        for (int i = 0; !stop.load() && i < 100000; ++i) {
          const std::string id = absl::StrCat("r", round, "-w", w, "-", i);
          {
            absl::MutexLock lock(&mu);
            attempted.push_back(id);
          }
          v1::Referral out;
          grpc::Status s = clients.referrals->CreateReferral(
              Ctx(absl::Seconds(5)).get(), SampleReferralRequest(id), &out);
          if (!s.ok()) break;  // the gateway is gone
          absl::MutexLock lock(&mu);
          acknowledged[id] = out.referral_id();
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + rng() % 350));
    KillNine(pid);
    stop = true;
    for (auto& t : writers) t.join();
  }
  ASSERT_GT(acknowledged.size(), 50u) << "the load never got going";

  // Restart and check every acknowledged write, then retry everything.
  pid_t pid = SpawnGateway(TOBACCO_GATEWAY_BIN, config_path, log_path);
  Clients clients(port);
  ASSERT_TRUE(clients.channel->WaitForConnected(
      absl::ToChronoTime(absl::Now() + absl::Seconds(20))));
  for (const auto& [request_id, referral_id] : acknowledged) {
    v1::GetReferralRequest get;
    get.set_referral_id(referral_id);
    v1::Referral got;
    ASSERT_TRUE(clients.referrals->GetReferral(Ctx().get(), get, &got).ok())
        << "acknowledged referral lost: " << request_id;
    v1::Referral retried;
    ASSERT_TRUE(clients.referrals
                    ->CreateReferral(Ctx().get(),
                                     SampleReferralRequest(request_id),
                                     &retried)
                    .ok());
    EXPECT_EQ(retried.referral_id(), referral_id)
        << "a retry created a second referral for " << request_id;
  }
  // Requests in flight at the kill are either stored or not; retrying them
  // all now must leave exactly one referral per request id.
  for (const std::string& request_id : attempted) {
    v1::Referral out;
    ASSERT_TRUE(clients.referrals
                    ->CreateReferral(Ctx().get(),
                                     SampleReferralRequest(request_id), &out)
                    .ok());
  }
  size_t total = 0;
  std::string token;
  do {
    v1::ListReferralsRequest list;
    list.set_page_size(500);
    list.set_page_token(token);
    v1::ListReferralsResponse page;
    ASSERT_TRUE(
        clients.referrals->ListReferrals(Ctx().get(), list, &page).ok());
    total += page.referrals_size();
    token = page.next_page_token();
  } while (!token.empty());
  EXPECT_EQ(total, attempted.size());
  EXPECT_TRUE(StopGracefully(pid)) << "graceful shutdown after recovery";
  // Six gateway lifetimes of logs, thousands of referrals: no patient
  // identifier may appear in any line.
  const std::string log = ::nhs::tobacco::testing::ReadFile(log_path);
  EXPECT_FALSE(log.empty());
  EXPECT_EQ(log.find("9990000018"), std::string::npos);
  EXPECT_EQ(log.find("999 000 0018"), std::string::npos);
  EXPECT_EQ(log.find("1980-04-01"), std::string::npos) << "date of birth";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nhs::tobacco
