// Backup and restore (issue 15) on the real tobacco-gateway binary: a
// backup taken with `tobacco-gateway backup` in a child process while a
// client writes referrals and prescription requests, restored with
// `tobacco-gateway restore` into a new data folder, serves every record
// acknowledged before the backup began, and its audit chain verifies.
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gateway/store/sqlite/sqlite_backup.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nhs/tobacco/v1/admin_service.grpc.pb.h"
#include "tests/testing/dev_certs.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/sample_requests.h"
#include "tests/testing/test_gateway.h"

namespace nhs::tobacco {
namespace {

namespace fs = std::filesystem;
using ::nhs::tobacco::testing::Clients;
using ::nhs::tobacco::testing::Ctx;
using ::nhs::tobacco::testing::FreeLoopbackPort;
using ::nhs::tobacco::testing::FreshDataDir;
using ::nhs::tobacco::testing::ReadFile;
using ::nhs::tobacco::testing::SampleConfig;
using ::nhs::tobacco::testing::SampleRecommendation;
using ::nhs::tobacco::testing::SampleReferralRequest;
using ::nhs::tobacco::testing::SpawnGateway;
using ::nhs::tobacco::testing::StopGracefully;
using ::nhs::tobacco::testing::WriteConfigFile;
using ::testing::HasSubstr;

// Runs `tobacco-gateway <args>`; its exit status, stdout and stderr.
struct Ran {
  int exit_code = -1;
  std::string out;
};
Ran RunGatewayCommand(const std::vector<std::string>& args,
                      const fs::path& out_path) {
  pid_t pid = fork();
  if (pid == 0) {
    FILE* out = fopen(out_path.c_str(), "w");
    if (out != nullptr) {
      dup2(fileno(out), STDOUT_FILENO);
      dup2(fileno(out), STDERR_FILENO);
    }
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(TOBACCO_GATEWAY_BIN));
    for (const std::string& a : args)
      argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(TOBACCO_GATEWAY_BIN, argv.data());
    _exit(127);
  }
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  Ran ran;
  ran.exit_code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
  ran.out = ReadFile(out_path);
  return ran;
}

// What the client was told was stored.
struct Acknowledged {
  std::vector<std::string> referral_ids;
  std::vector<std::string> prescription_ids;
};

v1::GatewayConfig ConfigFor(const fs::path& data_dir, int port) {
  v1::GatewayConfig config = SampleConfig(data_dir);
  config.mutable_grpc()->set_address(absl::StrCat("127.0.0.1:", port));
  config.clear_mllp();
  for (v1::OrganisationConfig& o : *config.mutable_organisations()) {
    o.clear_mllp();
  }
  return config;
}

TEST(BackupRestoreTest, BackupUnderLoadRestoresIntoANewGatewayWithEveryAck) {
  const fs::path dir = FreshDataDir();
  fs::create_directories(dir / "backups");
  const std::string log_path = (dir / "gateway.log").string();
  const int port = FreeLoopbackPort();
  const std::string config_path = (dir / "gateway.textproto").string();
  WriteConfigFile(ConfigFor(dir / "data", port), config_path);

  pid_t pid = SpawnGateway(TOBACCO_GATEWAY_BIN, config_path, log_path);
  ASSERT_GT(pid, 0);
  auto clients = std::make_unique<Clients>(port);
  ASSERT_TRUE(clients->channel->WaitForConnected(
      absl::ToChronoTime(absl::Now() + absl::Seconds(20))))
      << ReadFile(log_path);

  // One client thread writes as fast as the gateway answers: a referral,
  // its acceptance and a GP prescription request, again and again.
  absl::Mutex mu;
  Acknowledged acked;
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::thread writer([&] {
    for (int i = 0; !stop.load(); ++i) {
      const std::string key = absl::StrCat("load-", i);
      v1::Referral referral;
      grpc::Status s = clients->referrals->CreateReferral(
          Ctx(absl::Seconds(5)).get(), SampleReferralRequest(key), &referral);
      if (!s.ok()) {
        ++failures;
        continue;
      }
      {
        absl::MutexLock lock(&mu);
        acked.referral_ids.push_back(referral.referral_id());
      }
      v1::UpdateReferralStatusRequest accept;
      accept.set_request_id(absl::StrCat(key, "-accept"));
      accept.set_referral_id(referral.referral_id());
      accept.set_status(v1::REFERRAL_STATUS_ACCEPTED);
      accept.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
      s = clients->referrals->UpdateReferralStatus(Ctx(absl::Seconds(5)).get(),
                                                   accept, &referral);
      if (!s.ok()) {
        ++failures;
        continue;
      }
      v1::PrescriptionRequest prescription;
      s = clients->prescriptions->RecommendPrescription(
          Ctx(absl::Seconds(5)).get(),
          SampleRecommendation(absl::StrCat(key, "-gp"), referral.referral_id(),
                               "varenicline-1mg", v1::ROUTE_GP_PRESCRIPTION),
          &prescription);
      if (!s.ok()) {
        ++failures;
        continue;
      }
      absl::MutexLock lock(&mu);
      acked.prescription_ids.push_back(prescription.prescription_id());
    }
  });
  auto acked_now = [&] {
    absl::MutexLock lock(&mu);
    return acked;
  };
  while (acked_now().prescription_ids.size() < 100 && failures.load() == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(failures.load(), 0) << ReadFile(log_path);

  // Everything acknowledged before the backup starts must be in it.
  const Acknowledged before = acked_now();
  const absl::Time backup_started = absl::Now();
  const Ran backup = RunGatewayCommand(
      {"backup", "--config", config_path, "--to", (dir / "backups").string()},
      dir / "backup.out");
  const absl::Duration backup_took = absl::Now() - backup_started;
  const size_t acked_during_backup =
      acked_now().referral_ids.size() - before.referral_ids.size();
  // The load goes on after the backup too: the copy is a snapshot, not the
  // end of the log.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  stop = true;
  writer.join();
  ASSERT_EQ(backup.exit_code, 0) << backup.out;
  EXPECT_EQ(failures.load(), 0) << "a write failed during the backup";
  EXPECT_THAT(backup.out, HasSubstr("integrity ok"));
  std::cout << "backup of " << before.referral_ids.size() << " referrals and "
            << before.prescription_ids.size() << " prescription requests took "
            << backup_took << "; the gateway acknowledged "
            << acked_during_backup << " referrals meanwhile\n"
            << backup.out;

  std::vector<fs::path> backups;
  for (const auto& entry : fs::directory_iterator(dir / "backups")) {
    backups.push_back(entry.path());
  }
  ASSERT_EQ(backups.size(), 1u) << "one backup, no temporary left beside it";
  EXPECT_THAT(backups[0].filename().string(),
              ::testing::StartsWith("gateway-"));
  EXPECT_TRUE(store::CheckSqliteIntegrity(backups[0].string()).ok());

  // The same name again is refused: a backup is never overwritten unasked.
  const std::string named = (dir / "backups" / "named.db").string();
  ASSERT_EQ(
      RunGatewayCommand({"backup", "--config", config_path, "--to", named},
                        dir / "named.out")
          .exit_code,
      0);
  const Ran again = RunGatewayCommand(
      {"backup", "--config", config_path, "--to", named}, dir / "again.out");
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.out, HasSubstr("--overwrite"));
  const Ran no_target =
      RunGatewayCommand({"backup", "--config", config_path}, dir / "no.out");
  EXPECT_EQ(no_target.exit_code, 2);
  EXPECT_THAT(no_target.out, HasSubstr("--to FILE or FOLDER is required"));

  // Restore refuses while the gateway has its database open.
  const Ran while_running =
      RunGatewayCommand({"restore", "--config", config_path, "--from",
                         backups[0].string(), "--overwrite"},
                        dir / "while-running.out");
  EXPECT_EQ(while_running.exit_code, 1);
  EXPECT_THAT(while_running.out, HasSubstr("another gateway"));

  clients.reset();
  ASSERT_TRUE(StopGracefully(pid)) << ReadFile(log_path);

  // Restored over the database it came from, stopped: the clean shutdown
  // checkpointed a head past the backup's, and restore names the rows lost.
  {
    const fs::path copy_dir = dir / "same-folder";
    fs::copy(dir / "data", copy_dir, fs::copy_options::recursive);
    v1::GatewayConfig same = ConfigFor(copy_dir, FreeLoopbackPort());
    const std::string same_path = (dir / "same.textproto").string();
    WriteConfigFile(same, same_path);
    const Ran refused = RunGatewayCommand(
        {"restore", "--config", same_path, "--from", backups[0].string()},
        dir / "same-refused.out");
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_THAT(refused.out, HasSubstr("--overwrite"));
    const Ran over =
        RunGatewayCommand({"restore", "--config", same_path, "--from",
                           backups[0].string(), "--overwrite"},
                          dir / "same.out");
    ASSERT_EQ(over.exit_code, 0) << over.out;
    std::cout << over.out;
    EXPECT_THAT(over.out, HasSubstr("were written after this backup"));
    EXPECT_THAT(over.out, HasSubstr("audit-checkpoints.log"));
  }

  // A data folder whose audit key did not seal the backup: refused before
  // any database is put there.
  {
    const fs::path other = dir / "other-key";
    fs::create_directories(other);
    std::ofstream(other / "audit-dev.key") << std::string(64, 'f') << "\n";
    fs::permissions(other / "audit-dev.key",
                    fs::perms::owner_read | fs::perms::owner_write);
    const std::string other_path = (dir / "other.textproto").string();
    WriteConfigFile(ConfigFor(other, FreeLoopbackPort()), other_path);
    const Ran wrong_key = RunGatewayCommand(
        {"restore", "--config", other_path, "--from", backups[0].string()},
        dir / "wrong-key.out");
    EXPECT_EQ(wrong_key.exit_code, 1);
    EXPECT_THAT(wrong_key.out, HasSubstr("audit chain is broken at row 1"));
    EXPECT_FALSE(fs::exists(other / "gateway.db"));
    EXPECT_FALSE(fs::exists(other / ".restore-staging"));
  }

  // A new gateway, in a new data folder, on another port. The sample's
  // development audit key lives in the data folder: it goes with the
  // backup (in production the key is a file outside the data folder).
  const fs::path restored_dir = dir / "restored";
  fs::create_directories(restored_dir);
  fs::copy_file(dir / "data" / "audit-dev.key", restored_dir / "audit-dev.key");
  fs::permissions(restored_dir / "audit-dev.key",
                  fs::perms::owner_read | fs::perms::owner_write);
  const int new_port = FreeLoopbackPort();
  const std::string new_config_path = (dir / "restored.textproto").string();
  WriteConfigFile(ConfigFor(restored_dir, new_port), new_config_path);
  const Ran restore = RunGatewayCommand(
      {"restore", "--config", new_config_path, "--from", backups[0].string()},
      dir / "restore.out");
  ASSERT_EQ(restore.exit_code, 0) << restore.out;
  EXPECT_THAT(restore.out, HasSubstr("audit chain intact"));

  pid = SpawnGateway(TOBACCO_GATEWAY_BIN, new_config_path, log_path);
  ASSERT_GT(pid, 0);
  clients = std::make_unique<Clients>(new_port);
  ASSERT_TRUE(clients->channel->WaitForConnected(
      absl::ToChronoTime(absl::Now() + absl::Seconds(20))))
      << ReadFile(log_path);

  auto admin = v1::AdminService::NewStub(clients->channel);
  v1::VerifyAuditChainResponse verified;
  ASSERT_TRUE(admin
                  ->VerifyAuditChain(Ctx().get(), v1::VerifyAuditChainRequest(),
                                     &verified)
                  .ok());
  EXPECT_TRUE(verified.intact()) << verified.problem();
  EXPECT_GT(verified.rows_checked(), 0);

  for (const std::string& id : before.referral_ids) {
    v1::GetReferralRequest get;
    get.set_referral_id(id);
    v1::Referral got;
    ASSERT_TRUE(clients->referrals->GetReferral(Ctx().get(), get, &got).ok())
        << "referral acknowledged before the backup is not in it: " << id;
  }
  for (const std::string& id : before.prescription_ids) {
    v1::GetPrescriptionRequest get;
    get.set_prescription_id(id);
    v1::PrescriptionRequest got;
    ASSERT_TRUE(
        clients->prescriptions->GetPrescription(Ctx().get(), get, &got).ok())
        << "prescription request acknowledged before the backup is not in "
           "it: "
        << id;
    EXPECT_EQ(got.status(), v1::PRESCRIPTION_STATUS_RECOMMENDED);
  }
  clients.reset();
  admin.reset();
  EXPECT_TRUE(StopGracefully(pid)) << ReadFile(log_path);

  // Neither the commands nor the gateways print a patient identifier.
  for (const std::string& text :
       {ReadFile(log_path), backup.out, restore.out}) {
    EXPECT_EQ(text.find("9990000018"), std::string::npos);
    EXPECT_EQ(text.find("1980-04-01"), std::string::npos);
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace nhs::tobacco
