// The PostgreSQL schema's migrations (issue 16) against a real PostgreSQL
// 15: applied once however many instances start together, refused when the
// database is newer than the build, and the audit log append-only.
#include "gateway/store/postgres/pg_migrations.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/pg_test_server.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::store {
namespace {

// Advisory locks held in this test's database (pg_locks spans the server,
// where other tests migrate their own databases at the same time).
constexpr char kAdvisoryLocksHere[] =
    "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND database "
    "= (SELECT oid FROM pg_database WHERE datname = current_database())";

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::IsOkAndHolds;
using ::nhs::tobacco::testing::PgFreshDatabase;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::HasSubstr;

class PgMigrationsTest : public ::nhs::tobacco::testing::PgServerTest {
 protected:
  void SetUp() override {
    PgServerTest::SetUp();
    if (HasFatalFailure()) return;
    options_ = PgFreshDatabase();
    auto conn = PgConnection::Connect(options_);
    ASSERT_THAT(conn, IsOk());
    conn_ = *std::move(conn);
  }

  absl::StatusOr<int64_t> Count(const std::string& sql) {
    auto result = conn_->Query(sql);
    if (!result.ok()) return result.status();
    return result->Int(0, 0);
  }

  PgConnectOptions options_;
  std::unique_ptr<PgConnection> conn_;
};

TEST_F(PgMigrationsTest,
       AnEmptyDatabaseGetsTheWholeSchemaAndASecondRunIsANoOp) {
  ASSERT_THAT(MigratePostgres(*conn_), IsOk());
  EXPECT_THAT(Count("SELECT MAX(version) FROM schema_migrations"),
              IsOkAndHolds(LatestPostgresSchemaVersion()));
  for (const char* table :
       {"referrals", "prescriptions", "events", "outcomes", "idempotency_keys",
        "audit_log", "outbox", "quit_dates", "contacts", "safety_alerts",
        "write_order", "job_leases"}) {
    EXPECT_THAT(Count(absl::StrCat("SELECT COUNT(*) FROM information_schema."
                                   "tables WHERE table_name = '",
                                   table, "'")),
                IsOkAndHolds(1))
        << table;
  }
  EXPECT_THAT(Count("SELECT event_sequence FROM write_order WHERE id = 1"),
              IsOkAndHolds(0));
  ASSERT_THAT(MigratePostgres(*conn_), IsOk());
  EXPECT_THAT(Count("SELECT COUNT(*) FROM schema_migrations"),
              IsOkAndHolds(LatestPostgresSchemaVersion()));
}

TEST_F(PgMigrationsTest, InstancesStartingTogetherApplyEachMigrationOnce) {
  // Without the advisory lock, concurrent CREATE TABLEs fail with a unique
  // violation in the catalogue, or the second instance's BEGIN...COMMIT
  // fails on the version it also inserted.
  constexpr int kInstances = 6;
  std::vector<absl::Status> results(kInstances);
  std::vector<std::thread> instances;
  for (int i = 0; i < kInstances; ++i) {
    instances.emplace_back([&, i] {
      auto conn = PgConnection::Connect(options_);
      results[i] = conn.ok() ? MigratePostgres(**conn) : conn.status();
    });
  }
  for (std::thread& t : instances) t.join();
  for (const absl::Status& s : results) EXPECT_THAT(s, IsOk());
  EXPECT_THAT(Count("SELECT COUNT(*) FROM schema_migrations"),
              IsOkAndHolds(LatestPostgresSchemaVersion()));
  EXPECT_THAT(Count(kAdvisoryLocksHere), IsOkAndHolds(0))
      << "every instance released the migration lock";
}

TEST_F(PgMigrationsTest, ADatabaseNewerThanTheBuildIsRefused) {
  ASSERT_THAT(MigratePostgres(*conn_), IsOk());
  ASSERT_THAT(conn_->Query("INSERT INTO schema_migrations (version) "
                           "VALUES ($1)",
                           {absl::StrCat(LatestPostgresSchemaVersion() + 1)}),
              IsOk());
  EXPECT_THAT(MigratePostgres(*conn_),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("newer than this gateway")));
  EXPECT_THAT(Count(kAdvisoryLocksHere), IsOkAndHolds(0))
      << "the lock is released on the way out";
}

TEST_F(PgMigrationsTest, TheAuditLogIsAppendOnly) {
  ASSERT_THAT(MigratePostgres(*conn_), IsOk());
  ASSERT_THAT(
      conn_->Exec("INSERT INTO audit_log (sequence, at_us, ods_code, role, "
                  "operation, record_id, result, hash) VALUES "
                  "(1, 1, 'RX9', 'referrer', 'CreateReferral', 'ref-1', "
                  "'OK', 'h')"),
      IsOk());
  EXPECT_THAT(conn_->Exec("UPDATE audit_log SET result = 'DENIED'"),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("append-only")));
  EXPECT_THAT(conn_->Exec("DELETE FROM audit_log"),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("append-only")));
  EXPECT_THAT(conn_->Exec("TRUNCATE audit_log"),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("append-only")));
  EXPECT_THAT(Count("SELECT COUNT(*) FROM audit_log"), IsOkAndHolds(1));
}

TEST_F(PgMigrationsTest, OnlyOneWriteOrderRowCanExist) {
  ASSERT_THAT(MigratePostgres(*conn_), IsOk());
  EXPECT_THAT(
      conn_->Exec("INSERT INTO write_order VALUES (2, 0)"),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("23514")));
}

}  // namespace
}  // namespace nhs::tobacco::store
