// The keyed audit chain on the real tobacco-gateway binary: someone with
// write access to the database file (and none to the key) rewrites a row
// and recomputes every later hash, or cuts the last rows, and
// VerifyAuditChain / `tobaccoctl audit verify` name what was done. The
// database is edited the way such a person would: with SQLite, the
// append-only triggers dropped.
#include "gateway/security/audit_chain.h"

#include <sqlite3.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "nhs/tobacco/v1/admin_service.grpc.pb.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/sample_requests.h"
#include "tests/testing/test_gateway.h"

namespace nhs::tobacco {
namespace {

using ::google::protobuf::util::TimeUtil;
using ::nhs::tobacco::testing::Clients;
using ::nhs::tobacco::testing::Ctx;
using ::nhs::tobacco::testing::FreeLoopbackPort;
using ::nhs::tobacco::testing::FreshDataDir;
using ::nhs::tobacco::testing::SampleConfig;
using ::nhs::tobacco::testing::SampleReferralRequest;
using ::nhs::tobacco::testing::SpawnGateway;
using ::nhs::tobacco::testing::StopGracefully;
using ::nhs::tobacco::testing::WriteConfigFile;
using ::testing::HasSubstr;

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The `seq=` of every checkpoint line in `text`, in order.
std::vector<int64_t> CheckpointSequences(const std::string& text) {
  std::vector<int64_t> out;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    for (absl::string_view field : absl::StrSplit(line, ' ')) {
      int64_t seq = 0;
      if (absl::ConsumePrefix(&field, "seq=") &&
          absl::SimpleAtoi(field, &seq)) {
        out.push_back(seq);
      }
    }
  }
  return out;
}

// The database as someone with write access to the file sees it.
class Database {
 public:
  explicit Database(const std::filesystem::path& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
  }
  ~Database() { sqlite3_close(db_); }

  void Exec(const std::string& sql) {
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error),
              SQLITE_OK)
        << sql << ": " << (error ? error : "");
    sqlite3_free(error);
  }

  // Every audit row, oldest first (key_id only where the column exists).
  std::vector<v1::AuditRecord> AuditRows() {
    std::vector<v1::AuditRecord> rows;
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(
        sqlite3_prepare_v2(db_, "SELECT * FROM audit_log ORDER BY sequence", -1,
                           &stmt, nullptr),
        SQLITE_OK);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      v1::AuditRecord r;
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const std::string name = sqlite3_column_name(stmt, i);
        const char* text =
            reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
        const std::string value = text == nullptr ? "" : text;
        if (name == "sequence") r.set_sequence(sqlite3_column_int64(stmt, i));
        if (name == "at_us") {
          *r.mutable_at() =
              TimeUtil::MicrosecondsToTimestamp(sqlite3_column_int64(stmt, i));
        }
        if (name == "ods_code") r.set_ods_code(value);
        if (name == "role") r.set_role(value);
        if (name == "operation") r.set_operation(value);
        if (name == "record_id") r.set_record_id(value);
        if (name == "result") r.set_result(value);
        if (name == "hash") r.set_hash(value);
        if (name == "key_id") r.set_key_id(value);
      }
      rows.push_back(r);
    }
    sqlite3_finalize(stmt);
    return rows;
  }

  void UpdateRow(const v1::AuditRecord& r, bool with_key_id) {
    std::string sql = absl::StrCat("UPDATE audit_log SET result = '",
                                   r.result(), "', hash = '", r.hash(), "'");
    if (with_key_id) absl::StrAppend(&sql, ", key_id = '", r.key_id(), "'");
    absl::StrAppend(&sql, " WHERE sequence = ", r.sequence());
    Exec(sql);
  }

 private:
  sqlite3* db_ = nullptr;
};

// How the forger recomputes the hashes after the row they changed.
enum class Forgery { kPlainSha256, kWrongKey, kDowngradeToUnkeyed };

class AuditChainBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshDataDir();
    port_ = FreeLoopbackPort();
    config_ = SampleConfig(dir_ / "data");
    config_.mutable_grpc()->set_address(absl::StrCat("127.0.0.1:", port_));
    config_.clear_mllp();
    for (v1::OrganisationConfig& o : *config_.mutable_organisations()) {
      o.clear_mllp();
    }
    // The sample's development key (made in the data folder on first
    // start); checkpoints every second so the periodic ones are seen.
    config_.mutable_audit()->set_checkpoint_interval_seconds(1);
    config_path_ = (dir_ / "gateway.textproto").string();
    log_path_ = (dir_ / "gateway.log").string();
    WriteConfigFile(config_, config_path_);
  }

  void TearDown() override {
    if (pid_ > 0) Stop();
    std::filesystem::remove_all(dir_);
  }

  void Start() {
    pid_ = SpawnGateway(TOBACCO_GATEWAY_BIN, config_path_, log_path_);
    ASSERT_GT(pid_, 0);
    clients_ = std::make_unique<Clients>(port_);
    admin_ = v1::AdminService::NewStub(clients_->channel);
    ASSERT_TRUE(clients_->channel->WaitForConnected(
        absl::ToChronoTime(absl::Now() + absl::Seconds(20))))
        << "gateway did not start:\n"
        << ReadText(log_path_);
  }

  void Stop() {
    admin_.reset();
    clients_.reset();
    EXPECT_TRUE(StopGracefully(pid_)) << ReadText(log_path_);
    pid_ = -1;
  }

  // `n` referrals: one audit row each.
  void MakeRows(int n) {
    for (int i = 0; i < n; ++i) {
      v1::Referral out;
      ASSERT_TRUE(clients_->referrals
                      ->CreateReferral(Ctx().get(),
                                       SampleReferralRequest(absl::StrCat(
                                           "audit-", rows_made_++)),
                                       &out)
                      .ok());
    }
  }

  v1::VerifyAuditChainResponse Verify(const std::string& checkpoint = "") {
    v1::VerifyAuditChainRequest request;
    request.set_checkpoint(checkpoint);
    v1::VerifyAuditChainResponse response;
    grpc::Status status =
        admin_->VerifyAuditChain(Ctx().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  std::filesystem::path db() const { return dir_ / "data" / "gateway.db"; }
  std::filesystem::path checkpoints() const {
    return dir_ / "data" / "audit-checkpoints.log";
  }

  // Changes row `k`'s result and recomputes the hash of it and every row
  // after it, as `how` says. The gateway must be stopped.
  void RewriteRow(int64_t k, Forgery how) {
    Database database(db());
    database.Exec("DROP TRIGGER IF EXISTS audit_log_no_update");
    std::vector<v1::AuditRecord> rows = database.AuditRows();
    ASSERT_GT(static_cast<int64_t>(rows.size()), k);
    std::string previous = rows[k - 2].hash();
    rows[k - 1].set_result("PERMISSION_DENIED");
    for (size_t i = k - 1; i < rows.size(); ++i) {
      v1::AuditRecord& r = rows[i];
      switch (how) {
        case Forgery::kPlainSha256:
          r.set_hash(security::AuditRowHash(previous, r));
          break;
        case Forgery::kWrongKey:
          r.set_hash(security::KeyedAuditRowHash(
              "a-key-the-forger-made-up-0123456789abcdef", previous, r));
          break;
        case Forgery::kDowngradeToUnkeyed:
          r.set_key_id("");
          r.set_hash(security::AuditRowHash(previous, r));
          break;
      }
      database.UpdateRow(r, how == Forgery::kDowngradeToUnkeyed);
      previous = r.hash();
    }
  }

  // Deletes every audit row after `keep`. The gateway must be stopped.
  void CutTailAfter(int64_t keep) {
    Database database(db());
    database.Exec("DROP TRIGGER IF EXISTS audit_log_no_delete");
    database.Exec(
        absl::StrCat("DELETE FROM audit_log WHERE sequence > ", keep));
  }

  int64_t StoredHead() {
    Database database(db());
    std::vector<v1::AuditRecord> rows = database.AuditRows();
    return rows.empty() ? 0 : rows.back().sequence();
  }

  // Runs the real tobaccoctl; its exit code and stdout.
  std::pair<int, std::string> Tobaccoctl(const std::vector<std::string>& args) {
    std::string command =
        absl::StrCat(TOBACCOCTL_BIN, " --target 127.0.0.1:", port_);
    for (const std::string& a : args) absl::StrAppend(&command, " '", a, "'");
    FILE* pipe = popen(command.c_str(), "r");
    std::string out;
    char buffer[4096];
    size_t n = 0;
    while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0)
      out.append(buffer, n);
    const int status = pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
  }

  std::filesystem::path dir_;
  int port_ = 0;
  v1::GatewayConfig config_;
  std::string config_path_;
  std::string log_path_;
  pid_t pid_ = -1;
  int rows_made_ = 0;
  std::unique_ptr<Clients> clients_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
};

TEST_F(AuditChainBinaryTest, AnUntouchedChainVerifiesAndARestartKeepsItWhole) {
  Start();
  MakeRows(5);
  // Checkpoints while it runs (every second while the head moves).
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (CheckpointSequences(ReadText(checkpoints())).empty() &&
         absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_FALSE(CheckpointSequences(ReadText(checkpoints())).empty())
      << "no periodic checkpoint in " << checkpoints();
  Stop();
  // The clean shutdown's checkpoint is the stored head.
  const int64_t head = StoredHead();
  EXPECT_EQ(CheckpointSequences(ReadText(checkpoints())).back(), head);

  Start();
  MakeRows(3);
  const v1::VerifyAuditChainResponse verified = Verify();
  EXPECT_TRUE(verified.intact()) << verified.problem();
  EXPECT_EQ(verified.fault(), v1::AUDIT_CHAIN_FAULT_UNSPECIFIED);
  EXPECT_GE(verified.rows_checked(), head + 3);
  EXPECT_EQ(verified.first_keyed_sequence(), 1);
  EXPECT_EQ(verified.head_key_id(), "dev");
  EXPECT_GE(verified.checkpoints_checked(), 1);
  EXPECT_GE(verified.checkpoint_sequence(), head);
  EXPECT_THAT(verified.checkpoint_source(), HasSubstr("audit-checkpoints.log"));
  Stop();
  // Still whole after the second restart; no alarm at either start.
  EXPECT_EQ(CheckpointSequences(ReadText(checkpoints())).back(), StoredHead());
  EXPECT_THAT(ReadText(log_path_),
              ::testing::Not(HasSubstr("changed while the gateway was down")));
}

TEST_F(AuditChainBinaryTest, ARowRewrittenWithPlainSha256IsNamed) {
  Start();
  MakeRows(12);
  Stop();
  RewriteRow(5, Forgery::kPlainSha256);
  Start();
  const v1::VerifyAuditChainResponse verified = Verify();
  EXPECT_FALSE(verified.intact());
  EXPECT_EQ(verified.fault(), v1::AUDIT_CHAIN_FAULT_ROW_REWRITTEN);
  EXPECT_EQ(verified.first_broken_sequence(), 5) << verified.problem();
  EXPECT_THAT(verified.problem(), HasSubstr("row 5"));
}

TEST_F(AuditChainBinaryTest, ARowRewrittenWithAWrongKeyIsNamed) {
  Start();
  MakeRows(12);
  Stop();
  RewriteRow(7, Forgery::kWrongKey);
  Start();
  const v1::VerifyAuditChainResponse verified = Verify();
  EXPECT_FALSE(verified.intact());
  EXPECT_EQ(verified.fault(), v1::AUDIT_CHAIN_FAULT_ROW_REWRITTEN);
  EXPECT_EQ(verified.first_broken_sequence(), 7) << verified.problem();
}

TEST_F(AuditChainBinaryTest, ARowRewrittenAsUnkeyedIsNamed) {
  Start();
  MakeRows(12);
  Stop();
  RewriteRow(6, Forgery::kDowngradeToUnkeyed);
  Start();
  const v1::VerifyAuditChainResponse verified = Verify();
  EXPECT_FALSE(verified.intact());
  EXPECT_EQ(verified.fault(), v1::AUDIT_CHAIN_FAULT_UNKEYED_AFTER_KEYED);
  EXPECT_EQ(verified.first_broken_sequence(), 6) << verified.problem();
}

TEST_F(AuditChainBinaryTest, ACutTailIsNamedFromTheCheckpointFile) {
  Start();
  MakeRows(20);
  Stop();
  const int64_t head = StoredHead();
  CutTailAfter(head - 10);
  Start();
  const v1::VerifyAuditChainResponse verified = Verify();
  EXPECT_FALSE(verified.intact());
  EXPECT_EQ(verified.fault(), v1::AUDIT_CHAIN_FAULT_TAIL_MISSING)
      << verified.problem();
  EXPECT_EQ(verified.checkpoint_sequence(), head);
  EXPECT_EQ(verified.first_broken_sequence(), head);
  EXPECT_LT(verified.head_sequence(), head);
  EXPECT_THAT(verified.problem(), HasSubstr("missing"));
  // The gateway said so at start, too.
  EXPECT_THAT(ReadText(log_path_),
              HasSubstr("changed while the gateway was down"));
}

TEST_F(AuditChainBinaryTest,
       AnOffHostCheckpointNamesACutTailTheLocalFileHides) {
  Start();
  MakeRows(20);
  Stop();
  // The SIEM's copy of the newest checkpoint.
  const std::filesystem::path siem = dir_ / "siem-copy.log";
  std::filesystem::copy_file(checkpoints(), siem);
  // The forger cuts the log and the local checkpoint file with it.
  const int64_t head = StoredHead();
  CutTailAfter(head - 8);
  std::filesystem::remove(checkpoints());
  Start();
  EXPECT_TRUE(Verify().intact()) << "nothing local is left to compare with";
  auto [code, out] =
      Tobaccoctl({"audit", "verify", "--checkpoint-file", siem.string()});
  EXPECT_EQ(code, 3) << out;
  EXPECT_THAT(out, HasSubstr("tail missing"));
  EXPECT_THAT(out, HasSubstr(absl::StrCat("checkpoint names row ", head)));
  // The same line pasted with --checkpoint, as found in the journal.
  std::vector<std::string> lines =
      absl::StrSplit(ReadText(siem), '\n', absl::SkipEmpty());
  auto [code2, out2] = Tobaccoctl(
      {"audit", "verify", "--checkpoint",
       absl::StrCat("Nov 30 18:00:00 host tobacco-gateway-audit[1]: ",
                    lines.back())});
  EXPECT_EQ(code2, 3) << out2;
  EXPECT_THAT(out2, HasSubstr("TAIL_MISSING"));
}

TEST_F(AuditChainBinaryTest, WithoutAKeyTheGatewayRefusesToStartAndSaysWhy) {
  config_.mutable_audit()->set_development_key(false);
  config_.mutable_audit()->clear_key_id();
  WriteConfigFile(config_, config_path_);
  pid_t pid = SpawnGateway(TOBACCO_GATEWAY_BIN, config_path_, log_path_);
  int wstatus = 0;
  ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
  EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) != 0);
  EXPECT_THAT(ReadText(log_path_),
              HasSubstr("key_file or key_env is required"));

  // A key file that is not there is named.
  config_.mutable_audit()->set_key_file((dir_ / "missing.key").string());
  WriteConfigFile(config_, config_path_);
  pid = SpawnGateway(TOBACCO_GATEWAY_BIN, config_path_, log_path_);
  ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
  EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) != 0);
  EXPECT_THAT(ReadText(log_path_), HasSubstr("missing.key"));
}

TEST_F(AuditChainBinaryTest, ARotatedKeyContinuesTheChainAndNeedsTheOldOne) {
  auto write_key = [&](const std::string& name, const std::string& secret) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << secret << "\n";
    std::filesystem::permissions(path, std::filesystem::perms::owner_read |
                                           std::filesystem::perms::owner_write);
    return path;
  };
  v1::AuditConfig* audit = config_.mutable_audit();
  audit->set_development_key(false);
  audit->set_key_id("2026-10");
  audit->set_key_file(write_key("k-2026-10.key", std::string(40, 'o')));
  WriteConfigFile(config_, config_path_);
  Start();
  MakeRows(4);
  Stop();
  const int64_t old_head = StoredHead();

  // Rotation: the old key retired, a new one current.
  v1::AuditKeyConfig* retired = audit->add_retired_keys();
  retired->set_key_id("2026-10");
  retired->set_key_file(audit->key_file());
  audit->set_key_id("2026-11");
  audit->set_key_file(write_key("k-2026-11.key", std::string(40, 'n')));
  WriteConfigFile(config_, config_path_);
  Start();
  MakeRows(4);
  const v1::VerifyAuditChainResponse verified = Verify();
  EXPECT_TRUE(verified.intact()) << verified.problem();
  EXPECT_EQ(verified.head_key_id(), "2026-11");
  EXPECT_GT(verified.head_sequence(), old_head);
  Stop();
  {
    Database database(db());
    std::vector<v1::AuditRecord> rows = database.AuditRows();
    ASSERT_GT(rows.size(), static_cast<size_t>(old_head));
    EXPECT_EQ(rows[old_head - 1].key_id(), "2026-10");
    EXPECT_EQ(rows[old_head].key_id(), "2026-11");
  }

  // Without the retired key its rows are reported, not passed.
  audit->clear_retired_keys();
  WriteConfigFile(config_, config_path_);
  Start();
  const v1::VerifyAuditChainResponse without = Verify();
  EXPECT_FALSE(without.intact());
  EXPECT_EQ(without.fault(), v1::AUDIT_CHAIN_FAULT_UNKNOWN_KEY);
  EXPECT_EQ(without.first_broken_sequence(), 1);
}

}  // namespace
}  // namespace nhs::tobacco
