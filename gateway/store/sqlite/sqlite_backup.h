#ifndef GATEWAY_STORE_SQLITE_SQLITE_BACKUP_H_
#define GATEWAY_STORE_SQLITE_SQLITE_BACKUP_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace nhs::tobacco::store {

// What a copy made: figures only, never a row (they go to an operator's
// terminal and the journal of a timer).
struct SqliteCopyReport {
  std::string path;         // where the copy now is
  int64_t pages = 0;        // database pages copied
  int64_t page_size = 0;    // bytes per page
  int64_t bytes = 0;        // size of the copy on disk
  int64_t audit_head = 0;   // last audit_log sequence in the copy (0: none)
  absl::Duration duration;  // from opening the source to the rename
};

struct SqliteCopyOptions {
  // Replace an existing file at the target; without it ALREADY_EXISTS.
  bool overwrite = false;
  // Runs after the copy is verified and on disk, just before it is renamed
  // into place (restore removes the old write-ahead log here, so SQLite
  // never replays it onto the copy). An error stops the copy.
  std::function<absl::Status()> before_rename;
};

// Copies the SQLite database at `source` (which a running gateway may be
// writing: online) to `target`, a file path. The copy is one consistent
// snapshot of every transaction committed when it began (in WAL mode, all
// the gateway acknowledged). It is written to a hidden temporary file in
// the target's folder, checked with PRAGMA integrity_check, fsynced,
// renamed over `target` and the folder fsynced: a crash or an error at any
// point leaves either no file at `target` or a complete, verified one,
// never a half-written backup under the backup's name.
//
// The copy is a rollback-journal file (journal_mode=DELETE), so it is one
// self-contained file to move around; the gateway puts it back in WAL mode
// when it opens it.
//
// Errors: NOT_FOUND no database at `source`; ALREADY_EXISTS `target` exists
// and !overwrite; INVALID_ARGUMENT source and target are the same file;
// FAILED_PRECONDITION the target folder is missing; DATA_LOSS the copy
// failed its integrity check (nothing renamed); UNAVAILABLE I/O errors or
// a lock held too long. Blocking; any thread.
absl::StatusOr<SqliteCopyReport> CopySqliteDatabase(
    const std::string& source, const std::string& target,
    const SqliteCopyOptions& options = {});

// PRAGMA integrity_check on the database at `path`, opened read-only:
// OK, or DATA_LOSS quoting SQLite's first findings (page and index names,
// no row contents). NOT_FOUND when there is no file.
absl::Status CheckSqliteIntegrity(const std::string& path);

}  // namespace nhs::tobacco::store

#endif  // GATEWAY_STORE_SQLITE_SQLITE_BACKUP_H_
