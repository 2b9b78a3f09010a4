// SQLite schema migrations that need more than the conformance suite: a
// database written by an older schema opens under the new one with nothing
// lost and its new indexes filled in.
#include "gateway/store/sqlite/sqlite_migrations.h"

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gateway/store/sqlite/sqlite_connection.h"
#include "gateway/store/store.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::store {
namespace {

// Undoes migration 10 (reports: the reporting columns and their indexes).
constexpr char kUndoMigration10[] =
    "DROP INDEX referrals_by_received;"
    "DROP INDEX referrals_by_quit_date;"
    "DROP INDEX referrals_by_service_received;"
    "DROP INDEX referrals_by_gp_received;"
    "DROP INDEX referrals_by_service_quit_date;"
    "DROP INDEX referrals_by_gp_quit_date;"
    "ALTER TABLE referrals DROP COLUMN source;"
    "ALTER TABLE referrals DROP COLUMN smi;"
    "ALTER TABLE referrals DROP COLUMN diagnosis;"
    "ALTER TABLE referrals DROP COLUMN shares_with_gp;"
    "ALTER TABLE referrals DROP COLUMN received_on;"
    "ALTER TABLE referrals DROP COLUMN quit_date;"
    "ALTER TABLE referrals DROP COLUMN outcome_4wk;"
    "ALTER TABLE referrals DROP COLUMN outcome_12wk;"
    "ALTER TABLE referrals DROP COLUMN outcome_52wk;"
    "ALTER TABLE referrals DROP COLUMN first_route;"
    "ALTER TABLE referrals DROP COLUMN first_product_kind;"
    "ALTER TABLE referrals DROP COLUMN first_pharmacy_ods;"
    "DROP INDEX outcomes_by_follow_up;"
    "ALTER TABLE outcomes DROP COLUMN follow_up;"
    "ALTER TABLE outcomes DROP COLUMN status;"
    "ALTER TABLE outcomes DROP COLUMN co_verified;"
    "DROP INDEX prescriptions_by_created_on;"
    "DROP INDEX prescriptions_by_service_created_on;"
    "DROP INDEX prescriptions_by_gp_created_on;"
    "ALTER TABLE prescriptions DROP COLUMN route;"
    "ALTER TABLE prescriptions DROP COLUMN product_kind;"
    "ALTER TABLE prescriptions DROP COLUMN pharmacy_ods;"
    "ALTER TABLE prescriptions DROP COLUMN referrer_ods;"
    "ALTER TABLE prescriptions DROP COLUMN gp_ods;"
    "ALTER TABLE prescriptions DROP COLUMN source;"
    "ALTER TABLE prescriptions DROP COLUMN smi;"
    "ALTER TABLE prescriptions DROP COLUMN diagnosis;"
    "ALTER TABLE prescriptions DROP COLUMN shares_with_gp;"
    "ALTER TABLE prescriptions DROP COLUMN created_on;"
    "ALTER TABLE prescriptions DROP COLUMN acknowledged_us;"
    "ALTER TABLE prescriptions DROP COLUMN prescribed_or_supplied_us;"
    "ALTER TABLE prescriptions DROP COLUMN dispensed_us;"
    "ALTER TABLE prescriptions DROP COLUMN status_reason;"
    "ALTER TABLE prescriptions DROP COLUMN first_overdue_waiting_on;"
    "DROP INDEX outbox_by_state_created;"
    "ALTER TABLE outbox DROP COLUMN referral_id;"
    "DELETE FROM schema_migrations WHERE version >= 10;";

// Undoes migrations 7 (care: quit dates, contacts, referrals.disengaged,
// outcomes.recorded_on), 8 (safety: safety_alerts) and 9 (identity:
// audit_log.practitioner), so a test can take
// the database back to an older version and migrate it forward again.
constexpr char kUndoMigrationsFrom7To9[] =
    "DROP TABLE IF EXISTS safety_alerts;"
    "DROP TABLE IF EXISTS quit_dates;"
    "DROP TABLE IF EXISTS contacts;"
    "DROP INDEX IF EXISTS referrals_disengaged;"
    "ALTER TABLE referrals DROP COLUMN disengaged;"
    "DROP INDEX IF EXISTS outcomes_by_created;"
    "ALTER TABLE outcomes DROP COLUMN recorded_on;"
    "ALTER TABLE audit_log DROP COLUMN practitioner;";

using ::nhs::tobacco::testing::IsOk;

class SqliteMigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sqlite_migrations_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  absl::StatusOr<std::unique_ptr<Store>> Open() {
    v1::StoreConfig config;
    config.set_data_dir(dir_.string());
    return OpenStore(config);
  }

  std::filesystem::path dir_;
};

TEST_F(SqliteMigrationsTest, VersionThreeIndexesEpsIdsStoredBeforeIt) {
  {
    auto store = Open();
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_THAT(
        (*store)->WriteAndWait([](WriteTransaction& tx) -> absl::Status {
          v1::Referral r;
          r.set_referral_id("ref-1");
          r.mutable_patient()->set_nhs_number("9990000018");
          if (absl::Status s = tx.InsertReferral(r); !s.ok()) return s;
          v1::PrescriptionRequest p;
          p.set_prescription_id("rx-1");
          p.set_referral_id("ref-1");
          p.set_status(v1::PRESCRIPTION_STATUS_PRESCRIBED);
          p.set_eps_prescription_id("4D7E1A-Y90001-0003FX");
          p.set_version(1);
          return tx.InsertPrescription(p);
        }),
        IsOk());
  }
  // Take the database back to schema version 2, as a gateway built before
  // EPS ids were indexed left it: the id only inside the serialized body.
  {
    auto conn = SqliteConnection::Open((dir_ / "gateway.db").string(),
                                       /*read_only=*/false);
    ASSERT_TRUE(conn.ok()) << conn.status();
    ASSERT_THAT((*conn)->Exec(absl::StrCat(
                    kUndoMigration10, kUndoMigrationsFrom7To9,
                    "DROP TABLE outbox;"
                    "DROP INDEX prescriptions_by_eps;"
                    "ALTER TABLE prescriptions DROP COLUMN eps_id;"
                    "ALTER TABLE audit_log DROP COLUMN key_id;"
                    "DELETE FROM schema_migrations WHERE version >= 3")),
                IsOk());
  }
  auto store = Open();
  ASSERT_TRUE(store.ok()) << store.status();
  std::string found;
  ASSERT_THAT((*store)->Read([&](ReadTransaction& tx) -> absl::Status {
    auto p = tx.GetPrescriptionByEpsId("4D7E1A-Y90001-0003FX");
    if (!p.ok()) return p.status();
    if (p->has_value()) found = (*p)->prescription_id();
    return absl::OkStatus();
  }),
              IsOk());
  EXPECT_EQ(found, "rx-1");
}

TEST_F(SqliteMigrationsTest, VersionSixKeepsAuditRowsFromBeforeAsUnkeyed) {
  {
    auto store = Open();
    ASSERT_TRUE(store.ok()) << store.status();
    v1::AuditRecord row;
    row.set_sequence(1);
    row.set_ods_code("ME001");
    row.set_role("admin");
    row.set_operation("ListAuditRecords");
    row.set_result("OK");
    row.set_hash(std::string(64, 'c'));
    ASSERT_THAT((*store)->WriteAndWait([&](WriteTransaction& tx) {
      return tx.InsertAuditRecord(row);
    }),
                IsOk());
  }
  // Back to schema version 5: audit rows without a key id.
  {
    auto conn = SqliteConnection::Open((dir_ / "gateway.db").string(),
                                       /*read_only=*/false);
    ASSERT_TRUE(conn.ok()) << conn.status();
    ASSERT_THAT(
        (*conn)->Exec(absl::StrCat(
            kUndoMigration10, kUndoMigrationsFrom7To9, "ALTER TABLE audit_log DROP COLUMN key_id;",
            "DELETE FROM schema_migrations WHERE version >= 6")),
        IsOk());
  }
  auto store = Open();
  ASSERT_TRUE(store.ok()) << store.status();
  std::optional<v1::AuditRecord> last;
  ASSERT_THAT((*store)->Read([&](ReadTransaction& tx) -> absl::Status {
    auto row = tx.LastAuditRecord();
    if (!row.ok()) return row.status();
    last = *row;
    return absl::OkStatus();
  }),
              IsOk());
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->key_id(), "");
  EXPECT_EQ(last->hash(), std::string(64, 'c'));
}

// care (issue 12): version 7 copies each outcome's recorded_on out of its
// body, so outcomes recorded before it list by period.
TEST_F(SqliteMigrationsTest, VersionSevenBackfillsOutcomeDates) {
  {
    auto store = Open();
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_THAT(
        (*store)->WriteAndWait([](WriteTransaction& tx) -> absl::Status {
          v1::Referral r;
          r.set_referral_id("ref-1");
          r.mutable_referrer()->set_ods_code("RX9");
          if (absl::Status s = tx.InsertReferral(r); !s.ok()) return s;
          v1::Outcome o;
          o.set_outcome_id("out-1");
          o.set_referral_id("ref-1");
          o.set_recorded_on("2026-02-03");
          return tx.InsertOutcome(o);
        }),
        IsOk());
  }
  {
    auto conn = SqliteConnection::Open((dir_ / "gateway.db").string(),
                                       /*read_only=*/false);
    ASSERT_TRUE(conn.ok()) << conn.status();
    ASSERT_THAT((*conn)->Exec(absl::StrCat(
                    kUndoMigration10, kUndoMigrationsFrom7To9,
                    "DELETE FROM schema_migrations WHERE version >= 7")),
                IsOk());
  }
  auto store = Open();
  ASSERT_TRUE(store.ok()) << store.status();
  std::vector<std::string> found;
  ASSERT_THAT((*store)->Read([&](ReadTransaction& tx) -> absl::Status {
    OutcomeQuery q;
    q.ods_code = "RX9";
    q.recorded_from = "2026-02-01";
    q.recorded_to = "2026-02-28";
    auto page = tx.ListOutcomesPage(q);
    if (!page.ok()) return page.status();
    for (const auto& o : page->items) found.push_back(o.outcome_id());
    return absl::OkStatus();
  }),
              IsOk());
  EXPECT_EQ(found, std::vector<std::string>{"out-1"});
}

}  // namespace
}  // namespace nhs::tobacco::store
