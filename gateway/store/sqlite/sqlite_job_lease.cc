// Run-once jobs' leases in SQLite (migration 11).
#include <sqlite3.h>

#include "gateway/common/status_macros.h"
#include "gateway/store/sqlite/sqlite_transaction.h"

namespace nhs::tobacco::store {

absl::StatusOr<bool> SqliteTransaction::TakeJobLease(absl::string_view job,
                                                     absl::string_view holder,
                                                     absl::Time now,
                                                     absl::Time until) {
  // Taken when free; renewed by its holder; taken over once expired.
  ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      conn_.Prepare("INSERT INTO job_leases (job, holder, expires_us) VALUES "
                    "(?, ?, ?) ON CONFLICT (job) DO UPDATE SET holder = "
                    "excluded.holder, expires_us = excluded.expires_us WHERE "
                    "job_leases.holder = excluded.holder OR "
                    "job_leases.expires_us <= ?"));
  RETURN_IF_ERROR(stmt.Bind(1, job)
                      .Bind(2, holder)
                      .Bind(3, absl::ToUnixMicros(until))
                      .Bind(4, absl::ToUnixMicros(now))
                      .Run());
  return sqlite3_changes(conn_.handle()) > 0;
}

}  // namespace nhs::tobacco::store
