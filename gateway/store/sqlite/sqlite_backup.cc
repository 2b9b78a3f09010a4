#include "gateway/store/sqlite/sqlite_backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "gateway/common/status_macros.h"
#include "gateway/store/sqlite/sqlite_connection.h"

namespace nhs::tobacco::store {
namespace {

namespace fs = std::filesystem;

// How long a copy waits in all for a lock (a checkpoint finishing, a
// migration) before giving up: a scheduled backup should fail loudly rather
// than hang the timer.
constexpr absl::Duration kLockPatience = absl::Seconds(30);

// Integrity findings quoted in an error; SQLite can list thousands.
constexpr int kFindingsQuoted = 5;

// A raw handle closed on every path (the backup API needs both ends as
// plain sqlite3*, and SqliteConnection's statement cache buys nothing
// here).
struct Handle {
  sqlite3* db = nullptr;
  ~Handle() { sqlite3_close(db); }
};

// SqliteError, except that a file that is not a database or is damaged is
// DATA_LOSS (SqliteError says INTERNAL: for the live store that is a bug;
// for a file handed to a backup or a restore it is the file's fault).
absl::Status CopyError(sqlite3* db, int code, absl::string_view what) {
  if ((code & 0xff) == SQLITE_NOTADB || (code & 0xff) == SQLITE_CORRUPT) {
    return absl::DataLossError(
        absl::StrCat(what, ": ", sqlite3_errstr(code),
                     " (the file is damaged or not an SQLite database)"));
  }
  return SqliteError(db, code, what);
}

absl::Status Open(const std::string& path, int flags, Handle& handle) {
  const int rc = sqlite3_open_v2(path.c_str(), &handle.db, flags, nullptr);
  if (rc != SQLITE_OK) {
    return SqliteError(handle.db, rc, absl::StrCat("opening ", path));
  }
  sqlite3_busy_timeout(
      handle.db, static_cast<int>(absl::ToInt64Milliseconds(kLockPatience)));
  return absl::OkStatus();
}

absl::Status Exec(sqlite3* db, const char* sql) {
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db, rc, sql);
  return absl::OkStatus();
}

// fsync of a file or a folder (a folder's entry list is what a rename
// changes: without it the rename may not survive a power cut).
absl::Status Fsync(const fs::path& path, bool directory) {
  const int fd =
      ::open(path.c_str(),
             (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) {
    return absl::UnavailableError(absl::StrCat("cannot open ", path.string(),
                                               ": ", std::strerror(errno)));
  }
  const int rc = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (rc != 0) {
    return absl::UnavailableError(absl::StrCat(
        "fsync of ", path.string(), " failed: ", std::strerror(error)));
  }
  return absl::OkStatus();
}

// Copies every page of `source` into `dest` in ONE backup step.
//
// Why the backup API in one step, rather than many small steps or VACUUM
// INTO: SQLite restarts a stepwise backup from the first page whenever
// another connection writes the source between steps, and the running
// gateway commits every few milliseconds under load, so small steps could
// restart for ever. In WAL mode one step is one read transaction on a
// snapshot, which does not block the gateway's writer at all (readers and
// the writer never wait for each other in WAL mode); while it lasts the
// WAL cannot be checkpointed past it and grows by what is written
// meanwhile. VACUUM INTO gives the same snapshot but rebuilds every table
// and index (more CPU and a longer read transaction); copying pages is the
// cheapest way to hold the snapshot for the shortest time.
absl::StatusOr<int64_t> CopyPages(sqlite3* source, sqlite3* dest) {
  sqlite3_backup* backup = sqlite3_backup_init(dest, "main", source, "main");
  if (backup == nullptr) {
    return SqliteError(dest, sqlite3_errcode(dest), "starting the backup");
  }
  const absl::Time give_up = absl::Now() + kLockPatience;
  int rc = SQLITE_OK;
  do {
    rc = sqlite3_backup_step(backup, -1);
    if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && absl::Now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  } while ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && absl::Now() < give_up);
  const int64_t pages = sqlite3_backup_pagecount(backup);
  const int finish = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return CopyError(dest, rc, "copying the database");
  if (finish != SQLITE_OK) {
    return CopyError(dest, finish, "finishing the backup");
  }
  return pages;
}

absl::StatusOr<int64_t> QueryInt(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db, rc, sql);
  rc = sqlite3_step(stmt);
  const int64_t value = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return SqliteError(db, rc, sql);
  return value;
}

// integrity_check on an open handle: OK or DATA_LOSS with the first
// findings.
absl::Status IntegrityCheck(sqlite3* db, const std::string& path) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    return CopyError(db, rc,
                     absl::StrCat(path, " failed PRAGMA integrity_check"));
  }
  std::vector<std::string> findings;
  int total = 0;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(stmt, 0);
    const std::string line =
        text == nullptr ? "" : reinterpret_cast<const char*>(text);
    if (line == "ok") continue;
    ++total;
    if (static_cast<int>(findings.size()) < kFindingsQuoted) {
      findings.push_back(line);
    }
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) {
    // A file that is not a database at all ends here ("file is not a
    // database"): corrupt as far as a backup is concerned.
    return absl::DataLossError(absl::StrCat(
        path, " failed PRAGMA integrity_check: ", sqlite3_errstr(rc), " (",
        sqlite3_errmsg(db), ")"));
  }
  if (total > 0) {
    return absl::DataLossError(
        absl::StrCat(path, " failed PRAGMA integrity_check (", total,
                     " findings; first: ", absl::StrJoin(findings, "; "), ")"));
  }
  return absl::OkStatus();
}

// The newest audit row in a copy (0 when the table is absent or empty):
// tells the operator where the copy's audit chain ends.
absl::StatusOr<int64_t> AuditHead(sqlite3* db) {
  ASSIGN_OR_RETURN(int64_t has_table,
                   QueryInt(db,
                            "SELECT count(*) FROM sqlite_master "
                            "WHERE type = 'table' AND name = 'audit_log'"));
  if (has_table == 0) return 0;
  return QueryInt(db, "SELECT coalesce(max(sequence), 0) FROM audit_log");
}

// Removes the temporary copy (and the rollback journal SQLite may have left
// beside it) unless Release()d.
class TemporaryFile {
 public:
  explicit TemporaryFile(fs::path path) : path_(std::move(path)) {
    Remove();  // a leftover of an earlier run killed mid-copy
  }
  ~TemporaryFile() {
    if (!released_) Remove();
  }
  void Release() { released_ = true; }
  const fs::path& path() const { return path_; }

 private:
  void Remove() {
    std::error_code ignored;
    fs::remove(path_, ignored);
    fs::remove(path_.string() + "-journal", ignored);
  }
  fs::path path_;
  bool released_ = false;
};

}  // namespace

absl::Status CheckSqliteIntegrity(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    return absl::NotFoundError(absl::StrCat("no database file at ", path));
  }
  Handle handle;
  RETURN_IF_ERROR(Open(path, SQLITE_OPEN_READONLY, handle));
  return IntegrityCheck(handle.db, path);
}

absl::StatusOr<SqliteCopyReport> CopySqliteDatabase(
    const std::string& source, const std::string& target,
    const SqliteCopyOptions& options) {
  const absl::Time started = absl::Now();
  std::error_code ec;
  if (!fs::is_regular_file(source, ec)) {
    return absl::NotFoundError(absl::StrCat("no database file at ", source));
  }
  const fs::path target_path(target);
  if (target_path.filename().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the target ", target, " names a folder, not a file"));
  }
  const fs::path folder =
      target_path.has_parent_path() ? target_path.parent_path() : fs::path(".");
  if (!fs::is_directory(folder, ec)) {
    return absl::FailedPreconditionError(
        absl::StrCat("the target folder ", folder.string(),
                     " does not exist (create it first)"));
  }
  if (fs::exists(target_path, ec)) {
    if (fs::equivalent(source, target_path, ec)) {
      return absl::InvalidArgumentError(
          absl::StrCat("the target ", target, " is the database itself"));
    }
    if (!options.overwrite) {
      return absl::AlreadyExistsError(
          absl::StrCat(target,
                       " already exists; choose another name or ask to "
                       "overwrite it"));
    }
    if (!fs::is_regular_file(target_path, ec)) {
      return absl::FailedPreconditionError(
          absl::StrCat(target, " exists and is not a file; not replaced"));
    }
  }

  // Hidden and marked partial: a backup job listing the folder, or an
  // operator, never takes it for a backup.
  TemporaryFile temporary(folder / absl::StrCat(".",
                                                target_path.filename().string(),
                                                ".partial-", ::getpid()));
  SqliteCopyReport report;
  {
    Handle from;
    // Read-only: the copy never writes the source, and a read-only
    // connection never checkpoints or deletes the gateway's write-ahead log
    // when it closes (the gateway fdatasyncs that file by descriptor before
    // every reply).
    RETURN_IF_ERROR(Open(source, SQLITE_OPEN_READONLY, from));
    sqlite3_db_config(from.db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    Handle to;
    RETURN_IF_ERROR(Open(temporary.path().string(),
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, to));
    ASSIGN_OR_RETURN(report.pages, CopyPages(from.db, to.db));
    // The pages carry the source's WAL flag; as a rollback-journal file the
    // copy is one self-contained file (opening a WAL-flagged file makes
    // -wal and -shm files beside it, under the temporary name).
    RETURN_IF_ERROR(Exec(to.db, "PRAGMA journal_mode=DELETE"));
    ASSIGN_OR_RETURN(report.page_size, QueryInt(to.db, "PRAGMA page_size"));
  }
  {
    Handle check;
    RETURN_IF_ERROR(
        Open(temporary.path().string(), SQLITE_OPEN_READONLY, check));
    RETURN_IF_ERROR(IntegrityCheck(check.db, temporary.path().string()));
    ASSIGN_OR_RETURN(report.audit_head, AuditHead(check.db));
  }
  RETURN_IF_ERROR(Fsync(temporary.path(), /*directory=*/false));
  if (options.before_rename) RETURN_IF_ERROR(options.before_rename());
  if (::rename(temporary.path().c_str(), target_path.c_str()) != 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot rename the copy to ", target, ": ", std::strerror(errno)));
  }
  temporary.Release();
  RETURN_IF_ERROR(Fsync(folder, /*directory=*/true));
  report.path = target;
  report.bytes = static_cast<int64_t>(fs::file_size(target_path, ec));
  report.duration = absl::Now() - started;
  return report;
}

}  // namespace nhs::tobacco::store
