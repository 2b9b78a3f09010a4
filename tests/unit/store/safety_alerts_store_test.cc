// safety: the store's CYP1A2 safety alerts (migration 8): read back whole,
// listed by referral or by organisation and state, paged newest first, the
// deadline scan's candidates, and the version guard.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gateway/store/store.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_store_config.h"

namespace nhs::tobacco::store {
namespace {

using ::google::protobuf::util::TimeUtil;
using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::ElementsAre;

v1::SafetyAlert Alert(const std::string& id, const std::string& referral,
                      int64_t raised_us, v1::SafetyAlertState state,
                      const std::string& prescriber = "RX9") {
  v1::SafetyAlert a;
  a.set_alert_id(id);
  a.set_referral_id(referral);
  a.set_state(state);
  *a.mutable_raised_at() = TimeUtil::MicrosecondsToTimestamp(raised_us);
  *a.mutable_due_at() = TimeUtil::MicrosecondsToTimestamp(raised_us + 1000);
  a.mutable_prescriber()->set_ods_code(prescriber);
  a.mutable_service()->set_ods_code("TDS01");
  a.set_version(1);
  return a;
}

class SafetyAlertsStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           absl::StrCat(
               "safety_alerts_store_", ::getpid(), "_",
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto store = OpenStore(testing::TestStoreConfig(dir_));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    ASSERT_THAT(store_->WriteAndWait([](WriteTransaction& tx) {
      absl::Status s;
      for (const char* id : {"ref-1", "ref-2"}) {
        v1::Referral r;
        r.set_referral_id(id);
        r.mutable_patient()->set_nhs_number("9990000018");
        r.mutable_referrer()->set_ods_code("RX9");
        r.mutable_service()->set_ods_code("TDS01");
        *r.mutable_created_at() = TimeUtil::MicrosecondsToTimestamp(1);
        if (s.ok()) s = tx.InsertReferral(r);
      }
      return s;
    }),
                IsOk());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::vector<std::string> Ids(SafetyAlertQuery q) {
    std::vector<std::string> ids;
    EXPECT_THAT(store_->Read([&](ReadTransaction& tx) -> absl::Status {
      do {
        auto page = tx.ListSafetyAlerts(q);
        if (!page.ok()) return page.status();
        for (const auto& a : page->items) ids.push_back(a.alert_id());
        q.cursor = page->next_cursor;
      } while (!q.cursor.empty());
      return absl::OkStatus();
    }),
                IsOk());
    return ids;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(SafetyAlertsStoreTest,
       ListsByReferralOrOrganisationAndStateNewestFirst) {
  ASSERT_THAT(store_->WriteAndWait([](WriteTransaction& tx) {
    absl::Status s;
    for (int i = 0; s.ok() && i < 7; ++i) {
      s = tx.InsertSafetyAlert(Alert(
          absl::StrCat("sa-", i), i % 2 == 0 ? "ref-1" : "ref-2", 100 + i / 2,
          i < 3 ? v1::SAFETY_ALERT_STATE_SENT : v1::SAFETY_ALERT_STATE_RAISED,
          i == 6 ? "" : "RX9"));
    }
    return s;
  }),
              IsOk());
  SafetyAlertQuery by_referral;
  by_referral.referral_id = "ref-2";
  by_referral.limit = 2;
  EXPECT_THAT(Ids(by_referral), ElementsAre("sa-5", "sa-3", "sa-1"));
  SafetyAlertQuery prescriber;
  prescriber.ods_code = "RX9";
  prescriber.limit = 4;
  EXPECT_THAT(Ids(prescriber),
              ElementsAre("sa-5", "sa-4", "sa-3", "sa-2", "sa-1", "sa-0"));
  SafetyAlertQuery service_sent;
  service_sent.ods_code = "TDS01";
  service_sent.state = v1::SAFETY_ALERT_STATE_SENT;
  EXPECT_THAT(Ids(service_sent), ElementsAre("sa-2", "sa-1", "sa-0"));
}

TEST_F(SafetyAlertsStoreTest, DueAlertsAreOnlyThoseWaitingForAPerson) {
  ASSERT_THAT(store_->WriteAndWait([](WriteTransaction& tx) {
    absl::Status s = tx.InsertSafetyAlert(
        Alert("raised", "ref-1", 0, v1::SAFETY_ALERT_STATE_RAISED));
    if (s.ok()) {
      s = tx.InsertSafetyAlert(
          Alert("sent", "ref-1", 10, v1::SAFETY_ALERT_STATE_SENT));
    }
    if (s.ok()) {
      s = tx.InsertSafetyAlert(
          Alert("acked", "ref-1", 0, v1::SAFETY_ALERT_STATE_ACKNOWLEDGED));
    }
    if (s.ok()) {
      s = tx.InsertSafetyAlert(
          Alert("overdue", "ref-1", 0, v1::SAFETY_ALERT_STATE_OVERDUE));
    }
    if (s.ok()) {
      s = tx.InsertSafetyAlert(
          Alert("later", "ref-1", 5000, v1::SAFETY_ALERT_STATE_RAISED));
    }
    return s;
  }),
              IsOk());
  std::vector<std::string> due;
  ASSERT_THAT(store_->Read([&](ReadTransaction& tx) -> absl::Status {
    auto alerts = tx.ListDueSafetyAlerts(absl::FromUnixMicros(2000), 100);
    if (!alerts.ok()) return alerts.status();
    for (const auto& a : *alerts) due.push_back(a.alert_id());
    return absl::OkStatus();
  }),
              IsOk());
  EXPECT_THAT(due, ElementsAre("raised", "sent"));
}

TEST_F(SafetyAlertsStoreTest,
       AnUpdateWithAStaleVersionIsAbortedAndLeavesTheDueList) {
  v1::SafetyAlert a = Alert("sa-1", "ref-1", 0, v1::SAFETY_ALERT_STATE_SENT);
  ASSERT_THAT(store_->WriteAndWait([&](WriteTransaction& tx) {
    return tx.InsertSafetyAlert(a);
  }),
              IsOk());
  v1::SafetyAlert acked = a;
  acked.set_state(v1::SAFETY_ALERT_STATE_ACKNOWLEDGED);
  acked.set_version(2);
  EXPECT_THAT(store_->WriteAndWait([&](WriteTransaction& tx) {
    return tx.UpdateSafetyAlert(acked, 7);
  }),
              StatusIs(absl::StatusCode::kAborted));
  ASSERT_THAT(store_->WriteAndWait([&](WriteTransaction& tx) {
    return tx.UpdateSafetyAlert(acked, 1);
  }),
              IsOk());
  ASSERT_THAT(store_->Read([&](ReadTransaction& tx) -> absl::Status {
    auto got = tx.GetSafetyAlert("sa-1");
    EXPECT_TRUE(got.ok() && got->has_value());
    if (got.ok() && got->has_value()) {
      EXPECT_EQ((*got)->state(), v1::SAFETY_ALERT_STATE_ACKNOWLEDGED);
    }
    auto due = tx.ListDueSafetyAlerts(absl::FromUnixMicros(1 << 30), 10);
    EXPECT_TRUE(due.ok() && due->empty());
    return absl::OkStatus();
  }),
              IsOk());
}

}  // namespace
}  // namespace nhs::tobacco::store
