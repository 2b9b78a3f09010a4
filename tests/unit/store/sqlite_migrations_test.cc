// SQLite schema migrations that need more than the conformance suite: a
// database written by an older schema opens under the new one with nothing
// lost and its new indexes filled in.
#include "gateway/store/sqlite/sqlite_migrations.h"

#include <unistd.h>

#include <algorithm>
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
#include "tests/unit/store/report_records.h"

namespace nhs::tobacco::store {
namespace {

// Undoes migration 11 (run-once jobs' leases).
constexpr char kUndoMigration11[] = "DROP TABLE job_leases;";

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
                    kUndoMigration11, kUndoMigration10, kUndoMigrationsFrom7To9,
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
    ASSERT_THAT((*conn)->Exec(absl::StrCat(
                    kUndoMigration11, kUndoMigration10, kUndoMigrationsFrom7To9,
                    "ALTER TABLE audit_log DROP COLUMN key_id;",
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
                    kUndoMigration11, kUndoMigration10, kUndoMigrationsFrom7To9,
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

// reports (issue 14): a database at version 9 with referrals, requests,
// events, outcomes and a dead letter opens at version 10 with every
// reporting column filled: from the bodies, and the step times and first
// overdue organisation of requests from before from their events.
TEST_F(SqliteMigrationsTest, VersionTenBackfillsTheReportingColumns) {
  using namespace report_testing;  // NOLINT(build/namespaces)
  v1::Referral r = MakeReferral("ref-1", London(2026, 4, 1));
  SetQuitDate(r, "2026-04-15");
  v1::PrescriptionRequest first = MakePrescription(
      "rx-first", r, London(2026, 4, 2), v1::ROUTE_GP_PRESCRIPTION, "Y90001");
  first.set_status(v1::PRESCRIPTION_STATUS_DISPENSED);
  v1::PrescriptionRequest second =
      MakePrescription("rx-second", r, London(2026, 4, 3));
  auto event = [&](const std::string& rx, v1::EventType type,
                   v1::PrescriptionStatus from, v1::PrescriptionStatus to,
                   absl::Time at, const std::string& org) {
    v1::TimelineEvent e;
    e.set_type(type);
    e.set_referral_id("ref-1");
    e.set_prescription_id(rx);
    e.set_from_status(from);
    e.set_to_status(to);
    *e.mutable_occurred_at() = domain::ToTimestamp(at);
    e.mutable_actor()->mutable_organisation()->set_ods_code(org);
    return e;
  };
  constexpr auto kChanged = v1::EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED;
  constexpr auto kOverdue = v1::EVENT_TYPE_OVERDUE;
  const std::vector<v1::TimelineEvent> events = {
      event("rx-first", kChanged, v1::PRESCRIPTION_STATUS_RECOMMENDED,
            v1::PRESCRIPTION_STATUS_SENT, London(2026, 4, 2, 13), "TDS01"),
      event("rx-first", kChanged, v1::PRESCRIPTION_STATUS_SENT,
            v1::PRESCRIPTION_STATUS_ACKNOWLEDGED, London(2026, 4, 3), "Y90001"),
      event("rx-first", kOverdue, v1::PRESCRIPTION_STATUS_ACKNOWLEDGED,
            v1::PRESCRIPTION_STATUS_ACKNOWLEDGED, London(2026, 4, 6), "Y90001"),
      event("rx-first", kChanged, v1::PRESCRIPTION_STATUS_ACKNOWLEDGED,
            v1::PRESCRIPTION_STATUS_APPOINTMENT_REQUIRED, London(2026, 4, 7),
            "Y90001"),
      event("rx-first", kChanged, v1::PRESCRIPTION_STATUS_APPOINTMENT_REQUIRED,
            v1::PRESCRIPTION_STATUS_ACKNOWLEDGED, London(2026, 4, 8), "Y90001"),
      event("rx-first", kChanged, v1::PRESCRIPTION_STATUS_ACKNOWLEDGED,
            v1::PRESCRIPTION_STATUS_PRESCRIBED, London(2026, 4, 9), "Y90001"),
      event("rx-first", kChanged, v1::PRESCRIPTION_STATUS_PRESCRIBED,
            v1::PRESCRIPTION_STATUS_DISPENSED, London(2026, 4, 10), "FNM01"),
      event("rx-second", kOverdue, v1::PRESCRIPTION_STATUS_RECOMMENDED,
            v1::PRESCRIPTION_STATUS_RECOMMENDED, London(2026, 4, 4), "FZZ99"),
  };
  {
    auto store = Open();
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_THAT(
        (*store)->WriteAndWait([&](WriteTransaction& tx) -> absl::Status {
          if (absl::Status s = tx.InsertReferral(r); !s.ok()) return s;
          for (const auto& p : {second, first}) {
            if (absl::Status s = tx.InsertPrescription(p); !s.ok()) return s;
          }
          for (const auto& e : events) {
            if (auto s = tx.AppendEvent(e); !s.ok()) return s.status();
          }
          for (const v1::Outcome& o :
               {MakeOutcome("o-1", "ref-1", v1::FOLLOW_UP_POINT_WEEK_4,
                            v1::OUTCOME_STATUS_QUIT_SELF_REPORTED,
                            London(2026, 5, 14)),
                MakeOutcome("o-2", "ref-1", v1::FOLLOW_UP_POINT_WEEK_4,
                            v1::OUTCOME_STATUS_QUIT_CO_VERIFIED,
                            London(2026, 5, 15)),
                MakeOutcome("o-3", "ref-1", v1::FOLLOW_UP_POINT_WEEK_52,
                            v1::OUTCOME_STATUS_LOST_TO_FOLLOW_UP,
                            London(2027, 4, 20))}) {
            if (absl::Status s = tx.InsertOutcome(o); !s.ok()) return s;
          }
          return tx.InsertOutboxMessage(
              MakeOutboxRow("m-1", "Y90001", "", London(2026, 4, 5),
                            v1::DELIVERY_STATE_DEAD_LETTER, "rx-first"));
        }),
        IsOk());
  }
  {
    auto conn = SqliteConnection::Open((dir_ / "gateway.db").string(),
                                       /*read_only=*/false);
    ASSERT_TRUE(conn.ok()) << conn.status();
    ASSERT_THAT((*conn)->Exec(absl::StrCat(kUndoMigration11, kUndoMigration10)),
                IsOk());
  }
  auto store = Open();
  ASSERT_TRUE(store.ok()) << store.status();
  const ReportScan april =
      Scan(absl::CivilDay(2026, 4, 1), absl::CivilDay(2026, 4, 30));

  auto referrals = Collect(**store, &ReadTransaction::ScanReferralFacts, april);
  ASSERT_THAT(referrals.status(), IsOk());
  ASSERT_EQ(referrals->size(), 1u);
  const domain::ReferralFacts& f = (*referrals)[0];
  EXPECT_EQ(f.received_on, absl::CivilDay(2026, 4, 1));
  EXPECT_EQ(f.quit_date, absl::CivilDay(2026, 4, 15));
  EXPECT_EQ(f.subject.source, v1::REFERRAL_SOURCE_TALKING_THERAPIES);
  EXPECT_TRUE(f.subject.smi);
  EXPECT_EQ(f.subject.diagnosis, v1::DIAGNOSIS_CATEGORY_BIPOLAR_DISORDER);
  EXPECT_TRUE(f.subject.shares_with_gp);
  EXPECT_EQ(f.outcome_4wk, v1::OUTCOME_STATUS_QUIT_CO_VERIFIED);
  EXPECT_EQ(f.outcome_12wk, v1::OUTCOME_STATUS_UNSPECIFIED);
  EXPECT_EQ(f.outcome_52wk, v1::OUTCOME_STATUS_LOST_TO_FOLLOW_UP);
  EXPECT_EQ(f.first_route, v1::ROUTE_GP_PRESCRIPTION);
  EXPECT_EQ(f.first_product_kind, v1::PRODUCT_KIND_VARENICLINE);
  EXPECT_EQ(f.first_pharmacy_ods, "FNM01");

  auto rx = Collect(**store, &ReadTransaction::ScanPrescriptionFacts, april);
  ASSERT_THAT(rx.status(), IsOk());
  ASSERT_EQ(rx->size(), 2u);
  std::sort(rx->begin(), rx->end(), [](const auto& a, const auto& b) {
    return a.recommended_at < b.recommended_at;
  });
  const domain::PrescriptionFacts& gp = (*rx)[0];
  EXPECT_EQ(gp.subject.gp_ods, "Y90001");
  EXPECT_EQ(gp.subject.source, v1::REFERRAL_SOURCE_TALKING_THERAPIES);
  EXPECT_EQ(gp.route, v1::ROUTE_GP_PRESCRIPTION);
  EXPECT_EQ(gp.pharmacy_ods, "FNM01");
  EXPECT_EQ(gp.status, v1::PRESCRIPTION_STATUS_DISPENSED);
  EXPECT_EQ(gp.acknowledged_at, London(2026, 4, 3)) << "the first time only";
  EXPECT_EQ(gp.prescribed_or_supplied_at, London(2026, 4, 9));
  EXPECT_EQ(gp.dispensed_at, London(2026, 4, 10));
  EXPECT_EQ(gp.first_overdue_waiting_on, "Y90001");
  const domain::PrescriptionFacts& pharmacy = (*rx)[1];
  EXPECT_EQ(pharmacy.pharmacy_ods, "FZZ99");
  EXPECT_FALSE(pharmacy.acknowledged_at.has_value());
  EXPECT_EQ(pharmacy.first_overdue_waiting_on, "GATEWAY");

  auto dead = Collect(**store, &ReadTransaction::ScanDeadLetterFacts, april);
  ASSERT_THAT(dead.status(), IsOk());
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ((*dead)[0].destination_ods, "Y90001");
  EXPECT_EQ((*dead)[0].subject.service_ods, "TDS01");
}

}  // namespace
}  // namespace nhs::tobacco::store
