// A row whose body does not parse (an older version stored text that is not
// UTF-8) is skipped by the listings and reported, never failing the page:
// the rows are damaged here through SQLite directly, as that version would
// have written them.
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gateway/store/store.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::store {
namespace {

using ::google::protobuf::util::TimeUtil;
using ::nhs::tobacco::testing::IsOk;

class SqliteUnreadableRowsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           absl::StrCat("unreadable_rows_", ::getpid());
    std::filesystem::remove_all(dir_);
    Open();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open() {
    v1::StoreConfig config;
    config.set_data_dir(dir_.string());
    auto store = OpenStore(config);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  // Closes the store, sets the body of each row `ids` names in `table` to a
  // record whose `id_column` string is followed by 0xFF, and reopens.
  void Damage(const std::string& table, const std::string& id_column,
              const std::vector<std::string>& ids) {
    store_.reset();
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "gateway.db").string().c_str(), &db),
              SQLITE_OK);
    for (const std::string& id : ids) {
      // Field 1 (the id) as a length-delimited string with a bad byte.
      const std::string bad = id + "\xFF";
      std::string body = "\x0A";
      body.push_back(static_cast<char>(bad.size()));
      body += bad;
      sqlite3_stmt* stmt = nullptr;
      ASSERT_EQ(sqlite3_prepare_v2(
                    db,
                    absl::StrCat("UPDATE ", table, " SET body = ? WHERE ",
                                 id_column, " = ?")
                        .c_str(),
                    -1, &stmt, nullptr),
                SQLITE_OK);
      sqlite3_bind_blob(stmt, 1, body.data(), static_cast<int>(body.size()),
                        SQLITE_TRANSIENT);
      sqlite3_bind_text(stmt, 2, id.c_str(), -1, SQLITE_TRANSIENT);
      EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE);
      EXPECT_EQ(sqlite3_changes(db), 1);
      sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
    Open();
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

v1::Referral MakeReferral(int i) {
  v1::Referral r;
  r.set_referral_id(absl::StrCat("ref-", i));
  r.mutable_patient()->set_nhs_number("9990000018");
  r.mutable_referrer()->set_ods_code("RX9");
  r.mutable_service()->set_ods_code("TDS01");
  *r.mutable_created_at() = TimeUtil::MicrosecondsToTimestamp(1000 + i);
  return r;
}

TEST_F(SqliteUnreadableRowsTest, ReferralPagesSkipAndReportBadRowsWithoutGaps) {
  ASSERT_THAT(store_->WriteAndWait([](WriteTransaction& tx) -> absl::Status {
    for (int i = 0; i < 10; ++i) {
      absl::Status s = tx.InsertReferral(MakeReferral(i));
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }),
              IsOk());
  // Three bad rows together fill a whole page's LIMIT (page size 2 reads
  // 3 rows), and one more sits elsewhere.
  Damage("referrals", "referral_id", {"ref-8", "ref-7", "ref-6", "ref-2"});
  std::vector<std::string> listed;
  std::set<std::string> unreadable;
  std::string cursor;
  for (int pages = 0; pages < 20; ++pages) {
    ASSERT_THAT(store_->Read([&](ReadTransaction& tx) -> absl::Status {
      ReferralQuery q;
      q.ods_code = "TDS01";
      q.limit = 2;
      q.cursor = cursor;
      auto page = tx.ListReferrals(q);
      if (!page.ok()) return page.status();
      for (const auto& r : page->items) listed.push_back(r.referral_id());
      unreadable.insert(page->unreadable_ids.begin(),
                        page->unreadable_ids.end());
      cursor = page->next_cursor;
      return absl::OkStatus();
    }),
                IsOk());
    if (cursor.empty()) break;
  }
  EXPECT_THAT(listed, ::testing::ElementsAre("ref-9", "ref-5", "ref-4", "ref-3",
                                             "ref-1", "ref-0"));
  EXPECT_THAT(unreadable,
              ::testing::ElementsAre("ref-2", "ref-6", "ref-7", "ref-8"));
}

TEST_F(SqliteUnreadableRowsTest, DeadlineScanSkipsABadRow) {
  ASSERT_THAT(store_->WriteAndWait([](WriteTransaction& tx) -> absl::Status {
    absl::Status referral = tx.InsertReferral(MakeReferral(0));
    if (!referral.ok()) return referral;
    for (int i = 0; i < 3; ++i) {
      v1::PrescriptionRequest p;
      p.set_prescription_id(absl::StrCat("rx-", i));
      p.set_referral_id("ref-0");
      p.set_status(v1::PRESCRIPTION_STATUS_SENT);
      *p.mutable_created_at() = TimeUtil::MicrosecondsToTimestamp(1);
      *p.mutable_due_at() = TimeUtil::MicrosecondsToTimestamp(2);
      p.set_version(1);
      absl::Status s = tx.InsertPrescription(p);
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }),
              IsOk());
  Damage("prescriptions", "prescription_id", {"rx-1"});
  ASSERT_THAT(store_->Read([&](ReadTransaction& tx) -> absl::Status {
    auto due = tx.ListDeadlineCandidates(absl::FromUnixSeconds(10),
                                         absl::UnixEpoch(), 10);
    if (!due.ok()) return due.status();
    EXPECT_EQ(due->size(), 2u);
    return absl::OkStatus();
  }),
              IsOk());
}

}  // namespace
}  // namespace nhs::tobacco::store
