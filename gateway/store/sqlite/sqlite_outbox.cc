// The outbox half of SqliteTransaction: queued outbound messages and their
// delivery state (migration 4).
#include <sqlite3.h>

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/timestamps.h"
#include "gateway/store/delivery_stats.h"
#include "gateway/store/page_cursor.h"
#include "gateway/store/record_columns.h"
#include "gateway/store/sqlite/report_columns.h"
#include "gateway/store/sqlite/sqlite_transaction.h"
#include "gateway/store/stored_body.h"

namespace nhs::tobacco::store {
namespace {

using domain::Micros;

absl::StatusOr<OutboxRow> RowFrom(const SqliteStatement& stmt, int column) {
  OutboxRow row;
  if (!row.message.ParseFromString(stmt.ColumnBlob(column)) ||
      !row.delivery.ParseFromString(stmt.ColumnBlob(column + 1))) {
    return absl::DataLossError("a stored outbox message does not parse");
  }
  return row;
}

}  // namespace

absl::StatusOr<std::optional<OutboxRow>> SqliteTransaction::GetOutboxRow(
    absl::string_view message_id) {
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   conn_.Prepare("SELECT message, delivery FROM outbox WHERE "
                                 "message_id = ?"));
  stmt.Bind(1, message_id);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<OutboxRow>();
  ASSIGN_OR_RETURN(OutboxRow found, RowFrom(stmt, 0));
  return std::optional<OutboxRow>(std::move(found));
}

absl::StatusOr<Page<v1::Delivery>> SqliteTransaction::ListDeliveries(
    const DeliveryQuery& query) {
  std::vector<std::string> where;
  if (query.state != v1::DELIVERY_STATE_UNSPECIFIED) {
    where.push_back("state = ?");
  }
  if (!query.destination_ods.empty()) where.push_back("destination_ods = ?");
  int64_t before = 0;
  if (!query.cursor.empty()) {
    ASSIGN_OR_RETURN(before, DecodeOutboxCursor(query.cursor));
    where.push_back("seq < ?");
  }
  ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      conn_.Prepare(absl::StrCat(
          "SELECT seq, delivery FROM outbox", where.empty() ? "" : " WHERE ",
          absl::StrJoin(where, " AND "), " ORDER BY seq DESC LIMIT ?")));
  int k = 1;
  if (query.state != v1::DELIVERY_STATE_UNSPECIFIED) {
    stmt.Bind(k++, int64_t{query.state});
  }
  if (!query.destination_ods.empty()) stmt.Bind(k++, query.destination_ods);
  if (!query.cursor.empty()) stmt.Bind(k++, before);
  stmt.Bind(k, int64_t{query.limit} + 1);
  Page<v1::Delivery> page;
  int64_t last_seq = 0;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    if (static_cast<int>(page.items.size()) == query.limit) {
      page.next_cursor = EncodeOutboxCursor(last_seq);
      break;
    }
    last_seq = stmt.ColumnInt(0);
    v1::Delivery d;
    if (!d.ParseFromString(stmt.ColumnBlob(1))) {
      return absl::DataLossError("a stored delivery does not parse");
    }
    page.items.push_back(std::move(d));
  }
  return page;
}

absl::StatusOr<std::vector<OutboxRow>> SqliteTransaction::ListDueMessages(
    absl::Time now, const std::vector<std::string>& full_queues, int limit) {
  std::string skip;
  if (!full_queues.empty()) {
    std::vector<std::string> marks(full_queues.size(), "?");
    skip =
        absl::StrCat(" AND o.queue NOT IN (", absl::StrJoin(marks, ","), ")");
  }
  // An earlier pending message about the same record in the same queue
  // (in flight or backing off) holds the later ones back.
  ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      conn_.Prepare(absl::StrCat(
          "SELECT o.message, o.delivery FROM outbox o WHERE o.state = ? AND "
          "o.next_attempt_us <= ?",
          skip,
          " AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.order_key = "
          "o.order_key AND e.state = ? AND e.seq < o.seq) ORDER BY "
          "o.next_attempt_us, o.seq LIMIT ?")));
  int k = 1;
  stmt.Bind(k++, int64_t{v1::DELIVERY_STATE_PENDING});
  stmt.Bind(k++, absl::ToUnixMicros(now));
  for (const std::string& q : full_queues) stmt.Bind(k++, q);
  stmt.Bind(k++, int64_t{v1::DELIVERY_STATE_PENDING});
  stmt.Bind(k, int64_t{limit});
  std::vector<OutboxRow> due;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    ASSIGN_OR_RETURN(OutboxRow r, RowFrom(stmt, 0));
    due.push_back(std::move(r));
  }
  return due;
}

absl::StatusOr<std::vector<v1::Delivery>> SqliteTransaction::ListPendingNotDue(
    absl::Time now, int limit) {
  ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      conn_.Prepare("SELECT delivery FROM outbox WHERE state = ? AND "
                    "next_attempt_us > ? ORDER BY next_attempt_us LIMIT ?"));
  stmt.Bind(1, int64_t{v1::DELIVERY_STATE_PENDING})
      .Bind(2, absl::ToUnixMicros(now))
      .Bind(3, int64_t{limit});
  std::vector<v1::Delivery> found;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    v1::Delivery d;
    if (!d.ParseFromString(stmt.ColumnBlob(0))) {
      return absl::DataLossError("a stored delivery does not parse");
    }
    found.push_back(std::move(d));
  }
  return found;
}

absl::StatusOr<std::vector<OutboxRow>>
SqliteTransaction::ListAcknowledgementsDue(absl::Time now, int limit) {
  // outbox_due (state, next_attempt_us) serves it.
  ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      conn_.Prepare("SELECT message, delivery FROM outbox WHERE state = ? AND "
                    "next_attempt_us > 0 AND next_attempt_us <= ? ORDER BY "
                    "next_attempt_us, seq LIMIT ?"));
  stmt.Bind(1, int64_t{v1::DELIVERY_STATE_AWAITING_ACKNOWLEDGEMENT})
      .Bind(2, absl::ToUnixMicros(now))
      .Bind(3, int64_t{limit});
  std::vector<OutboxRow> due;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    ASSIGN_OR_RETURN(OutboxRow r, RowFrom(stmt, 0));
    due.push_back(std::move(r));
  }
  return due;
}

absl::StatusOr<std::vector<v1::DestinationStats>>
SqliteTransaction::DeliveryStats(absl::Time now) {
  ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      conn_.Prepare("SELECT queue, destination_ods, state, COUNT(*), "
                    "MIN(created_us), SUM(attempts) FROM outbox GROUP BY "
                    "queue, destination_ods, state ORDER BY queue, "
                    "destination_ods, state"));
  DeliveryStatsBuilder stats(now);
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    stats.Add(stmt.ColumnText(0), stmt.ColumnText(1), stmt.ColumnInt(2),
              stmt.ColumnInt(3), stmt.ColumnInt(4), stmt.ColumnInt(5));
  }
  return stats.Take();
}

absl::Status SqliteTransaction::InsertOutboxMessage(const OutboxRow& row) {
  const v1::OutboundMessage& m = row.message;
  const v1::Delivery& d = row.delivery;
  ASSIGN_OR_RETURN(const std::string message_body, StoredBody(m, "message"));
  ASSIGN_OR_RETURN(const std::string delivery_body, StoredBody(d, "delivery"));
  ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      conn_.Prepare("INSERT INTO outbox (message_id, destination_ods, queue, "
                    "order_key, state, attempts, next_attempt_us, created_us, "
                    "updated_us, message, delivery, referral_id) VALUES "
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  ASSIGN_OR_RETURN(const std::string about, OutboxReferralId(conn_, m));
  stmt.Bind(1, m.message_id())
      .Bind(2, m.destination_ods())
      .Bind(3, DeliveryQueue(m.destination_ods(), m.channel()))
      .Bind(4, OutboxOrderKey(m))
      .Bind(5, int64_t{d.state()})
      .Bind(6, int64_t{d.attempts()})
      .Bind(7, Micros(d.next_attempt_at()))
      .Bind(8, Micros(d.created_at()))
      .Bind(9, Micros(d.updated_at()))
      .BindBlob(10, message_body)
      .BindBlob(11, delivery_body)
      .Bind(12, about);
  absl::Status s = stmt.Run();
  if (absl::IsAlreadyExists(s) || absl::IsFailedPrecondition(s)) {
    return absl::AlreadyExistsError(
        absl::StrCat("outbound message ", m.message_id(), " already queued"));
  }
  return s;
}

absl::Status SqliteTransaction::UpdateDelivery(const v1::Delivery& d) {
  ASSIGN_OR_RETURN(const std::string body, StoredBody(d, "delivery"));
  ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      conn_.Prepare("UPDATE outbox SET state = ?, attempts = ?, "
                    "next_attempt_us = ?, updated_us = ?, delivery = ? WHERE "
                    "message_id = ?"));
  stmt.Bind(1, int64_t{d.state()})
      .Bind(2, int64_t{d.attempts()})
      .Bind(3, Micros(d.next_attempt_at()))
      .Bind(4, Micros(d.updated_at()))
      .BindBlob(5, body)
      .Bind(6, d.message_id());
  RETURN_IF_ERROR(stmt.Run());
  if (sqlite3_changes(conn_.handle()) == 0) {
    return absl::NotFoundError(
        absl::StrCat("outbound message ", d.message_id(), " not found"));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> SqliteTransaction::PruneDelivered(absl::Time before,
                                                      int limit) {
  ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      conn_.Prepare("DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox "
                    "WHERE state IN (?, ?) AND updated_us < ? LIMIT ?)"));
  stmt.Bind(1, int64_t{v1::DELIVERY_STATE_DELIVERED})
      .Bind(2, int64_t{v1::DELIVERY_STATE_DISCARDED})
      .Bind(3, absl::ToUnixMicros(before))
      .Bind(4, int64_t{limit});
  RETURN_IF_ERROR(stmt.Run());
  return sqlite3_changes(conn_.handle());
}

}  // namespace nhs::tobacco::store
