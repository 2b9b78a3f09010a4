#ifndef GATEWAY_STORE_POSTGRES_PG_MIGRATIONS_H_
#define GATEWAY_STORE_POSTGRES_PG_MIGRATIONS_H_

#include "absl/status/status.h"
#include "gateway/store/postgres/pg_connection.h"

namespace nhs::tobacco::store {

// The newest PostgreSQL schema version this build knows.
int LatestPostgresSchemaVersion();

// Brings the database to LatestPostgresSchemaVersion(): each missing
// migration in its own transaction, recorded in schema_migrations. Several
// gateway instances may start at once: they queue on a session advisory
// lock, so each migration is applied exactly once and an instance that
// waited finds the work done. FAILED_PRECONDITION when the database is
// newer than this build (roll back the upgrade, or finish it).
absl::Status MigratePostgres(PgConnection& conn);

}  // namespace nhs::tobacco::store

#endif  // GATEWAY_STORE_POSTGRES_PG_MIGRATIONS_H_
