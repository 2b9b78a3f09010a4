#ifndef TESTS_UNIT_PATHWAY_USE_CASE_FIXTURE_H_
#define TESTS_UNIT_PATHWAY_USE_CASE_FIXTURE_H_

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gateway/domain/timestamps.h"
#include "gateway/pathway/reply.h"
#include "gateway/security/principal.h"
#include "gateway/store/store.h"
#include "gtest/gtest.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/stored_audit.h"
#include "tests/testing/test_store_config.h"

namespace nhs::tobacco::pathway {

// Waits for the one answer of a use case that replies through Reply<T>.
template <typename T>
class Answer {
 public:
  Reply<T> reply() {
    return [this](absl::StatusOr<T> result) {
      result_.emplace(std::move(result));
      done_.Notify();
    };
  }
  absl::StatusOr<T> Get() {
    if (!done_.WaitForNotificationWithTimeout(absl::Seconds(10))) {
      return absl::DeadlineExceededError("the use case never replied");
    }
    return *result_;
  }

 private:
  absl::Notification done_;
  std::optional<absl::StatusOr<T>> result_;
};

// Use cases against a real SQLite store in a fresh temporary folder, on a
// clock that only the test moves.
class UseCaseTest : public ::testing::Test {
 protected:
  UseCaseTest() : clock_(absl::FromUnixSeconds(1'790'000'000)) {}

  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           absl::StrCat(
               "pathway_unit_", ::getpid(), "_",
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto store = store::OpenStore(testing::TestStoreConfig(dir_));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Every audit row, oldest first.
  std::vector<v1::AuditRecord> AuditRows() {
    std::vector<v1::AuditRecord> rows;
    absl::Status read = store_->Read([&](store::ReadTransaction& tx) {
      auto listed = tx.ListAuditRecords(0, 10000);
      if (!listed.ok()) return listed.status();
      rows = *std::move(listed);
      return absl::OkStatus();
    });
    EXPECT_TRUE(read.ok()) << read;
    return rows;
  }

  // The newest audit row as "ODS role operation record result".
  std::string LastAuditRow() {
    std::vector<v1::AuditRecord> rows = AuditRows();
    if (rows.empty()) return "(none)";
    const v1::AuditRecord& r = rows.back();
    return absl::StrCat(r.ods_code(), " ", r.role(), " ", r.operation(), " ",
                        r.record_id(), " ", r.result());
  }

  absl::Status Write(store::WriteWork work) {
    return store_->WriteAndWait(std::move(work));
  }

  static security::Principal As(security::Role role) {
    return security::Principal{"ME001", role, "a caller"};
  }
  static security::Principal Admin() { return As(security::Role::kAdmin); }

  // Every role a certificate can carry except admin, and the gateway's.
  static std::vector<security::Principal> NonAdmins() {
    using security::Role;
    std::vector<security::Principal> callers;
    for (Role role : {Role::kGp, Role::kPharmacy, Role::kMentalHealthTrust,
                      Role::kTobaccoService, Role::kIntegrator}) {
      callers.push_back(As(role));
    }
    callers.push_back(security::GatewayPrincipal());
    return callers;
  }

  testing::FakeClock clock_;
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
};

}  // namespace nhs::tobacco::pathway

#endif  // TESTS_UNIT_PATHWAY_USE_CASE_FIXTURE_H_
