#ifndef TESTS_UNIT_PATHWAY_PATHWAY_FIXTURE_H_
#define TESTS_UNIT_PATHWAY_PATHWAY_FIXTURE_H_

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gateway/common/clock.h"
#include "gateway/domain/deadline_policy.h"
#include "gateway/domain/formulary.h"
#include "gateway/domain/referrer_registry.h"
#include "gateway/pathway/audited_write.h"
#include "gateway/pathway/caller.h"
#include "gateway/pathway/outcome_pathway.h"
#include "gateway/pathway/prescription_pathway.h"
#include "gateway/pathway/referral_pathway.h"
#include "gateway/security/principal.h"
#include "gateway/store/store.h"
#include "gtest/gtest.h"
#include "tests/testing/sample_requests.h"
#include "tests/testing/stored_audit.h"
#include "tests/testing/test_store_config.h"

namespace nhs::tobacco::pathway {

// A clock the test moves by hand.
class TestClock final : public Clock {
 public:
  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ = absl::FromCivil(absl::CivilSecond(2026, 3, 2, 10, 0, 0),
                                    absl::UTCTimeZone());
};

// The real store, except that the next `fail_writes` writes fail
// UNAVAILABLE without running (a full disk, a locked database).
class FlakyStore final : public store::Store {
 public:
  explicit FlakyStore(std::unique_ptr<store::Store> real)
      : real_(std::move(real)) {}
  void Write(store::WriteWork work, store::WriteDone done) override {
    int left = fail_writes.load();
    while (left > 0 && !fail_writes.compare_exchange_weak(left, left - 1)) {
    }
    if (left > 0) {
      done(absl::UnavailableError("disk full (test)"));
      return;
    }
    real_->Write(std::move(work), std::move(done));
  }
  absl::Status Read(const store::ReadWork& work) override {
    return real_->Read(work);
  }
  void SetCommitListener(std::function<void(int64_t)> listener) override {
    real_->SetCommitListener(std::move(listener));
  }
  store::StoreStats stats() override { return real_->stats(); }

  std::atomic<int> fail_writes{0};

 private:
  std::unique_ptr<store::Store> real_;
};

// Principals of the sample referral (testing::SampleReferralRequest): trust
// RX9 referred, service TDS01 treats, practice Y90001 is the GP.
inline Caller As(const std::string& ods, security::Role role,
                 absl::string_view adapter = kGrpcAdapter) {
  return Caller(security::Principal{ods, role, ods}, adapter);
}
inline Caller Trust() { return As("RX9", security::Role::kMentalHealthTrust); }
inline Caller Service() { return As("TDS01", security::Role::kTobaccoService); }
inline Caller Gp() { return As("Y90001", security::Role::kGp); }
inline Caller OtherGp() { return As("Y90002", security::Role::kGp); }
inline Caller Pharmacy() { return As("FZZ99", security::Role::kPharmacy); }
inline Caller Gateway() {
  return Caller(security::GatewayPrincipal(), kGatewayAdapter);
}
// Unrestricted, for a test's own look at what is stored.
inline Caller Inspector() {
  return Caller(security::DevelopmentPrincipal(), kGrpcAdapter);
}

// The referral, prescription and outcome use cases over a real store (a
// fresh SQLite folder, or a fresh PostgreSQL database: TestStoreConfig),
// with a hand-moved clock.
class PathwayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           (std::string("pathway_") + info->test_suite_name() + "_" +
            info->name() + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    auto real = store::OpenStore(testing::TestStoreConfig(dir_));
    ASSERT_TRUE(real.ok()) << real.status();
    store_ = std::make_unique<FlakyStore>(*std::move(real));
    google::protobuf::RepeatedPtrField<v1::FormularyEntry> entries;
    v1::FormularyEntry* patch = entries.Add();
    patch->mutable_product()->set_product_id("nrt-patch-21mg-24h");
    patch->mutable_product()->set_display("Nicotine 21mg/24hours patches");
    patch->mutable_product()->set_kind(v1::PRODUCT_KIND_NRT);
    patch->add_routes(v1::ROUTE_GP_PRESCRIPTION);
    patch->add_routes(v1::ROUTE_PHARMACY_SUPPLY);
    patch->add_routes(v1::ROUTE_SERVICE_SUPPLY);
    auto formulary = domain::Formulary::FromConfig(entries);
    ASSERT_TRUE(formulary.ok()) << formulary.status();
    Build(*formulary, /*fail_closed=*/false);
  }
  void TearDown() override {
    outcomes_.reset();
    prescriptions_.reset();
    referrals_.reset();
    store_.reset();
    writes_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Build(const domain::Formulary& formulary, bool fail_closed) {
    PathwayOptions options;
    options.read_audit_fail_closed = fail_closed;
    options.cyp1a2_medicines = {"clozapine"};
    // The sample registry's relation: trust RX9 refers to service TDS01.
    v1::GatewayConfig registry;
    v1::OrganisationConfig* rx9 = registry.add_organisations();
    rx9->set_ods_code("RX9");
    rx9->mutable_mllp()->set_service_ods_code("TDS01");
    options.referrers = domain::ReferrerRegistry::FromConfig(registry);
    writes_ = std::make_unique<AuditedWrites>(
        *store_, clock_, ::nhs::tobacco::testing::TestAuditKeys(), fail_closed);
    writes_->set_read_audit_backoff(absl::Milliseconds(1));
    referrals_ = std::make_unique<ReferralPathway>(*writes_, options);
    auto deadlines = domain::DeadlinePolicy::FromConfig(v1::DeadlineConfig());
    ASSERT_TRUE(deadlines.ok()) << deadlines.status();
    prescriptions_ = std::make_unique<PrescriptionPathway>(
        *writes_, formulary, *std::move(deadlines), options);
    outcomes_ = std::make_unique<OutcomePathway>(*writes_, options);
    formulary_ = formulary;
  }

  // Runs a write and waits for its reply.
  template <typename T>
  absl::StatusOr<T> Await(std::function<void(Reply<T>)> call) {
    absl::Notification done;
    absl::StatusOr<T> result = absl::UnknownError("no reply");
    call([&](absl::StatusOr<T> r) {
      result = std::move(r);
      done.Notify();
    });
    done.WaitForNotification();
    return result;
  }

  absl::StatusOr<v1::Referral> CreateReferral(
      const Caller& caller, const v1::CreateReferralRequest& request) {
    return Await<v1::Referral>([&](Reply<v1::Referral> reply) {
      referrals_->CreateReferral(caller, request, std::move(reply));
    });
  }
  // The sample referral, created by its referrer.
  std::string SampleReferral(const std::string& request_id = "ref-1") {
    auto r =
        CreateReferral(Trust(), testing::SampleReferralRequest(request_id));
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->referral_id() : "";
  }
  // A recommendation by the service on `route` for a new sample referral.
  v1::PrescriptionRequest Recommended(v1::Route route,
                                      const std::string& target = "",
                                      const std::string& tag = "1") {
    const std::string referral = SampleReferral("ref-" + tag);
    auto rx = Await<v1::PrescriptionRequest>(
        [&](Reply<v1::PrescriptionRequest> reply) {
          prescriptions_->RecommendPrescription(
              Service(),
              testing::SampleRecommendation(
                  "rec-" + tag, referral, "nrt-patch-21mg-24h", route, target),
              std::move(reply));
        });
    EXPECT_TRUE(rx.ok()) << rx.status();
    return rx.ok() ? *rx : v1::PrescriptionRequest();
  }
  absl::StatusOr<v1::PrescriptionRequest> Step(
      const Caller& caller, domain::PrescriptionAction action,
      const v1::TransitionRequest& request) {
    return Await<v1::PrescriptionRequest>(
        [&](Reply<v1::PrescriptionRequest> reply) {
          prescriptions_->Transition(caller, action, request, std::move(reply));
        });
  }

  // Every audit row, oldest first, once `at_least` are durable (refusals
  // are audited asynchronously).
  std::vector<v1::AuditRecord> AuditRows(size_t at_least = 0) {
    std::vector<v1::AuditRecord> rows;
    const absl::Time give_up = absl::Now() + absl::Seconds(5);
    do {
      rows.clear();
      EXPECT_TRUE(store_
                      ->Read([&](store::ReadTransaction& tx) -> absl::Status {
                        auto listed = tx.ListAuditRecords(0, 10000);
                        if (!listed.ok()) return listed.status();
                        rows = *std::move(listed);
                        return absl::OkStatus();
                      })
                      .ok());
      if (rows.size() >= at_least) break;
      absl::SleepFor(absl::Milliseconds(5));
    } while (absl::Now() < give_up);
    return rows;
  }
  // The newest audit row for `operation` (with `result`, when given),
  // waiting for one to appear: refusals are audited asynchronously.
  v1::AuditRecord LastAudit(const std::string& operation,
                            const std::string& result = "") {
    const absl::Time give_up = absl::Now() + absl::Seconds(5);
    do {
      std::vector<v1::AuditRecord> rows = AuditRows();
      for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
        if (it->operation() == operation &&
            (result.empty() || it->result() == result)) {
          return *it;
        }
      }
      absl::SleepFor(absl::Milliseconds(5));
    } while (absl::Now() < give_up);
    ADD_FAILURE() << "no audit row for " << operation << " " << result;
    return v1::AuditRecord();
  }

  // The `count` newest audit rows for `operation` with `result`, oldest
  // first, waiting for that many: refusals are audited asynchronously, so
  // the newest row may not yet be the last refusal made.
  std::vector<v1::AuditRecord> AuditRowsFor(const std::string& operation,
                                            const std::string& result,
                                            size_t count) {
    std::vector<v1::AuditRecord> matching;
    const absl::Time give_up = absl::Now() + absl::Seconds(5);
    do {
      matching.clear();
      for (v1::AuditRecord& row : AuditRows()) {
        if (row.operation() == operation && row.result() == result) {
          matching.push_back(std::move(row));
        }
      }
      if (matching.size() >= count) {
        return {matching.end() - static_cast<std::ptrdiff_t>(count),
                matching.end()};
      }
      absl::SleepFor(absl::Milliseconds(5));
    } while (absl::Now() < give_up);
    ADD_FAILURE() << matching.size() << " audit rows for " << operation << " "
                  << result << ", expected " << count;
    return matching;
  }

  // The timeline events of a referral or prescription, as the gateway
  // sees them.
  std::vector<v1::TimelineEvent> Events(const std::string& referral_id) {
    v1::WatchEventsRequest request;
    request.set_referral_id(referral_id);
    auto watch = prescriptions_->WatchEvents(Inspector(), request);
    EXPECT_TRUE(watch.ok());
    auto batch = (*watch)->Next(0, 1000);
    EXPECT_TRUE(batch.ok());
    return batch.ok() ? batch->visible : std::vector<v1::TimelineEvent>();
  }

  std::filesystem::path dir_;
  TestClock clock_;
  std::unique_ptr<FlakyStore> store_;
  std::unique_ptr<AuditedWrites> writes_;
  std::unique_ptr<ReferralPathway> referrals_;
  std::unique_ptr<PrescriptionPathway> prescriptions_;
  std::unique_ptr<OutcomePathway> outcomes_;
  domain::Formulary formulary_;
};

}  // namespace nhs::tobacco::pathway

#endif  // TESTS_UNIT_PATHWAY_PATHWAY_FIXTURE_H_
