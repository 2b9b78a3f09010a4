// backup and restore (issue 15): how long `tobacco-gateway backup` takes
// (store::CopySqliteDatabase: copy, integrity_check, fsync, rename) on a
// store of N referrals, each with a prescription request, a timeline event
// and two audit rows, idle and while a writer commits as fast as it can
// (what the gateway's load would do); and how many writes that writer got
// through during the copy (the copy must not stop them). Never fails on
// speed.
//
//   build/default/tests/bench/backup_bench --referrals=100000
//
// The records are bulk-inserted through the store port (large batches),
// not through the API: this measures the copy, not the load.
#include <sys/statvfs.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gateway/store/sqlite/sqlite_backup.h"
#include "gateway/store/store.h"
#include "google/protobuf/util/time_util.h"

ABSL_FLAG(int64_t, referrals, 2000, "referrals to generate");
ABSL_FLAG(int, batch, 5000, "referrals per write transaction");

namespace nhs::tobacco::bench {
namespace {

namespace fs = std::filesystem;
using ::google::protobuf::util::TimeUtil;

// A referral about as large as the sample's (fictional patient, 999 range).
v1::Referral MakeReferral(int64_t i) {
  v1::Referral r;
  r.set_referral_id(absl::StrCat("ref-bench-", i));
  r.mutable_patient()->set_nhs_number("9990000018");
  r.mutable_patient()->set_date_of_birth("1980-04-01");
  r.mutable_referrer()->set_ods_code("RX9");
  r.mutable_service()->set_ods_code("TDS01");
  r.mutable_gp_practice()->set_ods_code("Y90001");
  r.set_source(v1::REFERRAL_SOURCE_COMMUNITY_MENTAL_HEALTH);
  r.mutable_smoking()->set_cigarettes_per_day(25);
  r.mutable_smoking()->set_co_reading_ppm(28);
  r.mutable_mental_health()->set_smi(true);
  r.mutable_mental_health()->add_medicines()->set_name(
      "Clozapine 200mg tablets");
  r.set_status(v1::REFERRAL_STATUS_ACCEPTED);
  *r.mutable_created_at() =
      TimeUtil::MicrosecondsToTimestamp(1'700'000'000'000'000 + i * 1'000'000);
  return r;
}

v1::PrescriptionRequest MakePrescription(int64_t i) {
  v1::PrescriptionRequest p;
  p.set_prescription_id(absl::StrCat("rx-bench-", i));
  p.set_referral_id(absl::StrCat("ref-bench-", i));
  p.mutable_patient()->set_nhs_number("9990000018");
  p.mutable_target()->set_ods_code("Y90001");
  p.mutable_service()->set_ods_code("TDS01");
  p.mutable_product()->set_product_id("varenicline-1mg");
  p.mutable_product()->set_display("Varenicline 1mg tablets");
  p.set_dose_text("As directed");
  p.set_status(v1::PRESCRIPTION_STATUS_RECOMMENDED);
  *p.mutable_created_at() =
      TimeUtil::MicrosecondsToTimestamp(1'700'000'000'000'000 + i * 1'000'000);
  p.set_version(1);
  return p;
}

// Rows i in [from, to) in one transaction.
absl::Status InsertBatch(store::WriteTransaction& tx, int64_t from, int64_t to,
                         int64_t& audit_sequence) {
  for (int64_t i = from; i < to; ++i) {
    absl::Status s = tx.InsertReferral(MakeReferral(i));
    if (s.ok()) s = tx.InsertPrescription(MakePrescription(i));
    if (!s.ok()) return s;
    v1::TimelineEvent e;
    e.set_type(v1::EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED);
    e.set_prescription_id(absl::StrCat("rx-bench-", i));
    e.set_referral_id(absl::StrCat("ref-bench-", i));
    *e.mutable_occurred_at() = TimeUtil::MicrosecondsToTimestamp(i);
    absl::StatusOr<int64_t> seq = tx.AppendEvent(e);
    if (!seq.ok()) return seq.status();
    for (const char* operation : {"CreateReferral", "RecommendPrescription"}) {
      v1::AuditRecord a;
      a.set_sequence(++audit_sequence);
      *a.mutable_at() = TimeUtil::MicrosecondsToTimestamp(i);
      a.set_ods_code("TDS01");
      a.set_role("tobacco_service");
      a.set_operation(operation);
      a.set_record_id(absl::StrCat("ref-bench-", i));
      a.set_result("OK");
      a.set_hash(std::string(64, 'a'));
      a.set_key_id("bench");
      s = tx.InsertAuditRecord(a);
      if (!s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

int Run() {
  const int64_t n = absl::GetFlag(FLAGS_referrals);
  const int batch = absl::GetFlag(FLAGS_batch);
  const fs::path dir =
      fs::temp_directory_path() / absl::StrCat("backup_bench_", ::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir / "backups");
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ignored;
      fs::remove_all(dir, ignored);
    }
  } cleanup{dir};
  // About 2 KiB per referral in the store and as much again for the copy.
  struct statvfs vfs {};
  if (statvfs(dir.c_str(), &vfs) == 0 &&
      static_cast<double>(vfs.f_bavail) * vfs.f_frsize < n * 6000.0) {
    std::cout << "not enough free disk for " << n << " referrals in "
              << dir.string() << "; skipped\n";
    return 0;
  }
  v1::StoreConfig config;
  config.set_data_dir((dir / "data").string());
  absl::StatusOr<std::unique_ptr<store::Store>> opened =
      store::OpenStore(config);
  if (!opened.ok()) {
    std::cerr << opened.status() << "\n";
    return 1;
  }
  std::unique_ptr<store::Store> store = *std::move(opened);
  int64_t audit_sequence = 0;
  const absl::Time load_started = absl::Now();
  for (int64_t from = 0; from < n; from += batch) {
    const int64_t to = std::min<int64_t>(n, from + batch);
    absl::Status s = store->WriteAndWait([&](store::WriteTransaction& tx) {
      return InsertBatch(tx, from, to, audit_sequence);
    });
    if (!s.ok()) {
      std::cerr << "loading: " << s << "\n";
      return 1;
    }
  }
  std::cout << absl::StrFormat(
      "loaded %d referrals in %.1f s\n", n,
      absl::ToDoubleSeconds(absl::Now() - load_started));
  const std::string source = store::SqliteDatabasePath(config);

  auto report = [&](const char* what, const store::SqliteCopyReport& r) {
    std::cout << absl::StrFormat(
        "%-28s %8d referrals  %8.1f MiB  %8d pages  %6.2f s  %6.1f MiB/s\n",
        what, n, r.bytes / 1048576.0, r.pages,
        absl::ToDoubleSeconds(r.duration),
        r.bytes / 1048576.0 / absl::ToDoubleSeconds(r.duration));
  };

  absl::StatusOr<store::SqliteCopyReport> idle =
      store::CopySqliteDatabase(source, (dir / "backups" / "idle.db").string());
  if (!idle.ok()) {
    std::cerr << idle.status() << "\n";
    return 1;
  }
  report("backup, store idle", *idle);

  // A writer committing one referral per transaction, as fast as the store
  // takes them, for the whole copy.
  std::atomic<bool> stop{false};
  std::atomic<int64_t> written{0};
  std::thread writer([&] {
    for (int64_t i = n; !stop.load(); ++i) {
      int64_t unused = 1'000'000'000 + i * 2;
      if (!store
               ->WriteAndWait([&](store::WriteTransaction& tx) {
                 return InsertBatch(tx, i, i + 1, unused);
               })
               .ok()) {
        break;
      }
      written.fetch_add(1);
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const int64_t before = written.load();
  const absl::Time started = absl::Now();
  absl::StatusOr<store::SqliteCopyReport> loaded = store::CopySqliteDatabase(
      source, (dir / "backups" / "loaded.db").string());
  const double seconds = absl::ToDoubleSeconds(absl::Now() - started);
  const int64_t during = written.load() - before;
  stop = true;
  writer.join();
  if (!loaded.ok()) {
    std::cerr << loaded.status() << "\n";
    return 1;
  }
  report("backup, writer committing", *loaded);
  std::cout << absl::StrFormat(
      "the writer committed %d transactions during that copy (%.0f/s; "
      "%.0f/s in the 300 ms before it)\n",
      during, during / seconds, before / 0.3);
  return 0;
}

}  // namespace
}  // namespace nhs::tobacco::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return nhs::tobacco::bench::Run();
}
