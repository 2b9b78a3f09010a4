// PostgreSQL and several instances (issue 16): what one commit at a time
// costs. Every PostgreSQL write batch locks the one write_order row, so
// write transactions commit one after another across every instance on the
// database (gateway/store/postgres/pg_store.h); this measures durable
// writes per second and their latency through the Store port on
//   - SQLite (one instance, the default),
//   - PostgreSQL with one store, and
//   - PostgreSQL with two stores on the same database (two "instances",
//     the writers split between them),
// each with two kinds of write:
//   - referral: one referral inserted;
//   - referral + audit: the same and one audit row chained to the newest
//     (LastAuditRecord, then InsertAuditRecord with its sequence + 1, in
//     the same transaction, as the gateway's audit does);
// at each number of closed-loop writers (threads calling WriteAndWait, the
// next write when the last returned). After an audited run the chain is
// read back: one row per acknowledged write, sequences 1..N, no gap or
// fork. A report: it never fails on speed.
//
//   store_write_bench [--seconds=3] [--callers=1,32]
//
// PostgreSQL: the bench starts its own throw-away server
// (tests/testing/postgres/pg_test_server.sh start, in a temporary folder;
// stopped at exit, also when the bench fails or is killed: a watchdog
// process stops it when this process's end of a pipe closes;
// tests/bench/bench_postgres.h) and gives
// every scenario a fresh database. Those scenarios are skipped, saying so,
// when PostgreSQL 15 is not installed. The server runs with PostgreSQL's
// defaults (fsync and synchronous_commit on): a write is acknowledged only
// once durable, as with SQLite.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gateway/store/store.h"
#include "google/protobuf/util/time_util.h"
#include "tests/bench/bench_postgres.h"
#include "tests/testing/sample_referral.h"

ABSL_FLAG(double, seconds, 3.0, "measured seconds per scenario");
ABSL_FLAG(std::string, callers, "1,32",
          "comma list of concurrent writers (closed loops)");
ABSL_FLAG(std::string, pg_script, TOBACCO_PG_SCRIPT,
          "tests/testing/postgres/pg_test_server.sh, which starts the "
          "PostgreSQL server of the PostgreSQL scenarios");
ABSL_FLAG(bool, postgres, true,
          "run the PostgreSQL scenarios (skipped anyway when PostgreSQL 15 "
          "is not installed)");

namespace nhs::tobacco::bench {
namespace {

namespace fs = std::filesystem;
using ::google::protobuf::util::TimeUtil;

enum class Backend { kSqlite, kPostgresOne, kPostgresTwo };
enum class Work { kReferral, kReferralAndAudit };

const char* BackendName(Backend backend) {
  switch (backend) {
    case Backend::kSqlite:
      return "SQLite";
    case Backend::kPostgresOne:
      return "PostgreSQL, 1 instance";
    case Backend::kPostgresTwo:
      return "PostgreSQL, 2 instances";
  }
  return "?";
}

const char* WorkName(Work work) {
  return work == Work::kReferral ? "referral" : "referral + audit";
}

v1::Referral MakeReferral(const std::string& id, int64_t created_us) {
  return testing::SampleStoredReferral(id, created_us);
}

absl::Status DoWrite(store::WriteTransaction& tx, Work work,
                     const std::string& id, int64_t now_us) {
  if (absl::Status s = tx.InsertReferral(MakeReferral(id, now_us)); !s.ok()) {
    return s;
  }
  if (work == Work::kReferral) return absl::OkStatus();
  // Chained to the newest row in the same transaction: with several
  // writers, on one instance or several, the chain keeps one head only if
  // no other transaction appends between this read and this insert.
  absl::StatusOr<std::optional<v1::AuditRecord>> last = tx.LastAuditRecord();
  if (!last.ok()) return last.status();
  v1::AuditRecord a;
  a.set_sequence(last->has_value() ? (*last)->sequence() + 1 : 1);
  *a.mutable_at() = TimeUtil::MicrosecondsToTimestamp(now_us);
  a.set_ods_code("RX9");
  a.set_role("referrer");
  a.set_operation("CreateReferral");
  a.set_record_id(id);
  a.set_result("OK");
  // The store does not check the hash; the gateway's keyed hash of the
  // previous one costs about a microsecond.
  a.set_hash(absl::StrFormat("%064x", a.sequence()));
  a.set_key_id("bench");
  return tx.InsertAuditRecord(a);
}

struct Result {
  int64_t writes = 0;  // acknowledged OK in the measured window
  double seconds = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  int64_t errors = 0;
  std::string first_error;
  double writes_per_commit = 0;
  int64_t ok_total = 0;  // acknowledged OK, warm-up included
};

store::StoreStats SumStats(const std::vector<store::Store*>& stores) {
  store::StoreStats sum;
  for (store::Store* s : stores) {
    const store::StoreStats one = s->stats();
    sum.commits += one.commits;
    sum.writes += one.writes;
  }
  return sum;
}

// `callers` threads, thread c writing through stores[c % stores.size()],
// for `warmup` (not counted) and then `duration`.
Result Drive(const std::vector<store::Store*>& stores, int callers, Work work,
             int scenario, absl::Duration warmup, absl::Duration duration) {
  std::atomic<int64_t> next_id{0};
  std::atomic<int64_t> ok_total{0};
  std::atomic<int64_t> errors{0};
  absl::Mutex error_mu;
  std::string first_error;
  std::vector<std::vector<double>> latencies(callers);
  const absl::Time start = absl::Now();
  const absl::Time measure_from = start + warmup;
  const absl::Time end = measure_from + duration;
  std::vector<std::thread> threads;
  threads.reserve(callers);
  for (int c = 0; c < callers; ++c) {
    threads.emplace_back([&, c] {
      store::Store& store = *stores[c % stores.size()];
      std::vector<double>& mine = latencies[c];
      while (true) {
        const absl::Time t0 = absl::Now();
        if (t0 >= end) break;
        // Time-ordered ids, as the gateway's are.
        const std::string id = absl::StrFormat("ref-bench-%02d-%010d", scenario,
                                               next_id.fetch_add(1));
        const int64_t now_us = absl::ToUnixMicros(t0);
        const absl::Status s =
            store.WriteAndWait([&](store::WriteTransaction& tx) {
              return DoWrite(tx, work, id, now_us);
            });
        const absl::Time t1 = absl::Now();
        if (!s.ok()) {
          errors.fetch_add(1);
          absl::MutexLock lock(&error_mu);
          if (first_error.empty()) first_error = s.ToString();
          continue;
        }
        ok_total.fetch_add(1);
        if (t0 >= measure_from) {
          mine.push_back(absl::ToDoubleMilliseconds(t1 - t0));
        }
      }
    });
  }
  absl::SleepFor(measure_from - absl::Now());
  const store::StoreStats before = SumStats(stores);
  absl::SleepFor(end - absl::Now());
  for (std::thread& t : threads) t.join();
  const store::StoreStats after = SumStats(stores);
  const double seconds = absl::ToDoubleSeconds(absl::Now() - measure_from);

  Result r;
  std::vector<double> all;
  for (const std::vector<double>& one : latencies) {
    all.insert(all.end(), one.begin(), one.end());
  }
  std::sort(all.begin(), all.end());
  r.writes = static_cast<int64_t>(all.size());
  r.seconds = seconds;
  if (!all.empty()) {
    r.p50_ms = all[all.size() / 2];
    r.p99_ms = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  }
  r.errors = errors.load();
  r.first_error = first_error;
  if (after.commits > before.commits) {
    r.writes_per_commit = static_cast<double>(after.writes - before.writes) /
                          static_cast<double>(after.commits - before.commits);
  }
  r.ok_total = ok_total.load();
  return r;
}

// The audit chain as read back: one row per acknowledged audited write,
// sequences 1..N in order (a fork would have been refused as a duplicate
// sequence, a lost row shows as a gap). Empty when whole, else what is
// wrong.
std::string CheckChain(store::Store& store, int64_t expected_rows) {
  int64_t rows = 0;
  std::string problem;
  const absl::Status read = store.Read([&](store::ReadTransaction& tx) {
    while (true) {
      absl::StatusOr<std::vector<v1::AuditRecord>> page =
          tx.ListAuditRecords(rows, 10000);
      if (!page.ok()) return page.status();
      if (page->empty()) return absl::OkStatus();
      for (const v1::AuditRecord& row : *page) {
        if (row.sequence() != rows + 1) {
          problem =
              absl::StrCat("row ", rows + 1, " has sequence ", row.sequence());
          return absl::OkStatus();
        }
        ++rows;
      }
    }
  });
  if (!read.ok()) return absl::StrCat("reading it failed: ", read.ToString());
  if (!problem.empty()) return problem;
  if (rows != expected_rows) {
    return absl::StrCat(rows, " rows for ", expected_rows,
                        " acknowledged writes");
  }
  return "";
}

int Run() {
  const absl::Duration duration = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  const absl::Duration warmup = std::min(absl::Milliseconds(500), duration / 5);
  std::vector<int> caller_counts;
  for (absl::string_view c :
       absl::StrSplit(absl::GetFlag(FLAGS_callers), ',')) {
    int n = 0;
    if (absl::SimpleAtoi(c, &n) && n > 0) caller_counts.push_back(n);
  }
  if (caller_counts.empty()) {
    std::fprintf(stderr, "--callers names no positive count\n");
    return 1;
  }

  const fs::path dir = fs::temp_directory_path() /
                       absl::StrCat("store_write_bench_", ::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ignored;
      fs::remove_all(dir, ignored);
    }
  } cleanup{dir};  // after the server below has stopped

  std::vector<Backend> backends = {Backend::kSqlite};
  // Destroyed (stopped) before `cleanup`.
  std::unique_ptr<BenchPostgres> pg;
  if (!absl::GetFlag(FLAGS_postgres)) {
    std::printf("PostgreSQL scenarios skipped: --nopostgres\n");
  } else if (!PostgresInstalled()) {
    std::printf(
        "PostgreSQL scenarios skipped: %s not found (install postgresql-15: "
        "deploy/install_deps.sh --test)\n",
        kInitdb);
  } else {
    absl::StatusOr<std::unique_ptr<BenchPostgres>> started =
        BenchPostgres::Start(absl::GetFlag(FLAGS_pg_script), dir);
    if (!started.ok()) {
      std::fprintf(stderr, "starting PostgreSQL: %s\n",
                   started.status().ToString().c_str());
      return 1;
    }
    pg = *std::move(started);
    backends.push_back(Backend::kPostgresOne);
    backends.push_back(Backend::kPostgresTwo);
  }

  std::printf(
      "load average at start: %s; %s s per scenario after %s s warm-up\n",
      LoadAverage().c_str(),
      absl::StrFormat("%.2g", absl::ToDoubleSeconds(duration)).c_str(),
      absl::StrFormat("%.2g", absl::ToDoubleSeconds(warmup)).c_str());
  std::printf("%-24s %-17s %7s %9s %8s %8s %13s %6s\n", "store", "write",
              "callers", "writes/s", "p50 ms", "p99 ms", "writes/commit",
              "errors");
  std::fflush(stdout);
  int scenario = 0;
  bool failed = false;
  for (int callers : caller_counts) {
    for (Work work : {Work::kReferral, Work::kReferralAndAudit}) {
      for (Backend backend : backends) {
        ++scenario;
        // A fresh store each time: an empty SQLite file, or a new database.
        std::vector<std::unique_ptr<store::Store>> owned;
        v1::StoreConfig config;
        if (backend != Backend::kSqlite) {
          const std::string db = absl::StrCat("bench_", scenario);
          if (absl::Status s = pg->CreateDatabase(db); !s.ok()) {
            std::fprintf(stderr, "CREATE DATABASE %s: %s\n", db.c_str(),
                         s.ToString().c_str());
            return 1;
          }
          config.mutable_postgres()->set_conninfo(pg->conninfo(db));
          config.mutable_postgres()->set_password_file(pg->password_file());
        }
        const int instances = backend == Backend::kPostgresTwo ? 2 : 1;
        for (int i = 0; i < instances; ++i) {
          config.set_data_dir(
              (dir / absl::StrCat("data_", scenario, "_", i)).string());
          absl::StatusOr<std::unique_ptr<store::Store>> opened =
              store::OpenStore(config);
          if (!opened.ok()) {
            std::fprintf(stderr, "opening the %s store: %s\n",
                         BackendName(backend),
                         opened.status().ToString().c_str());
            return 1;
          }
          owned.push_back(*std::move(opened));
        }
        std::vector<store::Store*> stores;
        for (auto& s : owned) stores.push_back(s.get());

        const Result r =
            Drive(stores, callers, work, scenario, warmup, duration);
        std::printf("%-24s %-17s %7d %9.0f %8.2f %8.2f %13.1f %6lld\n",
                    BackendName(backend), WorkName(work), callers,
                    r.writes / r.seconds, r.p50_ms, r.p99_ms,
                    r.writes_per_commit, static_cast<long long>(r.errors));
        if (r.errors > 0) {
          std::printf("  first error: %s\n", r.first_error.c_str());
        }
        if (work == Work::kReferralAndAudit) {
          const std::string broken = CheckChain(*stores[0], r.ok_total);
          if (!broken.empty()) {
            std::printf("  audit chain BROKEN: %s\n", broken.c_str());
            failed = true;
          }
        }
        std::fflush(stdout);
      }
    }
  }
  std::printf("load average at end: %s\n", LoadAverage().c_str());
  if (!failed) {
    std::printf(
        "every audited run read back as one chain (sequences 1..N, one row "
        "per acknowledged write)\n");
  }
  return failed ? 1 : 0;
}

}  // namespace
}  // namespace nhs::tobacco::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return nhs::tobacco::bench::Run();
}
