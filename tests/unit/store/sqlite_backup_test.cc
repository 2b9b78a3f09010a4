// Online backup and restore of the SQLite store (issue 15), on a live store
// in this process: its writer thread commits while the copy is taken, as
// the gateway's does. No sockets.
#include "gateway/store/sqlite/sqlite_backup.h"

#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gateway/store/sqlite/sqlite_restore.h"
#include "gateway/store/store.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "tests/testing/sample_referral.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::store {
namespace {

namespace fs = std::filesystem;
using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::HasSubstr;

v1::Referral MakeReferral(const std::string& id) {
  return testing::SampleStoredReferral(id, 1000);
}

// Every file in `folder` (names only).
std::vector<std::string> Files(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class SqliteBackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           absl::StrCat(
               "sqlite_backup_", ::getpid(), "_",
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "backups");
    store_ = OpenAt(dir_ / "live");
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  static std::unique_ptr<Store> OpenAt(const fs::path& data_dir) {
    v1::StoreConfig config;
    config.set_data_dir(data_dir.string());
    auto store = OpenStore(config);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  absl::Status Insert(Store& store, const std::string& id) {
    return store.WriteAndWait([&](WriteTransaction& tx) {
      return tx.InsertReferral(MakeReferral(id));
    });
  }

  // True when `store` serves referral `id`.
  static bool Has(Store& store, const std::string& id) {
    bool found = false;
    EXPECT_THAT(store.Read([&](ReadTransaction& tx) -> absl::Status {
      auto r = tx.GetReferral(id);
      if (!r.ok()) return r.status();
      found = r->has_value();
      return absl::OkStatus();
    }),
                IsOk());
    return found;
  }

  std::string live_db() const {
    return (dir_ / "live" / "gateway.db").string();
  }

  fs::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteBackupTest, CopyOfALiveStoreHasEveryCommittedRowAndIsOneFile) {
  for (int i = 0; i < 200; ++i)
    ASSERT_THAT(Insert(*store_, absl::StrCat("ref-", i)), IsOk());
  const fs::path target = dir_ / "backups" / "gateway-1.db";

  absl::StatusOr<SqliteCopyReport> report =
      CopySqliteDatabase(live_db(), target.string());
  ASSERT_THAT(report.status(), IsOk());
  EXPECT_EQ(report->path, target.string());
  EXPECT_GT(report->pages, 0);
  EXPECT_GT(report->page_size, 0);
  EXPECT_EQ(report->bytes, report->pages * report->page_size);
  EXPECT_EQ(static_cast<int64_t>(fs::file_size(target)), report->bytes);
  // One self-contained file: no -wal/-shm beside it, no temporary left.
  EXPECT_THAT(Files(dir_ / "backups"), ::testing::ElementsAre("gateway-1.db"));
  EXPECT_THAT(CheckSqliteIntegrity(target.string()), IsOk());

  // A store opened on the copy serves every row the live one had.
  fs::create_directories(dir_ / "restored");
  fs::copy_file(target, dir_ / "restored" / "gateway.db");
  std::unique_ptr<Store> restored = OpenAt(dir_ / "restored");
  ASSERT_NE(restored, nullptr);
  for (int i = 0; i < 200; ++i) {
    EXPECT_TRUE(Has(*restored, absl::StrCat("ref-", i))) << i;
  }
}

TEST_F(SqliteBackupTest, CopyUnderConcurrentWritesIsAConsistentSnapshot) {
  // A writer commits as fast as it can for the whole copy, as the gateway
  // does under load: the one-step copy must finish (a stepwise one would
  // restart on every commit) and hold everything committed before it began.
  std::atomic<bool> stop{false};
  std::atomic<int> committed{0};
  std::thread writer([&] {
    for (int i = 0; !stop.load(); ++i) {
      if (!Insert(*store_, absl::StrCat("load-", i)).ok()) break;
      committed.store(i + 1);
    }
  });
  while (committed.load() < 300)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const int before = committed.load();
  const fs::path target = dir_ / "backups" / "under-load.db";
  absl::StatusOr<SqliteCopyReport> report =
      CopySqliteDatabase(live_db(), target.string());
  const int after = committed.load();
  stop = true;
  writer.join();
  ASSERT_THAT(report.status(), IsOk());
  EXPECT_GT(after, before) << "the writer was held up for the whole copy";

  fs::create_directories(dir_ / "restored");
  fs::copy_file(target, dir_ / "restored" / "gateway.db");
  std::unique_ptr<Store> restored = OpenAt(dir_ / "restored");
  ASSERT_NE(restored, nullptr);
  for (int i = 0; i < before; ++i) {
    ASSERT_TRUE(Has(*restored, absl::StrCat("load-", i)))
        << "committed before the copy began but missing: load-" << i;
  }
}

TEST_F(SqliteBackupTest, CopyOfAStoppedStoreLeavesNoFilesBesideIt) {
  ASSERT_THAT(Insert(*store_, "ref-1"), IsOk());
  store_.reset();  // a clean close checkpoints and removes the -wal file
  const std::vector<std::string> before = Files(dir_ / "live");
  const fs::path target = dir_ / "backups" / "stopped.db";
  absl::StatusOr<SqliteCopyReport> report =
      CopySqliteDatabase(live_db(), target.string());
  ASSERT_THAT(report.status(), IsOk());
  EXPECT_GT(report->pages, 1);
  // A read-only copy may leave an empty -shm index, never a log it wrote.
  for (const std::string& name : Files(dir_ / "live")) {
    if (name == "gateway.db-shm" || name == "gateway.db-wal") continue;
    EXPECT_THAT(before, ::testing::Contains(name));
  }
  store_ = OpenAt(dir_ / "live");
  ASSERT_NE(store_, nullptr);
  EXPECT_TRUE(Has(*store_, "ref-1"));
}

TEST_F(SqliteBackupTest, ExistingTargetIsRefusedUnlessOverwriteIsAsked) {
  ASSERT_THAT(Insert(*store_, "ref-1"), IsOk());
  const fs::path target = dir_ / "backups" / "keep.db";
  std::ofstream(target) << "an older backup";

  EXPECT_THAT(CopySqliteDatabase(live_db(), target.string()).status(),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("keep.db")));
  std::ifstream in(target);
  std::string kept((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(kept, "an older backup");

  SqliteCopyOptions overwrite;
  overwrite.overwrite = true;
  ASSERT_THAT(
      CopySqliteDatabase(live_db(), target.string(), overwrite).status(),
      IsOk());
  EXPECT_THAT(CheckSqliteIntegrity(target.string()), IsOk());
}

TEST_F(SqliteBackupTest, WrongPathsGetSpecificErrors) {
  EXPECT_THAT(CopySqliteDatabase((dir_ / "nowhere.db").string(),
                                 (dir_ / "backups" / "x.db").string())
                  .status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("nowhere.db")));
  EXPECT_THAT(
      CopySqliteDatabase(live_db(), (dir_ / "no-such-folder" / "x.db").string())
          .status(),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               HasSubstr("no-such-folder")));
  EXPECT_THAT(CopySqliteDatabase(live_db(), live_db()).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("the database itself")));
}

TEST_F(SqliteBackupTest, CorruptSourceFailsTheIntegrityCheckAndLeavesNoFile) {
  // A database of its own (not the live store) with a table and an index
  // over many pages; then bytes in the middle of a b-tree page are smashed,
  // as a failing disk would.
  const fs::path broken = dir_ / "broken.db";
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(broken.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(
        sqlite3_exec(db,
                     "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT);"
                     "CREATE INDEX t_b ON t(b);"
                     "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
                     "SELECT i + 1 FROM n WHERE i < 5000) "
                     "INSERT INTO t SELECT i, printf('row %08d', i) FROM n;",
                     nullptr, nullptr, nullptr),
        SQLITE_OK);
    sqlite3_close(db);
  }
  const int64_t size = static_cast<int64_t>(fs::file_size(broken));
  {
    std::fstream file(broken, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(size / 2);
    const std::string junk(2048, '\x5a');
    file.write(junk.data(), junk.size());
  }
  EXPECT_THAT(
      CheckSqliteIntegrity(broken.string()),
      StatusIs(absl::StatusCode::kDataLoss, HasSubstr("integrity_check")));
  const fs::path target = dir_ / "backups" / "from-broken.db";
  EXPECT_THAT(
      CopySqliteDatabase(broken.string(), target.string()).status(),
      StatusIs(absl::StatusCode::kDataLoss, HasSubstr("integrity_check")));
  EXPECT_THAT(Files(dir_ / "backups"), ::testing::IsEmpty())
      << "a copy that failed its check must not be left behind";
}

TEST_F(SqliteBackupTest, RestoreIsRefusedWhileAStoreHasTheDatabaseOpen) {
  ASSERT_THAT(Insert(*store_, "ref-1"), IsOk());
  const fs::path backup = dir_ / "backups" / "b.db";
  ASSERT_THAT(CopySqliteDatabase(live_db(), backup.string()).status(), IsOk());
  EXPECT_THAT(RestoreSqliteDatabase(backup.string(), live_db(), true).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("another gateway")));
}

TEST_F(SqliteBackupTest, RestoreReplacesTheDatabaseAndDropsTheOldLog) {
  for (int i = 0; i < 10; ++i)
    ASSERT_THAT(Insert(*store_, absl::StrCat("early-", i)), IsOk());
  const fs::path backup = dir_ / "backups" / "b.db";
  ASSERT_THAT(CopySqliteDatabase(live_db(), backup.string()).status(), IsOk());
  for (int i = 0; i < 10; ++i)
    ASSERT_THAT(Insert(*store_, absl::StrCat("late-", i)), IsOk());
  store_.reset();
  // What a killed gateway leaves: its write-ahead log and index. Replayed
  // onto the restored file they would corrupt it.
  std::ofstream(live_db() + "-wal") << std::string(4096, '\x01');
  std::ofstream(live_db() + "-shm") << std::string(4096, '\x02');

  EXPECT_THAT(RestoreSqliteDatabase(backup.string(), live_db(), false).status(),
              StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_TRUE(fs::exists(live_db() + "-wal")) << "nothing changes on refusal";

  ASSERT_THAT(RestoreSqliteDatabase(backup.string(), live_db(), true).status(),
              IsOk());
  EXPECT_FALSE(fs::exists(live_db() + "-wal"));
  EXPECT_FALSE(fs::exists(live_db() + "-shm"));
  store_ = OpenAt(dir_ / "live");
  ASSERT_NE(store_, nullptr);
  EXPECT_TRUE(Has(*store_, "early-9"));
  EXPECT_FALSE(Has(*store_, "late-0")) << "written after the backup";
}

TEST_F(SqliteBackupTest, RestoreOfACorruptBackupLeavesTheDatabaseAlone) {
  ASSERT_THAT(Insert(*store_, "ref-1"), IsOk());
  store_.reset();
  const fs::path backup = dir_ / "backups" / "not-a-database.db";
  std::ofstream(backup) << std::string(8192, 'x');
  EXPECT_THAT(RestoreSqliteDatabase(backup.string(), live_db(), true).status(),
              StatusIs(absl::StatusCode::kDataLoss));
  store_ = OpenAt(dir_ / "live");
  ASSERT_NE(store_, nullptr);
  EXPECT_TRUE(Has(*store_, "ref-1"));
}

}  // namespace
}  // namespace nhs::tobacco::store
