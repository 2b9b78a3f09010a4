#ifndef GATEWAY_STORE_SQLITE_SQLITE_MIGRATIONS_H_
#define GATEWAY_STORE_SQLITE_SQLITE_MIGRATIONS_H_

#include "absl/status/status.h"
#include "gateway/store/sqlite/sqlite_connection.h"

namespace nhs::tobacco::store {

// The schema version this build expects.
int LatestSchemaVersion();

// Applies every migration newer than the database's version, each in its own
// transaction with its version recorded in schema_migrations. Refuses a
// database newer than this build (FAILED_PRECONDITION) rather than guessing.
absl::Status MigrateSqlite(SqliteConnection& conn);

}  // namespace nhs::tobacco::store

#endif  // GATEWAY_STORE_SQLITE_SQLITE_MIGRATIONS_H_
