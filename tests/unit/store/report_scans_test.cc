// reports (issue 14): the reporting columns (migration 10) kept in step by
// every insert and update, and the three scans over them: the period, the
// ODS prefilter, and a sink's error stopping the scan.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gateway/store/sqlite/sqlite_connection.h"
#include "gateway/store/store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_store_config.h"
#include "tests/unit/store/report_records.h"

namespace nhs::tobacco::store {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::UnorderedElementsAre;
using namespace report_testing;  // NOLINT(build/namespaces)

class ReportScansTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("report_scans_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    config_ = testing::TestStoreConfig(dir_);
    auto store = OpenStore(config_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  absl::Status Write(const WriteWork& work) {
    return store_->WriteAndWait(work);
  }

  std::vector<domain::ReferralFacts> Referrals(const ReportScan& scan) {
    auto got = Collect(*store_, &ReadTransaction::ScanReferralFacts, scan);
    EXPECT_THAT(got.status(), IsOk());
    return got.value_or(std::vector<domain::ReferralFacts>());
  }
  std::vector<domain::PrescriptionFacts> Prescriptions(const ReportScan& scan) {
    auto got = Collect(*store_, &ReadTransaction::ScanPrescriptionFacts, scan);
    EXPECT_THAT(got.status(), IsOk());
    return got.value_or(std::vector<domain::PrescriptionFacts>());
  }
  std::vector<domain::DeadLetterFacts> DeadLetters(const ReportScan& scan) {
    auto got = Collect(*store_, &ReadTransaction::ScanDeadLetterFacts, scan);
    EXPECT_THAT(got.status(), IsOk());
    return got.value_or(std::vector<domain::DeadLetterFacts>());
  }

  // One value of one row, by plain SQL on the database.
  std::string Sql(const std::string& query) {
    if (testing::TestStoreIsPostgres()) {
      PgConnectOptions options = testing::PgTestOptions();
      options.conninfo = config_.postgres().conninfo();
      auto conn = PgConnection::Connect(options);
      EXPECT_TRUE(conn.ok()) << conn.status();
      if (!conn.ok()) return "";
      auto result = (*conn)->Query(query);
      EXPECT_TRUE(result.ok()) << result.status();
      if (!result.ok()) return "";
      if (result->rows() == 0) return "<none>";
      return result->IsNull(0, 0) ? "NULL" : result->Text(0, 0);
    }
    auto conn = SqliteConnection::Open((dir_ / "gateway.db").string(),
                                       /*read_only=*/true);
    EXPECT_TRUE(conn.ok()) << conn.status();
    if (!conn.ok()) return "";
    auto stmt = (*conn)->Prepare(query);
    EXPECT_TRUE(stmt.ok()) << stmt.status();
    if (!stmt.ok()) return "";
    auto row = stmt->Step();
    if (!row.ok() || !*row) return "<none>";
    return stmt->ColumnIsNull(0) ? "NULL" : stmt->ColumnText(0);
  }

  std::filesystem::path dir_;
  v1::StoreConfig config_;
  std::unique_ptr<Store> store_;
};

std::vector<std::string> Gps(const std::vector<domain::ReferralFacts>& facts) {
  std::vector<std::string> out;
  for (const auto& f : facts) out.push_back(f.subject.gp_ods);
  return out;
}

TEST_F(ReportScansTest, InsertsAndUpdatesKeepTheReferralColumnsInStep) {
  // 23:30 UTC on 1 April is 00:30 on 2 April in London (BST).
  v1::Referral r = MakeReferral(
      "ref-1", absl::FromCivil(absl::CivilSecond(2026, 4, 1, 23, 30, 0),
                               absl::UTCTimeZone()));
  ASSERT_THAT(Write([&](WriteTransaction& tx) { return tx.InsertReferral(r); }),
              IsOk());
  const ReportScan april =
      Scan(absl::CivilDay(2026, 4, 1), absl::CivilDay(2026, 4, 30));
  std::vector<domain::ReferralFacts> facts = Referrals(april);
  ASSERT_EQ(facts.size(), 1u);
  EXPECT_EQ(facts[0].received_on, absl::CivilDay(2026, 4, 2));
  EXPECT_EQ(facts[0].subject.source, v1::REFERRAL_SOURCE_TALKING_THERAPIES);
  EXPECT_TRUE(facts[0].subject.smi);
  EXPECT_EQ(facts[0].subject.diagnosis,
            v1::DIAGNOSIS_CATEGORY_BIPOLAR_DISORDER);
  EXPECT_EQ(facts[0].subject.referrer_ods, "RX9");
  EXPECT_EQ(facts[0].subject.service_ods, "TDS01");
  EXPECT_EQ(facts[0].subject.gp_ods, "Y90001");
  EXPECT_TRUE(facts[0].subject.shares_with_gp);
  EXPECT_FALSE(facts[0].quit_date.has_value());
  EXPECT_EQ(facts[0].outcome_4wk, v1::OUTCOME_STATUS_UNSPECIFIED);
  EXPECT_EQ(facts[0].first_route, v1::ROUTE_UNSPECIFIED);
  EXPECT_EQ(facts[0].first_pharmacy_ods, "");
  EXPECT_EQ(Sql("SELECT received_on FROM referrals"), "2026-04-02");

  // Two requests, the second created first: the referral's first request
  // is the earlier one, whichever was stored first.
  v1::PrescriptionRequest later =
      MakePrescription("rx-later", r, London(2026, 4, 10));
  v1::PrescriptionRequest first = MakePrescription(
      "rx-first", r, London(2026, 4, 5), v1::ROUTE_GP_PRESCRIPTION, "Y90001");
  first.mutable_product()->set_kind(v1::PRODUCT_KIND_NRT);
  ASSERT_THAT(Write([&](WriteTransaction& tx) -> absl::Status {
                if (absl::Status s = tx.InsertPrescription(later); !s.ok()) {
                  return s;
                }
                return tx.InsertPrescription(first);
              }),
              IsOk());
  // Outcomes at four weeks: the latest by created_at wins, whatever the
  // order they were stored in.
  ASSERT_THAT(
      Write([&](WriteTransaction& tx) -> absl::Status {
        for (const v1::Outcome& o :
             {MakeOutcome("o-2", "ref-1", v1::FOLLOW_UP_POINT_WEEK_4,
                          v1::OUTCOME_STATUS_QUIT_CO_VERIFIED,
                          London(2026, 5, 20)),
              MakeOutcome("o-1", "ref-1", v1::FOLLOW_UP_POINT_WEEK_4,
                          v1::OUTCOME_STATUS_NOT_QUIT, London(2026, 5, 19)),
              MakeOutcome("o-3", "ref-1", v1::FOLLOW_UP_POINT_WEEK_12,
                          v1::OUTCOME_STATUS_RELAPSED, London(2026, 7, 1))}) {
          if (absl::Status s = tx.InsertOutcome(o); !s.ok()) return s;
        }
        return absl::OkStatus();
      }),
      IsOk());
  // The quit date set, consent to share with the GP withdrawn.
  SetQuitDate(r, "2026-04-20");
  r.mutable_consent()->set_share_with_gp(false);
  r.set_version(2);
  ASSERT_THAT(Write([&](WriteTransaction& tx) { return tx.UpdateReferral(r); }),
              IsOk());

  facts = Referrals(april);
  ASSERT_EQ(facts.size(), 1u);
  EXPECT_EQ(facts[0].quit_date, absl::CivilDay(2026, 4, 20));
  EXPECT_FALSE(facts[0].subject.shares_with_gp);
  EXPECT_EQ(facts[0].outcome_4wk, v1::OUTCOME_STATUS_QUIT_CO_VERIFIED);
  EXPECT_EQ(facts[0].outcome_12wk, v1::OUTCOME_STATUS_RELAPSED);
  EXPECT_EQ(facts[0].outcome_52wk, v1::OUTCOME_STATUS_UNSPECIFIED);
  EXPECT_EQ(facts[0].first_route, v1::ROUTE_GP_PRESCRIPTION);
  EXPECT_EQ(facts[0].first_product_kind, v1::PRODUCT_KIND_NRT);
  EXPECT_EQ(facts[0].first_pharmacy_ods, "FNM01") << "the nominated pharmacy";
  EXPECT_EQ(Sql("SELECT follow_up || ',' || status || ',' || co_verified "
                "FROM outcomes WHERE outcome_id = 'o-2'"),
            "1,2,1");
  EXPECT_EQ(Sql("SELECT quit_date FROM referrals"), "2026-04-20");

  // The requests copied the referral's subject, and follow its update.
  std::vector<domain::PrescriptionFacts> rx = Prescriptions(april);
  ASSERT_EQ(rx.size(), 2u);
  for (const auto& p : rx) {
    EXPECT_EQ(p.subject.gp_ods, "Y90001");
    EXPECT_EQ(p.subject.source, v1::REFERRAL_SOURCE_TALKING_THERAPIES);
    EXPECT_FALSE(p.subject.shares_with_gp);
  }
}

TEST_F(ReportScansTest, UpdatesKeepThePrescriptionColumnsInStep) {
  v1::Referral r = MakeReferral("ref-1", London(2026, 4, 1));
  v1::PrescriptionRequest p = MakePrescription("rx-1", r, London(2026, 4, 2));
  ASSERT_THAT(Write([&](WriteTransaction& tx) -> absl::Status {
                if (absl::Status s = tx.InsertReferral(r); !s.ok()) return s;
                return tx.InsertPrescription(p);
              }),
              IsOk());
  const ReportScan april =
      Scan(absl::CivilDay(2026, 4, 1), absl::CivilDay(2026, 4, 30));
  std::vector<domain::PrescriptionFacts> facts = Prescriptions(april);
  ASSERT_EQ(facts.size(), 1u);
  EXPECT_EQ(facts[0].route, v1::ROUTE_PHARMACY_SUPPLY);
  EXPECT_EQ(facts[0].product_kind, v1::PRODUCT_KIND_VARENICLINE);
  EXPECT_EQ(facts[0].target_ods, "FZZ99");
  EXPECT_EQ(facts[0].pharmacy_ods, "FZZ99") << "the pharmacy route's target";
  EXPECT_EQ(facts[0].recommended_at, London(2026, 4, 2));
  EXPECT_FALSE(facts[0].acknowledged_at.has_value());
  EXPECT_EQ(facts[0].status, v1::PRESCRIPTION_STATUS_RECOMMENDED);
  EXPECT_EQ(facts[0].first_overdue_waiting_on, "");

  v1::PrescriptionRequest updated = p;
  updated.set_status(v1::PRESCRIPTION_STATUS_NOT_SUPPLIED);
  updated.set_status_reason("OUT_OF_STOCK");
  *updated.mutable_acknowledged_at() = domain::ToTimestamp(London(2026, 4, 3));
  *updated.mutable_prescribed_or_supplied_at() =
      domain::ToTimestamp(London(2026, 4, 4));
  updated.set_first_overdue_waiting_on("FZZ99");
  updated.set_version(2);
  ASSERT_THAT(Write([&](WriteTransaction& tx) {
                return tx.UpdatePrescription(updated, 1);
              }),
              IsOk());
  facts = Prescriptions(april);
  ASSERT_EQ(facts.size(), 1u);
  EXPECT_EQ(facts[0].status, v1::PRESCRIPTION_STATUS_NOT_SUPPLIED);
  EXPECT_EQ(facts[0].status_reason, "OUT_OF_STOCK");
  EXPECT_EQ(facts[0].acknowledged_at, London(2026, 4, 3));
  EXPECT_EQ(facts[0].prescribed_or_supplied_at, London(2026, 4, 4));
  EXPECT_FALSE(facts[0].dispensed_at.has_value());
  EXPECT_EQ(facts[0].first_overdue_waiting_on, "FZZ99");
  EXPECT_EQ(Sql("SELECT created_on FROM prescriptions"), "2026-04-02");
}

// Three referrals: received in April; received in March with a quit date
// in April; received in March with a quit date in March.
TEST_F(ReportScansTest, ReferralScanCoversReceivedOrQuitDateInThePeriod) {
  v1::Referral april =
      MakeReferral("ref-apr", London(2026, 4, 30, 23, 59), "TDS01", "GP-APR");
  v1::Referral march_quit_april = MakeReferral(
      "ref-mar-q", London(2026, 3, 31, 23, 59), "TDS02", "GP-MAR-Q");
  SetQuitDate(march_quit_april, "2026-04-01");
  v1::Referral march =
      MakeReferral("ref-mar", London(2026, 3, 15), "TDS01", "GP-MAR");
  SetQuitDate(march, "2026-03-31");
  v1::Referral may =
      MakeReferral("ref-may", London(2026, 5, 1, 0, 0), "TDS01", "GP-MAY");
  // Received and quit date both in April: yielded once.
  v1::Referral both =
      MakeReferral("ref-both", London(2026, 4, 2), "TDS03", "GP-BOTH");
  SetQuitDate(both, "2026-04-10");
  ASSERT_THAT(
      Write([&](WriteTransaction& tx) -> absl::Status {
        for (const auto& r : {april, march_quit_april, march, may, both}) {
          if (absl::Status s = tx.InsertReferral(r); !s.ok()) return s;
        }
        return absl::OkStatus();
      }),
      IsOk());
  const absl::CivilDay from(2026, 4, 1), to(2026, 4, 30);
  EXPECT_THAT(Gps(Referrals(Scan(from, to))),
              UnorderedElementsAre("GP-APR", "GP-MAR-Q", "GP-BOTH"));
  // The prefilter: by service, by practice, by both (once), by neither.
  EXPECT_THAT(Gps(Referrals(Scan(from, to, {"TDS01"}))),
              UnorderedElementsAre("GP-APR"));
  EXPECT_THAT(Gps(Referrals(Scan(from, to, {"GP-MAR-Q"}))),
              UnorderedElementsAre("GP-MAR-Q"));
  EXPECT_THAT(Gps(Referrals(Scan(from, to, {"TDS03", "GP-BOTH", "TDS02"}))),
              UnorderedElementsAre("GP-MAR-Q", "GP-BOTH"));
  EXPECT_TRUE(Referrals(Scan(from, to, {"ZZZ"})).empty());
  EXPECT_THAT(Gps(Referrals(Scan(absl::CivilDay(2026, 3, 1),
                                 absl::CivilDay(2026, 3, 31)))),
              UnorderedElementsAre("GP-MAR-Q", "GP-MAR"));
}

TEST_F(ReportScansTest, PrescriptionScanCoversRequestsCreatedInThePeriod) {
  v1::Referral a = MakeReferral("ref-a", London(2026, 3, 1), "TDS01", "GP-A");
  v1::Referral b = MakeReferral("ref-b", London(2026, 3, 1), "TDS02", "GP-B");
  ASSERT_THAT(
      Write([&](WriteTransaction& tx) -> absl::Status {
        for (const auto& r : {a, b}) {
          if (absl::Status s = tx.InsertReferral(r); !s.ok()) return s;
        }
        for (const auto& p :
             {MakePrescription("rx-a-mar", a, London(2026, 3, 31, 23, 59)),
              MakePrescription("rx-a-apr", a, London(2026, 4, 1, 0, 0)),
              MakePrescription("rx-b-apr", b, London(2026, 4, 30, 23, 59)),
              MakePrescription("rx-b-may", b, London(2026, 5, 1, 0, 0))}) {
          if (absl::Status s = tx.InsertPrescription(p); !s.ok()) return s;
        }
        return absl::OkStatus();
      }),
      IsOk());
  auto times = [](const std::vector<domain::PrescriptionFacts>& facts) {
    std::vector<absl::Time> out;
    for (const auto& f : facts) out.push_back(f.recommended_at);
    return out;
  };
  const absl::CivilDay from(2026, 4, 1), to(2026, 4, 30);
  EXPECT_THAT(times(Prescriptions(Scan(from, to))),
              UnorderedElementsAre(London(2026, 4, 1, 0, 0),
                                   London(2026, 4, 30, 23, 59)));
  EXPECT_THAT(times(Prescriptions(Scan(from, to, {"GP-B"}))),
              UnorderedElementsAre(London(2026, 4, 30, 23, 59)));
  EXPECT_THAT(times(Prescriptions(Scan(from, to, {"TDS01", "GP-A"}))),
              UnorderedElementsAre(London(2026, 4, 1, 0, 0)));
  EXPECT_TRUE(Prescriptions(Scan(from, to, {"FZZ99"})).empty())
      << "the prefilter is service or practice, not target";
}

TEST_F(ReportScansTest, DeadLetterScanJoinsTheReferralItIsAbout) {
  v1::Referral a = MakeReferral("ref-a", London(2026, 3, 1), "TDS01", "GP-A");
  v1::Referral b = MakeReferral("ref-b", London(2026, 3, 1), "TDS02", "GP-B");
  v1::PrescriptionRequest rx = MakePrescription("rx-b", b, London(2026, 3, 2));
  ASSERT_THAT(
      Write([&](WriteTransaction& tx) -> absl::Status {
        for (const auto& r : {a, b}) {
          if (absl::Status s = tx.InsertReferral(r); !s.ok()) return s;
        }
        if (absl::Status s = tx.InsertPrescription(rx); !s.ok()) return s;
        for (const OutboxRow& row :
             {MakeOutboxRow("m1", "DEST1", "ref-a", London(2026, 4, 1, 0, 0),
                            v1::DELIVERY_STATE_DEAD_LETTER),
              // Names only its request: the request's referral.
              MakeOutboxRow("m2", "DEST2", "", London(2026, 4, 30, 23, 59),
                            v1::DELIVERY_STATE_DEAD_LETTER, "rx-b"),
              MakeOutboxRow("m3", "DEST3", "ref-a", London(2026, 4, 2),
                            v1::DELIVERY_STATE_PENDING),
              MakeOutboxRow("m4", "DEST4", "ref-a", London(2026, 3, 31, 23, 59),
                            v1::DELIVERY_STATE_DEAD_LETTER)}) {
          if (absl::Status s = tx.InsertOutboxMessage(row); !s.ok()) return s;
        }
        return absl::OkStatus();
      }),
      IsOk());
  auto destinations = [](const std::vector<domain::DeadLetterFacts>& facts) {
    std::vector<std::string> out;
    for (const auto& f : facts) {
      out.push_back(f.destination_ods + "/" + f.subject.gp_ods);
    }
    return out;
  };
  const absl::CivilDay from(2026, 4, 1), to(2026, 4, 30);
  EXPECT_THAT(destinations(DeadLetters(Scan(from, to))),
              UnorderedElementsAre("DEST1/GP-A", "DEST2/GP-B"));
  EXPECT_THAT(destinations(DeadLetters(Scan(from, to, {"TDS02"}))),
              UnorderedElementsAre("DEST2/GP-B"));
  EXPECT_THAT(destinations(DeadLetters(Scan(from, to, {"GP-A"}))),
              UnorderedElementsAre("DEST1/GP-A"));
  // Delivered later: no longer a dead letter.
  v1::Delivery delivered;
  delivered.set_message_id("m1");
  delivered.set_destination_ods("DEST1");
  delivered.set_state(v1::DELIVERY_STATE_DELIVERED);
  ASSERT_THAT(
      Write([&](WriteTransaction& tx) { return tx.UpdateDelivery(delivered); }),
      IsOk());
  EXPECT_THAT(destinations(DeadLetters(Scan(from, to))),
              UnorderedElementsAre("DEST2/GP-B"));
}

TEST_F(ReportScansTest, ASinkErrorStopsTheScanAndIsReturned) {
  ASSERT_THAT(
      Write([&](WriteTransaction& tx) -> absl::Status {
        for (int i = 0; i < 5; ++i) {
          v1::Referral r =
              MakeReferral("ref-" + std::to_string(i), London(2026, 4, 1 + i));
          if (absl::Status s = tx.InsertReferral(r); !s.ok()) return s;
          if (absl::Status s = tx.InsertPrescription(MakePrescription(
                  "rx-" + std::to_string(i), r, London(2026, 4, 2 + i)));
              !s.ok()) {
            return s;
          }
          if (absl::Status s = tx.InsertOutboxMessage(MakeOutboxRow(
                  "m-" + std::to_string(i), "DEST", r.referral_id(),
                  London(2026, 4, 3 + i), v1::DELIVERY_STATE_DEAD_LETTER));
              !s.ok()) {
            return s;
          }
        }
        return absl::OkStatus();
      }),
      IsOk());
  const ReportScan april =
      Scan(absl::CivilDay(2026, 4, 1), absl::CivilDay(2026, 4, 30));
  int calls = 0;
  auto stop = [&calls](const auto&) {
    ++calls;
    return absl::CancelledError("the caller went away");
  };
  EXPECT_THAT(store_->Read([&](ReadTransaction& tx) {
    return tx.ScanReferralFacts(april, stop);
  }),
              StatusIs(absl::StatusCode::kCancelled));
  EXPECT_EQ(calls, 1);
  calls = 0;
  EXPECT_THAT(store_->Read([&](ReadTransaction& tx) {
    return tx.ScanPrescriptionFacts(april, stop);
  }),
              StatusIs(absl::StatusCode::kCancelled));
  EXPECT_EQ(calls, 1);
  calls = 0;
  EXPECT_THAT(store_->Read([&](ReadTransaction& tx) {
    return tx.ScanDeadLetterFacts(april, stop);
  }),
              StatusIs(absl::StatusCode::kCancelled));
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace nhs::tobacco::store
