// Run-once jobs' leases in PostgreSQL: the job_leases table every instance
// on the database reads.
#include <string>

#include "absl/strings/str_cat.h"
#include "gateway/common/status_macros.h"
#include "gateway/store/postgres/pg_transaction.h"

namespace nhs::tobacco::store {

absl::StatusOr<bool> PgTransaction::TakeJobLease(absl::string_view job,
                                                 absl::string_view holder,
                                                 absl::Time now,
                                                 absl::Time until) {
  // Taken when free; renewed by its holder; taken over once expired. The
  // write transaction holds the write-order lock, so two instances never
  // both see the lease free.
  PgArgs args;
  const std::string sql = absl::StrCat(
      "INSERT INTO job_leases (job, holder, expires_us) VALUES (",
      args.Text(job), ", ", args.Text(holder), ", ",
      args.Int(absl::ToUnixMicros(until)),
      ") ON CONFLICT (job) DO UPDATE SET holder = EXCLUDED.holder, "
      "expires_us = EXCLUDED.expires_us WHERE job_leases.holder = "
      "EXCLUDED.holder OR job_leases.expires_us <= ",
      args.Int(absl::ToUnixMicros(now)), " RETURNING 1");
  ASSIGN_OR_RETURN(PgResult taken, conn_.Query(sql, args));
  return taken.rows() > 0;
}

}  // namespace nhs::tobacco::store
