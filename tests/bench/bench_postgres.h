#ifndef TESTS_BENCH_BENCH_POSTGRES_H_
#define TESTS_BENCH_BENCH_POSTGRES_H_

// The throw-away PostgreSQL server of the benchmarks that compare stores
// (store_write_bench, grpc_throughput_bench): started with
// tests/testing/postgres/pg_test_server.sh in a temporary folder, stopped at
// exit also when the bench fails or is killed, with a fresh database per
// scenario. Its defaults: fsync and synchronous_commit on, so a write is
// acknowledged only once durable, as with SQLite.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gateway/common/secret.h"
#include "gateway/store/postgres/pg_connection.h"

namespace nhs::tobacco::bench {

inline constexpr char kInitdb[] = "/usr/lib/postgresql/15/bin/initdb";

// Whether PostgreSQL 15 is installed (else the bench skips its PostgreSQL
// scenarios, saying so).
inline bool PostgresInstalled() { return ::access(kInitdb, X_OK) == 0; }

inline std::string ReadFirstLine(const std::filesystem::path& path) {
  std::string text;
  if (FILE* f = std::fopen(path.c_str(), "r")) {
    char buf[4096];
    if (std::fgets(buf, sizeof buf, f) != nullptr) text = buf;
    std::fclose(f);
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.pop_back();
  }
  return text;
}

inline std::string LoadAverage() {
  double load[3] = {0, 0, 0};
  if (::getloadavg(load, 3) != 3) return "unknown";
  return absl::StrFormat("%.2f %.2f %.2f", load[0], load[1], load[2]);
}

// The bench's PostgreSQL server (pg_test_server.sh in `dir`). A watchdog
// child holds the read end of a pipe whose write end only this process
// has: when this process ends, however it ends (kill -9 too), the watchdog
// reads EOF, runs `stop` (which stops the server and removes `dir`) and
// removes `scratch`, the bench's whole temporary folder. The destructor
// closes the pipe and waits for that.
class PgServer {
 public:
  PgServer(std::string script, std::string dir, std::string scratch)
      : script_(std::move(script)),
        dir_(std::move(dir)),
        scratch_(std::move(scratch)) {}
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  ~PgServer() {
    if (watchdog_ <= 0) return;
    ::close(pipe_write_);
    int status = 0;
    ::waitpid(watchdog_, &status, 0);
  }

  absl::Status Start() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      return absl::InternalError("pipe2 failed");
    }
    const pid_t pid = ::fork();
    if (pid < 0) return absl::InternalError("fork failed");
    if (pid == 0) {
      // Its own session: a Ctrl-C to the bench's process group does not
      // kill the watchdog before it has stopped the server.
      ::setsid();
      ::dup2(fds[0], STDIN_FILENO);
      ::execl("/bin/bash", "bash", "-c",
              "cat >/dev/null; bash \"$0\" stop \"$1\"; rm -rf \"$2\"",
              script_.c_str(), dir_.c_str(), scratch_.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(fds[0]);
    pipe_write_ = fds[1];
    watchdog_ = pid;
    const std::string command =
        absl::StrCat("bash '", script_, "' start '", dir_, "'");
    std::fflush(stdout);
    const int status = std::system(command.c_str());
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      return absl::UnavailableError(
          absl::StrCat("`", command, "` failed (", status, ")"));
    }
    return absl::OkStatus();
  }

  const std::string& dir() const { return dir_; }

 private:
  const std::string script_;
  const std::string dir_;
  const std::string scratch_;
  pid_t watchdog_ = 0;
  int pipe_write_ = -1;
};

// The server started, its role's connection details, and an administrative
// connection (which creates the scenarios' databases). Destroyed: the
// connection closes, then the server stops.
class BenchPostgres {
 public:
  // Starts the server in scratch/pg (scratch is removed when it stops).
  static absl::StatusOr<std::unique_ptr<BenchPostgres>> Start(
      const std::string& script, const std::filesystem::path& scratch) {
    auto pg = std::unique_ptr<BenchPostgres>(new BenchPostgres());
    pg->server_ = std::make_unique<PgServer>(script, (scratch / "pg").string(),
                                             scratch.string());
    if (absl::Status s = pg->server_->Start(); !s.ok()) return s;
    pg->conninfo_ =
        ReadFirstLine(std::filesystem::path(pg->server_->dir()) / "conninfo");
    pg->password_file_ =
        (std::filesystem::path(pg->server_->dir()) / "password").string();
    absl::StatusOr<store::PgConnectOptions> options = pg->Options("");
    if (!options.ok()) return options.status();
    absl::StatusOr<std::unique_ptr<store::PgConnection>> admin =
        store::PgConnection::Connect(*options);
    if (!admin.ok()) return admin.status();
    pg->admin_ = *std::move(admin);
    return pg;
  }

  // A new empty database.
  absl::Status CreateDatabase(const std::string& name) {
    return admin_->Exec(absl::StrCat("CREATE DATABASE ", name));
  }

  // Connection options for database `dbname` (empty: the role's default).
  absl::StatusOr<store::PgConnectOptions> Options(
      const std::string& dbname) const {
    store::PgConnectOptions options;
    options.conninfo = conninfo(dbname);
    absl::StatusOr<std::string> password =
        ReadSecret({.file_field = "password_file", .file = password_file_});
    if (!password.ok()) return password.status();
    options.password = *password;
    return options;
  }

  // The libpq connection string of database `dbname` (empty: the role's
  // default), as a store config's postgres.conninfo names it.
  std::string conninfo(const std::string& dbname) const {
    return dbname.empty() ? conninfo_
                          : absl::StrCat(conninfo_, " dbname=", dbname);
  }
  const std::string& password_file() const { return password_file_; }
  store::PgConnection& admin() { return *admin_; }
  // The postmaster's process id (its data folder's postmaster.pid).
  int postmaster_pid() const {
    int pid = 0;
    const std::string line = ReadFirstLine(
        std::filesystem::path(server_->dir()) / "data" / "postmaster.pid");
    return std::sscanf(line.c_str(), "%d", &pid) == 1 ? pid : 0;
  }

 private:
  BenchPostgres() = default;

  std::unique_ptr<PgServer> server_;
  std::unique_ptr<store::PgConnection> admin_;
  std::string conninfo_;
  std::string password_file_;
};

}  // namespace nhs::tobacco::bench

#endif  // TESTS_BENCH_BENCH_POSTGRES_H_
