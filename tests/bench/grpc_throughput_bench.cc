// Durable CreateReferral / RecommendPrescription throughput against a no-op
// unary call on the same gRPC server stack, at 1 and 64 concurrent callers.
// Prints calls/s, p50, p99 and the durable/no-op ratio. A report, not a
// test: it never fails on speed.
//
// Then the stores compared (issue 16): CreateReferral at --store_callers
// (64) through gRPC on SQLite (one instance) and on PostgreSQL with one,
// two and three gateway instances in this process on one fresh database
// (each its own ports and data folder, all sealing one audit chain with
// the same key), the callers spread over the instances round-robin, one
// channel per instance, as a balancer would. Per store: calls/s, p50, p99,
// writes per commit, and where the time goes: the CPU of this process's
// threads (store writer, the rest: gRPC client and server, the pathway),
// of the PostgreSQL server's processes and of everything else on the
// machine, and on PostgreSQL the wait events of the database's sessions
// (pg_stat_activity sampled every 10 ms), how long a round trip to the
// server takes meanwhile (SELECT 1), and its WAL flushes. After each store
// the audit chain is verified (AdminService.VerifyAuditChain on the first
// instance): one chain, whatever instance sealed each row.
//
//   grpc_throughput_bench [--seconds=3] [--callers=1,64]
//                         [--stores=sqlite,pg1,pg2,pg3] [--store_callers=64]
//
// --callers= (empty) skips the first part, --stores=none the second. The
// PostgreSQL server is the bench's own (tests/bench/bench_postgres.h:
// pg_test_server.sh in a temporary folder, stopped at exit); without
// PostgreSQL 15 installed the stores default to sqlite, saying so.
#include <dirent.h>
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gateway/server/config_loader.h"
#include "gateway/server/gateway_server.h"
#include "nhs/tobacco/bench/noop.grpc.pb.h"
#include "nhs/tobacco/v1/admin_service.grpc.pb.h"
#include "nhs/tobacco/v1/prescription_service.grpc.pb.h"
#include "nhs/tobacco/v1/referral_service.grpc.pb.h"
#include "tests/bench/bench_postgres.h"
#include "tests/testing/sample_requests.h"

ABSL_FLAG(double, seconds, 3.0, "Measured seconds per scenario");
ABSL_FLAG(std::string, callers, "1,64",
          "Comma list of concurrent callers of the no-op / CreateReferral / "
          "RecommendPrescription scenarios (empty: skip them)");
ABSL_FLAG(std::string, stores, "",
          "Comma list of stores CreateReferral is compared on: sqlite, pg1, "
          "pg2, pg3 (PostgreSQL with that many gateway instances on one "
          "database); none skips the comparison. Default: all four when "
          "PostgreSQL 15 is installed, else sqlite");
ABSL_FLAG(int, store_callers, 64, "Concurrent callers of the comparison");
ABSL_FLAG(std::string, pg_script, TOBACCO_PG_SCRIPT,
          "tests/testing/postgres/pg_test_server.sh, which starts the "
          "PostgreSQL server of the pgN stores");

namespace nhs::tobacco::bench {
namespace {

namespace fs = std::filesystem;

class NoopService final : public Noop::CallbackService {
  grpc::ServerUnaryReactor* Ping(grpc::CallbackServerContext* context,
                                 const google::protobuf::Empty*,
                                 google::protobuf::Empty*) override {
    auto* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

struct Result {
  double calls_per_second = 0;
  double p50_us = 0;
  double p99_us = 0;
  int64_t errors = 0;
  std::string first_error;
};

using DoneFn = std::function<void(const grpc::Status&)>;
// Starts caller `caller`'s call number `seq` (over all callers) and invokes
// `done` when it completes.
using IssueFn = std::function<void(int caller, int64_t seq, DoneFn done)>;

// `callers` closed loops, each issuing its next call when the last returns.
Result RunLoad(int callers, absl::Duration duration, const IssueFn& issue) {
  absl::Mutex mu;
  std::vector<double> latencies;
  std::string first_error;
  std::atomic<int64_t> seq{0}, errors{0};
  std::atomic<int> running{callers};
  absl::Notification finished;
  const absl::Time start = absl::Now();
  const absl::Time end = start + duration;
  struct Loop {
    std::function<void()> next;
  };
  std::vector<std::unique_ptr<Loop>> loops;
  for (int c = 0; c < callers; ++c) {
    loops.push_back(std::make_unique<Loop>());
    Loop* loop = loops.back().get();
    loop->next = [&, loop, c] {
      if (absl::Now() >= end) {
        if (running.fetch_sub(1) == 1) finished.Notify();
        return;
      }
      const absl::Time t0 = absl::Now();
      issue(c, seq.fetch_add(1), [&, loop, t0](const grpc::Status& s) {
        const double us = absl::ToDoubleMicroseconds(absl::Now() - t0);
        if (!s.ok()) errors.fetch_add(1);
        {
          absl::MutexLock lock(&mu);
          latencies.push_back(us);
          if (!s.ok() && first_error.empty()) {
            first_error =
                absl::StrCat("code ", s.error_code(), ": ", s.error_message());
          }
        }
        loop->next();
      });
    };
  }
  for (auto& loop : loops) loop->next();
  finished.WaitForNotification();
  const double elapsed = absl::ToDoubleSeconds(absl::Now() - start);
  Result r;
  absl::MutexLock lock(&mu);
  std::sort(latencies.begin(), latencies.end());
  r.calls_per_second = latencies.size() / elapsed;
  if (!latencies.empty()) {
    r.p50_us = latencies[latencies.size() / 2];
    r.p99_us =
        latencies[std::min(latencies.size() - 1, latencies.size() * 99 / 100)];
  }
  r.errors = errors.load();
  r.first_error = first_error;
  return r;
}

// --- Where the time goes: CPU from /proc --------------------------------

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A /proc/<pid>[/task/<tid>]/stat line: its name (comm) and user + system
// CPU in clock ticks; false when it is gone.
bool ReadStat(const std::string& path, std::string* name, int* ppid,
              int64_t* ticks) {
  const std::string text = ReadAll(path);
  const size_t open = text.find('(');
  const size_t close = text.rfind(')');
  if (open == std::string::npos || close == std::string::npos) return false;
  *name = text.substr(open + 1, close - open - 1);
  // After "(comm) ": state ppid pgrp session tty_nr tpgid flags minflt
  // cminflt majflt cmajflt utime stime ...
  const std::vector<std::string> fields =
      absl::StrSplit(text.substr(close + 2), ' ', absl::SkipEmpty());
  int64_t utime = 0, stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[1], ppid) ||
      !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return false;
  }
  *ticks = utime + stime;
  return true;
}

std::vector<std::string> ListDir(const std::string& path) {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(path.c_str())) {
    while (dirent* e = ::readdir(d)) {
      if (e->d_name[0] != '.') names.emplace_back(e->d_name);
    }
    ::closedir(d);
  }
  return names;
}

// CPU ticks at one moment: this process's threads (by thread id, with
// their names), the PostgreSQL server's processes (the postmaster and its
// children, by role), and the whole machine's busy and total time.
struct CpuSnapshot {
  absl::Time at;
  std::map<std::string, std::pair<std::string, int64_t>> threads;   // tid
  std::map<std::string, std::pair<std::string, int64_t>> postgres;  // pid
  // The whole process, threads that ended included.
  int64_t process = 0;
  int64_t machine_busy = 0;
  int64_t machine_nice = 0;  // user time of niced processes
  int64_t machine_total = 0;
};

// What a PostgreSQL process does, from its title ("postgres: walwriter",
// "postgres: gateway bench_gw_2 127.0.0.1(40000) idle in transaction").
std::string PostgresRole(int pid, const std::string& database) {
  std::string title = ReadAll(absl::StrCat("/proc/", pid, "/cmdline"));
  std::replace(title.begin(), title.end(), '\0', ' ');
  if (!database.empty() &&
      absl::StrContains(title, absl::StrCat(" ", database, " "))) {
    return "backends";
  }
  if (absl::StrContains(title, "walwriter")) return "walwriter";
  return "other";
}

CpuSnapshot TakeCpuSnapshot(int postmaster, const std::string& database) {
  CpuSnapshot snap;
  snap.at = absl::Now();
  for (const std::string& tid : ListDir("/proc/self/task")) {
    std::string name;
    int ppid = 0;
    int64_t ticks = 0;
    if (ReadStat(absl::StrCat("/proc/self/task/", tid, "/stat"), &name, &ppid,
                 &ticks)) {
      snap.threads[tid] = {name, ticks};
    }
  }
  {
    std::string name;
    int ppid = 0;
    ReadStat("/proc/self/stat", &name, &ppid, &snap.process);
  }
  if (postmaster > 0) {
    for (const std::string& pid : ListDir("/proc")) {
      int n = 0;
      if (!absl::SimpleAtoi(pid, &n)) continue;
      std::string name;
      int ppid = 0;
      int64_t ticks = 0;
      if (!ReadStat(absl::StrCat("/proc/", pid, "/stat"), &name, &ppid,
                    &ticks)) {
        continue;
      }
      if (n == postmaster) {
        snap.postgres[pid] = {"other", ticks};
      } else if (ppid == postmaster) {
        snap.postgres[pid] = {PostgresRole(n, database), ticks};
      }
    }
  }
  // "cpu  user nice system idle iowait irq softirq steal ..."
  const std::string stat = ReadAll("/proc/stat");
  const std::vector<std::string> fields =
      absl::StrSplit(stat.substr(0, stat.find('\n')), ' ', absl::SkipEmpty());
  for (size_t i = 1; i < fields.size() && i <= 8; ++i) {
    int64_t v = 0;
    if (!absl::SimpleAtoi(fields[i], &v)) continue;
    snap.machine_total += v;
    if (i != 4 && i != 5) snap.machine_busy += v;  // not idle, not iowait
    if (i == 2) snap.machine_nice = v;
  }
  return snap;
}

// Per group: cores used between two snapshots (CPU seconds / wall seconds).
std::map<std::string, double> CoresByGroup(
    const std::map<std::string, std::pair<std::string, int64_t>>& before,
    const std::map<std::string, std::pair<std::string, int64_t>>& after,
    double wall_seconds, const std::function<std::string(std::string)>& group) {
  static const double kTicks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  std::map<std::string, double> cores;
  for (const auto& [id, name_ticks] : after) {
    auto it = before.find(id);
    const int64_t was = it == before.end() ? 0 : it->second.second;
    cores[group(name_ticks.first)] +=
        static_cast<double>(name_ticks.second - was) / kTicks / wall_seconds;
  }
  return cores;
}

std::string CpuSummary(const CpuSnapshot& a, const CpuSnapshot& b,
                       double calls_per_second) {
  const double wall = absl::ToDoubleSeconds(b.at - a.at);
  static const double kTicks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double busy =
      static_cast<double>(b.machine_busy - a.machine_busy) / kTicks / wall;
  const double total =
      static_cast<double>(b.machine_total - a.machine_total) / kTicks / wall;
  const auto is_writer = [](const std::string& name) {
    return name == "pg-writer" || name == "store-writer" ||
           name == "store-replies";
  };
  std::map<std::string, double> by_name = CoresByGroup(
      a.threads, b.threads, wall, [](std::string name) { return name; });
  const double process =
      static_cast<double>(b.process - a.process) / kTicks / wall;
  double writer = 0, threads = 0;
  std::vector<std::pair<double, std::string>> others;
  for (const auto& [name, cores] : by_name) {
    threads += cores;
    if (is_writer(name)) {
      writer += cores;
    } else {
      others.emplace_back(cores, name);
    }
  }
  std::sort(others.rbegin(), others.rend());
  std::vector<std::string> top;
  for (size_t i = 0; i < others.size() && i < 3; ++i) {
    top.push_back(
        absl::StrFormat("%s %.2f", others[i].second, others[i].first));
  }
  if (process - threads >= 0.01) {
    top.push_back(
        absl::StrFormat("threads that ended %.2f", process - threads));
  }
  const std::map<std::string, double> pg = CoresByGroup(
      a.postgres, b.postgres, wall, [](std::string role) { return role; });
  double pg_total = 0;
  for (const auto& [role, cores] : pg) pg_total += cores;
  const auto pg_role = [&](const std::string& role) {
    auto it = pg.find(role);
    return it == pg.end() ? 0.0 : it->second;
  };
  std::string line = absl::StrFormat(
      "  CPU, cores of %.0f: %.2f busy = this process %.2f (store writer "
      "%.2f; gRPC client and server, pathway %.2f: %s)",
      total, busy, process, writer, process - writer, absl::StrJoin(top, ", "));
  if (!pg.empty()) {
    absl::StrAppendFormat(
        &line,
        " + PostgreSQL %.2f (its backends %.2f, walwriter %.2f, other "
        "%.2f)",
        pg_total, pg_role("backends"), pg_role("walwriter"), pg_role("other"));
  }
  absl::StrAppendFormat(
      &line,
      " + other processes %.2f (niced user time %.2f); %.0f "
      "us CPU per call",
      std::max(0.0, busy - process - pg_total),
      static_cast<double>(b.machine_nice - a.machine_nice) / kTicks / wall,
      calls_per_second > 0 ? (process + pg_total) * 1e6 / calls_per_second
                           : 0.0);
  return line;
}

// --- Where the time goes: PostgreSQL's wait events ------------------------

// Samples pg_stat_activity for one database every 10 ms on its own thread
// and connection, counting what each session in a transaction or running
// a statement is doing; reads pg_stat_wal before and after.
class WaitSampler {
 public:
  WaitSampler(BenchPostgres& pg, std::string database)
      : database_(std::move(database)) {
    absl::StatusOr<store::PgConnectOptions> options = pg.Options("");
    if (!options.ok()) return;
    absl::StatusOr<std::unique_ptr<store::PgConnection>> conn =
        store::PgConnection::Connect(*options);
    if (!conn.ok()) {
      std::printf("  (no wait-event sampling: %s)\n",
                  conn.status().ToString().c_str());
      return;
    }
    conn_ = *std::move(conn);
  }

  void Start() {
    if (conn_ == nullptr) return;
    wal_before_ = WalCounters();
    thread_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "bench-sampler");
      while (!stop_.HasBeenNotified()) {
        Sample();
        stop_.WaitForNotificationWithTimeout(absl::Milliseconds(10));
      }
    });
  }

  void Stop() {
    if (!thread_.joinable()) return;
    stop_.Notify();
    thread_.join();
    wal_after_ = WalCounters();
  }

  std::string Summary(absl::Duration measured) const {
    if (conn_ == nullptr || samples_ == 0) return "";
    int64_t sessions = 0;
    std::vector<std::pair<int64_t, std::string>> sorted;
    for (const auto& [what, n] : counts_) {
      sessions += n;
      sorted.emplace_back(n, what);
    }
    std::sort(sorted.rbegin(), sorted.rend());
    std::vector<std::string> parts;
    for (const auto& [n, what] : sorted) {
      parts.push_back(absl::StrFormat(
          "%s %.0f%%", what, 100.0 * static_cast<double>(n) / sessions));
    }
    std::string line = absl::StrFormat(
        "  pg_stat_activity, %d samples, %.1f sessions busy on average: %s",
        samples_, static_cast<double>(sessions) / samples_,
        absl::StrJoin(parts, ", "));
    if (!round_trips_us_.empty()) {
      std::vector<double> sorted_us = round_trips_us_;
      std::sort(sorted_us.begin(), sorted_us.end());
      absl::StrAppendFormat(&line, "; a SELECT 1 round trip p50 %.0f us",
                            sorted_us[sorted_us.size() / 2]);
    }
    if (wal_before_.size() == 2 && wal_after_.size() == 2) {
      absl::StrAppendFormat(
          &line, "; WAL flushes %.0f/s",
          static_cast<double>(wal_after_[1] - wal_before_[1]) /
              absl::ToDoubleSeconds(measured));
    }
    return line;
  }

  // WAL bytes written while it sampled.
  int64_t wal_bytes() const {
    return wal_before_.size() == 2 && wal_after_.size() == 2
               ? wal_after_[0] - wal_before_[0]
               : 0;
  }

 private:
  void Sample() {
    // A round trip to the server under the run's load, as each of the
    // gateway's statements makes one.
    const absl::Time t0 = absl::Now();
    if (conn_->Query("SELECT 1").ok()) {
      round_trips_us_.push_back(absl::ToDoubleMicroseconds(absl::Now() - t0));
    }
    absl::StatusOr<store::PgResult> rows = conn_->Query(
        "SELECT state, coalesce(wait_event_type, ''), "
        "coalesce(wait_event, '') FROM pg_stat_activity "
        "WHERE datname = $1 AND pid <> pg_backend_pid() AND state <> 'idle'",
        {database_});
    if (!rows.ok()) return;
    ++samples_;
    for (int i = 0; i < rows->rows(); ++i) {
      const std::string state = rows->Text(i, 0);
      const std::string type = rows->Text(i, 1);
      const std::string event = rows->Text(i, 2);
      std::string what;
      if (state == "idle in transaction") {
        what = "in a transaction, waiting for the gateway (Client:ClientRead)";
      } else if (type.empty()) {
        what = "on CPU";
      } else {
        what = absl::StrCat(type, ":", event);
      }
      ++counts_[what];
    }
  }

  // {wal_bytes, wal_sync} from pg_stat_wal, or empty.
  std::vector<int64_t> WalCounters() {
    absl::StatusOr<store::PgResult> row =
        conn_->Query("SELECT wal_bytes::bigint, wal_sync FROM pg_stat_wal");
    if (!row.ok() || row->rows() != 1) return {};
    absl::StatusOr<int64_t> bytes = row->Int(0, 0);
    absl::StatusOr<int64_t> syncs = row->Int(0, 1);
    if (!bytes.ok() || !syncs.ok()) return {};
    return {*bytes, *syncs};
  }

  const std::string database_;
  std::unique_ptr<store::PgConnection> conn_;
  std::thread thread_;
  absl::Notification stop_;
  int samples_ = 0;
  std::map<std::string, int64_t> counts_;
  std::vector<int64_t> wal_before_, wal_after_;
  std::vector<double> round_trips_us_;
};

// --- The gateway's config ------------------------------------------------

// deploy/config/gateway.textproto on free loopback ports, plaintext gRPC,
// no FHIR listener, nothing sent out, the audit chain sealed with the key
// in `audit_key_file`.
absl::StatusOr<v1::GatewayConfig> BenchConfig(
    const std::string& audit_key_file) {
  absl::StatusOr<v1::GatewayConfig> config = server::LoadConfig(
      std::string(TOBACCO_SOURCE_DIR) + "/deploy/config/gateway.textproto");
  if (!config.ok()) return config.status();
  config->mutable_grpc()->set_address("127.0.0.1:0");
  // Never the admin listener's well-known port (another run may hold it).
  config->mutable_admin()->set_address("127.0.0.1:0");
  // The bare cost of the server stack: plaintext development mode, so the
  // ratio compares like with like (TLS would weigh on both sides equally).
  config->mutable_grpc()->clear_tls();
  config->mutable_grpc()->set_allow_insecure(true);
  if (config->has_mllp()) config->mutable_mllp()->set_address("127.0.0.1:0");
  // gRPC alone: no FHIR listener on its fixed port, nothing sent out.
  config->clear_fhir();
  // Nor MESH (it needs a MESH server and secrets).
  config->clear_mesh();
  for (auto& organisation : *config->mutable_organisations()) {
    if (organisation.has_mllp()) {
      organisation.mutable_mllp()->clear_outbound_address();
    }
    organisation.clear_mesh();
  }
  // One key for every instance: several instances on one database seal
  // one chain.
  config->mutable_audit()->set_development_key(false);
  config->mutable_audit()->set_key_id("bench");
  config->mutable_audit()->set_key_file(audit_key_file);
  return config;
}

// 32 random bytes in hex, mode 0600, as `openssl rand -hex 32` makes one.
absl::Status WriteAuditKey(const fs::path& path) {
  unsigned char bytes[32];
  std::ifstream random("/dev/urandom", std::ios::binary);
  if (!random.read(reinterpret_cast<char*>(bytes), sizeof bytes)) {
    return absl::InternalError("cannot read /dev/urandom");
  }
  std::string hex;
  for (unsigned char b : bytes) absl::StrAppendFormat(&hex, "%02x", b);
  const int fd =
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return absl::InternalError("cannot create the audit key file");
  const bool written =
      ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size());
  ::close(fd);
  return written ? absl::OkStatus()
                 : absl::InternalError("cannot write the audit key file");
}

// --- The scenarios --------------------------------------------------------

// One sample referral, asynchronously.
void CreateReferral(v1::ReferralService::Stub& stub,
                    const std::string& request_id, DoneFn done) {
  auto ctx = std::make_shared<grpc::ClientContext>();
  auto req = std::make_shared<v1::CreateReferralRequest>(
      testing::SampleReferralRequest(request_id));
  auto resp = std::make_shared<v1::Referral>();
  stub.async()->CreateReferral(
      ctx.get(), req.get(), resp.get(),
      [ctx, req, resp, done = std::move(done)](grpc::Status s) { done(s); });
}

int RunCallScenarios(const v1::GatewayConfig& base, const fs::path& dir,
                     const std::vector<int>& caller_counts,
                     absl::Duration duration) {
  v1::GatewayConfig config = base;
  config.mutable_store()->set_data_dir((dir / "calls").string());
  NoopService noop;
  server::GatewayServerOptions options;
  options.extra_services.push_back(&noop);
  auto server = server::GatewayServer::Start(config, options);
  if (!server.ok()) {
    std::fprintf(stderr, "%s\n", server.status().ToString().c_str());
    return 1;
  }
  const std::string target = absl::StrCat("127.0.0.1:", (*server)->port());
  // Several channels so 64 callers are not all on one HTTP/2 connection.
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < 4; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("bench_channel", i);  // distinct args -> distinct connection
    channels.push_back(grpc::CreateCustomChannel(
        target, grpc::InsecureChannelCredentials(), args));
  }
  std::vector<std::unique_ptr<Noop::Stub>> noop_stubs;
  std::vector<std::unique_ptr<v1::ReferralService::Stub>> referral_stubs;
  std::vector<std::unique_ptr<v1::PrescriptionService::Stub>> rx_stubs;
  for (auto& ch : channels) {
    noop_stubs.push_back(Noop::NewStub(ch));
    referral_stubs.push_back(v1::ReferralService::NewStub(ch));
    rx_stubs.push_back(v1::PrescriptionService::NewStub(ch));
  }

  // One referral to recommend against.
  v1::Referral referral;
  {
    grpc::ClientContext ctx;
    grpc::Status s = referral_stubs[0]->CreateReferral(
        &ctx, testing::SampleReferralRequest("bench-seed"), &referral);
    if (!s.ok()) {
      std::fprintf(stderr, "seed referral: %s\n", s.error_message().c_str());
      return 1;
    }
  }

  int run = 0;
  auto noop_call = [&](int, int64_t seq, DoneFn done) {
    auto ctx = std::make_shared<grpc::ClientContext>();
    auto req = std::make_shared<google::protobuf::Empty>();
    auto resp = std::make_shared<google::protobuf::Empty>();
    noop_stubs[seq % noop_stubs.size()]->async()->Ping(
        ctx.get(), req.get(), resp.get(),
        [ctx, req, resp, done](grpc::Status s) { done(s); });
  };
  auto referral_call = [&](int, int64_t seq, DoneFn done) {
    CreateReferral(*referral_stubs[seq % referral_stubs.size()],
                   absl::StrCat("bench-ref-", run, "-", seq), std::move(done));
  };
  auto recommend_call = [&](int, int64_t seq, DoneFn done) {
    auto ctx = std::make_shared<grpc::ClientContext>();
    auto req = std::make_shared<v1::RecommendPrescriptionRequest>();
    req->set_request_id(absl::StrCat("bench-rx-", run, "-", seq));
    req->set_referral_id(referral.referral_id());
    req->set_product_id("nrt-patch-21mg-24h");
    req->set_dose_text("Apply one patch every 24 hours");
    req->mutable_quantity()->set_value(28);
    req->mutable_quantity()->set_unit("patch");
    req->set_duration_days(28);
    req->set_route(v1::ROUTE_GP_PRESCRIPTION);
    req->mutable_recommended_by()->set_identifier("12A3456B");
    auto resp = std::make_shared<v1::PrescriptionRequest>();
    rx_stubs[seq % rx_stubs.size()]->async()->RecommendPrescription(
        ctx.get(), req.get(), resp.get(),
        [ctx, req, resp, done](grpc::Status s) { done(s); });
  };

  std::printf("%-24s %8s %12s %10s %10s %8s %7s\n", "call", "callers",
              "calls/s", "p50 us", "p99 us", "ratio", "errors");
  for (int callers : caller_counts) {
    ++run;
    RunLoad(callers, absl::Milliseconds(300), noop_call);  // warm up
    Result base_result = RunLoad(callers, duration, noop_call);
    std::printf("%-24s %8d %12.0f %10.0f %10.0f %8s %7lld\n", "no-op Ping",
                callers, base_result.calls_per_second, base_result.p50_us,
                base_result.p99_us, "1.00",
                static_cast<long long>(base_result.errors));
    for (auto& [name, fn] : std::vector<std::pair<std::string, IssueFn>>{
             {"CreateReferral", referral_call},
             {"RecommendPrescription", recommend_call}}) {
      ++run;
      const store::StoreStats before = (*server)->store().stats();
      Result r = RunLoad(callers, duration, fn);
      const store::StoreStats after = (*server)->store().stats();
      const double per_commit = after.commits > before.commits
                                    ? double(after.writes - before.writes) /
                                          double(after.commits - before.commits)
                                    : 0;
      std::printf(
          "%-24s %8d %12.0f %10.0f %10.0f %8.2f %7lld  (%.1f writes/commit)\n",
          name.c_str(), callers, r.calls_per_second, r.p50_us, r.p99_us,
          r.calls_per_second / base_result.calls_per_second,
          static_cast<long long>(r.errors), per_commit);
      if (!r.first_error.empty()) {
        std::printf("  first error: %s\n", r.first_error.c_str());
      }
    }
  }
  std::fflush(stdout);
  (*server)->Shutdown(absl::Seconds(5));
  return 0;
}

struct StoreChoice {
  std::string name;  // as --stores names it
  int instances = 1;
  bool postgres = false;
};

// CreateReferral at `callers` on one store: its gateway instances started
// (on a fresh database for PostgreSQL), the callers spread over them,
// warmed up, measured, stopped.
int RunStoreScenario(const v1::GatewayConfig& base, const fs::path& dir,
                     BenchPostgres* pg, const StoreChoice& choice, int callers,
                     absl::Duration warmup, absl::Duration duration) {
  v1::GatewayConfig config = base;
  std::string database;
  if (choice.postgres) {
    database = absl::StrCat("bench_gw_", choice.name);
    if (absl::Status s = pg->CreateDatabase(database); !s.ok()) {
      std::fprintf(stderr, "CREATE DATABASE %s: %s\n", database.c_str(),
                   s.ToString().c_str());
      return 1;
    }
    config.mutable_store()->clear_sqlite();
    config.mutable_store()->mutable_postgres()->set_conninfo(
        pg->conninfo(database));
    config.mutable_store()->mutable_postgres()->set_password_file(
        pg->password_file());
  }
  std::vector<std::unique_ptr<server::GatewayServer>> servers;
  for (int i = 0; i < choice.instances; ++i) {
    config.mutable_store()->set_data_dir(
        (dir / absl::StrCat("store_", choice.name, "_", i)).string());
    auto started = server::GatewayServer::Start(config);
    if (!started.ok()) {
      std::fprintf(stderr, "starting %s instance %d: %s\n", choice.name.c_str(),
                   i, started.status().ToString().c_str());
      return 1;
    }
    servers.push_back(*std::move(started));
  }
  // One channel per instance; caller c goes to instance c % N.
  std::vector<std::unique_ptr<v1::ReferralService::Stub>> stubs;
  for (auto& s : servers) {
    stubs.push_back(v1::ReferralService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", s->port()),
                            grpc::InsecureChannelCredentials())));
  }
  auto referral_call = [&](int caller, int64_t seq, DoneFn done) {
    CreateReferral(*stubs[caller % stubs.size()],
                   absl::StrCat("bench-", choice.name, "-", seq),
                   std::move(done));
  };
  const auto sum_stats = [&] {
    store::StoreStats sum;
    for (auto& s : servers) {
      const store::StoreStats one = s->store().stats();
      sum.commits += one.commits;
      sum.writes += one.writes;
    }
    return sum;
  };

  // Warm-up: connections made, caches and the database's pages warm.
  const Result warm = RunLoad(callers, warmup, referral_call);
  std::unique_ptr<WaitSampler> sampler;
  if (choice.postgres) {
    sampler = std::make_unique<WaitSampler>(*pg, database);
    sampler->Start();
  }
  const int postmaster = choice.postgres ? pg->postmaster_pid() : 0;
  const store::StoreStats before = sum_stats();
  const CpuSnapshot cpu_before = TakeCpuSnapshot(postmaster, database);
  const Result r = RunLoad(callers, duration, referral_call);
  const CpuSnapshot cpu_after = TakeCpuSnapshot(postmaster, database);
  const store::StoreStats after = sum_stats();
  if (sampler != nullptr) sampler->Stop();

  const double per_commit =
      after.commits > before.commits
          ? static_cast<double>(after.writes - before.writes) /
                static_cast<double>(after.commits - before.commits)
          : 0;
  const double commits_per_second =
      static_cast<double>(after.commits - before.commits) /
      absl::ToDoubleSeconds(cpu_after.at - cpu_before.at);
  std::printf(
      "%-10s %-11s %9d %9.0f %9.0f %9.0f %8.1f %6lld  (%.0f commits/s)\n",
      choice.name.c_str(), choice.postgres ? "PostgreSQL" : "SQLite",
      choice.instances, r.calls_per_second, r.p50_us, r.p99_us, per_commit,
      static_cast<long long>(r.errors + warm.errors), commits_per_second);
  if (!warm.first_error.empty() || !r.first_error.empty()) {
    std::printf(
        "  first error: %s\n",
        (r.first_error.empty() ? warm.first_error : r.first_error).c_str());
  }
  std::printf("%s\n",
              CpuSummary(cpu_before, cpu_after, r.calls_per_second).c_str());
  if (sampler != nullptr) {
    const std::string waits = sampler->Summary(cpu_after.at - cpu_before.at);
    if (!waits.empty()) {
      const double calls = r.calls_per_second *
                           absl::ToDoubleSeconds(cpu_after.at - cpu_before.at);
      std::printf(
          "%s (%.2f kB WAL per call)\n", waits.c_str(),
          calls > 0 ? static_cast<double>(sampler->wal_bytes()) / 1024.0 / calls
                    : 0.0);
    }
  }
  // Every instance sealed one chain: verified through the first (a broken
  // chain fails the bench; speed never does).
  bool broken = false;
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(60));
    v1::VerifyAuditChainResponse verified;
    const grpc::Status s =
        v1::AdminService::NewStub(
            grpc::CreateChannel(absl::StrCat("127.0.0.1:", servers[0]->port()),
                                grpc::InsecureChannelCredentials()))
            ->VerifyAuditChain(&ctx, v1::VerifyAuditChainRequest(), &verified);
    if (!s.ok()) {
      std::printf("  audit chain: not verified: %s\n",
                  s.error_message().c_str());
    } else if (verified.intact()) {
      std::printf("  audit chain: intact, %lld rows\n",
                  static_cast<long long>(verified.rows_checked()));
    } else {
      std::printf("  audit chain BROKEN at %lld: %s\n",
                  static_cast<long long>(verified.first_broken_sequence()),
                  verified.problem().c_str());
      broken = true;
    }
  }
  std::fflush(stdout);
  for (auto& s : servers) s->Shutdown(absl::Seconds(5));
  servers.clear();
  return broken ? 1 : 0;
}

int Main() {
  const auto dir =
      fs::temp_directory_path() / absl::StrCat("tobacco_bench_", ::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ignored;
      fs::remove_all(dir, ignored);
    }
  } cleanup{dir};  // after the PostgreSQL server below has stopped

  const absl::Duration duration = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  std::vector<int> caller_counts;
  for (absl::string_view c :
       absl::StrSplit(absl::GetFlag(FLAGS_callers), ',', absl::SkipEmpty())) {
    int n;
    if (absl::SimpleAtoi(c, &n) && n > 0) caller_counts.push_back(n);
  }

  std::vector<StoreChoice> stores;
  std::string stores_flag = absl::GetFlag(FLAGS_stores);
  if (stores_flag.empty()) {
    if (PostgresInstalled()) {
      stores_flag = "sqlite,pg1,pg2,pg3";
    } else {
      stores_flag = "sqlite";
      std::printf(
          "store comparison on SQLite only: %s not found (install "
          "postgresql-15: deploy/install_deps.sh --test)\n",
          kInitdb);
    }
  }
  for (absl::string_view s :
       absl::StrSplit(stores_flag, ',', absl::SkipEmpty())) {
    int n = 0;
    if (s == "none") continue;
    if (s == "sqlite") {
      stores.push_back({"sqlite", 1, false});
    } else if (absl::ConsumePrefix(&s, "pg") && absl::SimpleAtoi(s, &n) &&
               n >= 1 && n <= 9) {
      stores.push_back({absl::StrCat("pg", n), n, true});
    } else {
      std::fprintf(stderr, "--stores: unknown store %s\n",
                   std::string(s).c_str());
      return 1;
    }
  }

  const fs::path key_file = dir / "audit.key";
  if (absl::Status s = WriteAuditKey(key_file); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  absl::StatusOr<v1::GatewayConfig> base = BenchConfig(key_file.string());
  if (!base.ok()) {
    std::fprintf(stderr, "%s\n", base.status().ToString().c_str());
    return 1;
  }
  std::printf("load average at start: %s\n", LoadAverage().c_str());
  if (!caller_counts.empty()) {
    if (int rc = RunCallScenarios(*base, dir, caller_counts, duration);
        rc != 0) {
      return rc;
    }
  }
  if (stores.empty()) return 0;

  // Destroyed (stopped) before `cleanup`.
  std::unique_ptr<BenchPostgres> pg;
  if (std::any_of(stores.begin(), stores.end(),
                  [](const StoreChoice& s) { return s.postgres; })) {
    if (!PostgresInstalled()) {
      std::fprintf(stderr, "--stores names PostgreSQL, but %s is not found\n",
                   kInitdb);
      return 1;
    }
    absl::StatusOr<std::unique_ptr<BenchPostgres>> started =
        BenchPostgres::Start(absl::GetFlag(FLAGS_pg_script), dir);
    if (!started.ok()) {
      std::fprintf(stderr, "starting PostgreSQL: %s\n",
                   started.status().ToString().c_str());
      return 1;
    }
    pg = *std::move(started);
  }
  const int callers = absl::GetFlag(FLAGS_store_callers);
  const absl::Duration warmup =
      std::clamp(duration / 5, absl::Milliseconds(300), absl::Seconds(1));
  std::printf(
      "\nCreateReferral through gRPC, %d callers, by store (pgN: N gateway "
      "instances on one PostgreSQL database, callers round-robin over them); "
      "%s s after %s s warm-up; load average %s\n",
      callers, absl::StrFormat("%.2g", absl::ToDoubleSeconds(duration)).c_str(),
      absl::StrFormat("%.2g", absl::ToDoubleSeconds(warmup)).c_str(),
      LoadAverage().c_str());
  std::printf("%-10s %-11s %9s %9s %9s %9s %8s %6s\n", "store", "database",
              "instances", "calls/s", "p50 us", "p99 us", "wr/commit",
              "errors");
  std::fflush(stdout);
  for (const StoreChoice& choice : stores) {
    if (int rc = RunStoreScenario(*base, dir, pg.get(), choice, callers, warmup,
                                  duration);
        rc != 0) {
      return rc;
    }
  }
  std::printf("load average at end: %s\n", LoadAverage().c_str());
  std::fflush(stdout);
  return 0;
}

}  // namespace
}  // namespace nhs::tobacco::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return nhs::tobacco::bench::Main();
}
