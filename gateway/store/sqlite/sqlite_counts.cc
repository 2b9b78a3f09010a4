// SqliteStore's StoreMetricsSource: the aggregates behind the gauges.
#include "gateway/common/status_macros.h"
#include "gateway/store/sqlite/sqlite_store.h"

namespace nhs::tobacco::store {

absl::StatusOr<PrescriptionCounts> SqliteStore::CountPrescriptions() {
  PrescriptionCounts counts;
  RETURN_IF_ERROR(WithReader([&counts](SqliteConnection& conn) {
    // Both answered from indexes (prescriptions_by_status,
    // prescriptions_overdue): no row bodies are read.
    ASSIGN_OR_RETURN(SqliteStatement by_status,
                     conn.Prepare("SELECT status, COUNT(*) FROM prescriptions "
                                  "GROUP BY status ORDER BY status"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, by_status.Step());
      if (!row) break;
      counts.by_status.emplace_back(
          static_cast<v1::PrescriptionStatus>(by_status.ColumnInt(0)),
          by_status.ColumnInt(1));
    }
    ASSIGN_OR_RETURN(SqliteStatement overdue,
                     conn.Prepare("SELECT COUNT(*) FROM prescriptions WHERE "
                                  "overdue = 1 AND final = 0"));
    ASSIGN_OR_RETURN(bool row, overdue.Step());
    if (row) counts.overdue_open = overdue.ColumnInt(0);
    return absl::OkStatus();
  }));
  return counts;
}

void SqliteStore::SetCommitObserver(CommitObserver observer) {
  absl::MutexLock lock(&observer_mu_);
  commit_observer_ = std::move(observer);
}

}  // namespace nhs::tobacco::store
