#ifndef GATEWAY_STORE_SQLITE_SQLITE_RESTORE_H_
#define GATEWAY_STORE_SQLITE_SQLITE_RESTORE_H_

#include <string>

#include "absl/status/statusor.h"
#include "gateway/store/sqlite/sqlite_backup.h"

namespace nhs::tobacco::store {

// Puts the backup at `backup` (a file CopySqliteDatabase made) in place as
// the database at `database`, for a gateway to start on. It holds the
// gateway's instance lock throughout, so it refuses while a gateway has
// the database open (FAILED_PRECONDITION naming its pid) and no gateway can
// start half-way through. The backup is checked (PRAGMA integrity_check)
// and copied beside the database before anything there changes; only then
// are the old database's -wal and -shm files removed (SQLite would replay
// an old write-ahead log onto the restored file and corrupt it) and the
// copy renamed into place. An existing database is replaced only with
// `overwrite` (ALREADY_EXISTS otherwise). The database's folder is created
// if missing. Blocking.
absl::StatusOr<SqliteCopyReport> RestoreSqliteDatabase(
    const std::string& backup, const std::string& database, bool overwrite);

}  // namespace nhs::tobacco::store

#endif  // GATEWAY_STORE_SQLITE_SQLITE_RESTORE_H_
