#ifndef GATEWAY_STORE_SQLITE_SQLITE_CONNECTION_H_
#define GATEWAY_STORE_SQLITE_SQLITE_CONNECTION_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace nhs::tobacco::store {

// A prepared statement borrowed from a connection's cache: bind, step, read,
// and it resets itself when it goes out of scope. Thread-compatible.
class SqliteStatement {
 public:
  explicit SqliteStatement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  SqliteStatement(SqliteStatement&& other) noexcept
      : stmt_(other.stmt_), bind_status_(std::move(other.bind_status_)) {
    other.stmt_ = nullptr;
  }
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  ~SqliteStatement();

  // Parameters are 1-based, as in SQLite.
  SqliteStatement& Bind(int index, absl::string_view text);
  SqliteStatement& BindBlob(int index, absl::string_view bytes);
  SqliteStatement& Bind(int index, int64_t value);
  SqliteStatement& BindNull(int index);

  // True while a row is available; errors map to a Status.
  absl::StatusOr<bool> Step();
  // Runs to completion (for statements that return no rows).
  absl::Status Run();

  int64_t ColumnInt(int column) const;
  std::string ColumnText(int column) const;
  std::string ColumnBlob(int column) const;
  bool ColumnIsNull(int column) const;

 private:
  sqlite3_stmt* stmt_;
  absl::Status bind_status_;
};

// One SQLite connection with a cache of prepared statements. Owned by one
// thread at a time.
class SqliteConnection {
 public:
  // `busy_timeout`: how long a statement waits for a lock another
  // connection holds before it fails SQLITE_BUSY.
  static absl::StatusOr<std::unique_ptr<SqliteConnection>> Open(
      const std::string& path, bool read_only,
      absl::Duration busy_timeout = absl::Seconds(5));
  ~SqliteConnection();

  absl::Status Exec(absl::string_view sql);
  // Prepares once per connection; the statement stays cached.
  absl::StatusOr<SqliteStatement> Prepare(absl::string_view sql);

  sqlite3* handle() { return db_; }

 private:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  absl::flat_hash_map<std::string, sqlite3_stmt*> statements_;
};

// Maps an SQLite result code to a Status: BUSY/LOCKED/FULL/IOERR are
// UNAVAILABLE (the caller may retry), CONSTRAINT is ALREADY_EXISTS, the
// rest INTERNAL. The message never contains bound values; for a lock or a
// full database it says so in words an operator can act on, since it
// reaches the client as the gRPC status message.
absl::Status SqliteError(sqlite3* db, int code, absl::string_view what);

// How many SQLITE_FULL errors SqliteError has reported in this process: a
// writer compares it around a batch to learn that the database is full
// (StoreMetricsSource::full) whatever the statuses became on their way up.
int64_t SqliteFullErrorCount();

}  // namespace nhs::tobacco::store

#endif  // GATEWAY_STORE_SQLITE_SQLITE_CONNECTION_H_
