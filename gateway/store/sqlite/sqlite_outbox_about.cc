// The outbox messages about one referral to one destination (consent
// withdrawal, issue 12). The outbox has no referral column: the message
// body carries the id, so this reads the destination's rows by its index.
#include <string>
#include <vector>

#include "gateway/common/status_macros.h"
#include "gateway/store/sqlite/sqlite_transaction.h"

namespace nhs::tobacco::store {

absl::StatusOr<std::vector<OutboxRow>> SqliteTransaction::ListOutboxRowsAbout(
    absl::string_view referral_id, absl::string_view destination_ods) {
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   conn_.Prepare("SELECT message, delivery FROM outbox WHERE "
                                 "destination_ods = ? ORDER BY seq"));
  stmt.Bind(1, destination_ods);
  std::vector<OutboxRow> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool more, stmt.Step());
    if (!more) break;
    OutboxRow row;
    if (!row.message.ParseFromString(stmt.ColumnBlob(0)) ||
        !row.delivery.ParseFromString(stmt.ColumnBlob(1))) {
      return absl::DataLossError("a stored outbox message does not parse");
    }
    if (row.message.referral_id() == referral_id) {
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

}  // namespace nhs::tobacco::store
