// The outbox half of PgTransaction: queued outbound messages and their
// delivery state, and the messages about one referral to one destination.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/timestamps.h"
#include "gateway/store/delivery_stats.h"
#include "gateway/store/page_cursor.h"
#include "gateway/store/postgres/pg_transaction.h"
#include "gateway/store/record_columns.h"
#include "gateway/store/stored_body.h"

namespace nhs::tobacco::store {
namespace {

using domain::Micros;

// The message and delivery in columns `column` and `column + 1`.
absl::StatusOr<OutboxRow> RowFrom(const PgResult& result, int row, int column) {
  ASSIGN_OR_RETURN(const std::string message, result.Bytes(row, column));
  ASSIGN_OR_RETURN(const std::string delivery, result.Bytes(row, column + 1));
  OutboxRow found;
  if (!found.message.ParseFromString(message) ||
      !found.delivery.ParseFromString(delivery)) {
    return absl::DataLossError("a stored outbox message does not parse");
  }
  return found;
}

absl::StatusOr<v1::Delivery> DeliveryFrom(const PgResult& result, int row,
                                          int column) {
  ASSIGN_OR_RETURN(const std::string bytes, result.Bytes(row, column));
  v1::Delivery d;
  if (!d.ParseFromString(bytes)) {
    return absl::DataLossError("a stored delivery does not parse");
  }
  return d;
}

// The SQL value of a message's referral column (SQLite's
// OutboxReferralId): the referral it names, or, naming only a request,
// the request's referral looked up in the same statement; '' when none.
std::string ReferralIdValue(const v1::OutboundMessage& m, PgArgs& args) {
  if (std::string named = ReferralIdNamedIn(m); !named.empty()) {
    return args.Text(named);
  }
  if (m.prescription_id().empty()) return args.Text("");
  return absl::StrCat(
      "COALESCE((SELECT referral_id FROM prescriptions WHERE "
      "prescription_id = ",
      args.Text(m.prescription_id()), "), '')");
}

}  // namespace

absl::StatusOr<std::optional<OutboxRow>> PgTransaction::GetOutboxRow(
    absl::string_view message_id) {
  PgArgs args;
  const std::string sql =
      absl::StrCat("SELECT message, delivery FROM outbox WHERE message_id = ",
                   args.Text(message_id));
  ASSIGN_OR_RETURN(const PgResult result, conn_.Query(sql, args));
  if (result.rows() == 0) return std::optional<OutboxRow>();
  ASSIGN_OR_RETURN(OutboxRow found, RowFrom(result, 0, 0));
  return std::optional<OutboxRow>(std::move(found));
}

absl::StatusOr<Page<v1::Delivery>> PgTransaction::ListDeliveries(
    const DeliveryQuery& query) {
  PgArgs args;
  std::vector<std::string> where;
  if (query.state != v1::DELIVERY_STATE_UNSPECIFIED) {
    where.push_back(absl::StrCat("state = ", args.Int(query.state)));
  }
  if (!query.destination_ods.empty()) {
    where.push_back(
        absl::StrCat("destination_ods = ", args.Text(query.destination_ods)));
  }
  if (!query.cursor.empty()) {
    ASSIGN_OR_RETURN(const int64_t before, DecodeOutboxCursor(query.cursor));
    where.push_back(absl::StrCat("seq < ", args.Int(before)));
  }
  const std::string sql = absl::StrCat(
      "SELECT seq, delivery FROM outbox", where.empty() ? "" : " WHERE ",
      absl::StrJoin(where, " AND "), " ORDER BY seq DESC LIMIT ",
      args.Int(int64_t{query.limit} + 1));
  ASSIGN_OR_RETURN(const PgResult result, conn_.Query(sql, args));
  Page<v1::Delivery> page;
  int64_t last_seq = 0;
  for (int row = 0; row < result.rows(); ++row) {
    if (static_cast<int>(page.items.size()) == query.limit) {
      page.next_cursor = EncodeOutboxCursor(last_seq);
      break;
    }
    ASSIGN_OR_RETURN(last_seq, result.Int(row, 0));
    ASSIGN_OR_RETURN(v1::Delivery d, DeliveryFrom(result, row, 1));
    page.items.push_back(std::move(d));
  }
  return page;
}

absl::StatusOr<std::vector<OutboxRow>> PgTransaction::ListDueMessages(
    absl::Time now, const std::vector<std::string>& full_queues, int limit) {
  PgArgs args;
  const std::string pending = args.Int(v1::DELIVERY_STATE_PENDING);
  std::string skip;
  if (!full_queues.empty()) {
    std::vector<std::string> marks;
    marks.reserve(full_queues.size());
    for (const std::string& q : full_queues) marks.push_back(args.Text(q));
    skip =
        absl::StrCat(" AND o.queue NOT IN (", absl::StrJoin(marks, ", "), ")");
  }
  // An earlier pending message about the same record in the same queue
  // (in flight or backing off) holds the later ones back.
  const std::string sql = absl::StrCat(
      "SELECT o.message, o.delivery FROM outbox o WHERE o.state = ", pending,
      " AND o.next_attempt_us <= ", args.Int(absl::ToUnixMicros(now)), skip,
      " AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.order_key = "
      "o.order_key AND e.state = ",
      pending, " AND e.seq < o.seq) ORDER BY o.next_attempt_us, o.seq LIMIT ",
      args.Int(limit));
  ASSIGN_OR_RETURN(const PgResult result, conn_.Query(sql, args));
  std::vector<OutboxRow> due;
  due.reserve(result.rows());
  for (int row = 0; row < result.rows(); ++row) {
    ASSIGN_OR_RETURN(OutboxRow r, RowFrom(result, row, 0));
    due.push_back(std::move(r));
  }
  return due;
}

absl::StatusOr<std::vector<v1::Delivery>> PgTransaction::ListPendingNotDue(
    absl::Time now, int limit) {
  PgArgs args;
  // seq breaks ties as SQLite's index does (its entries end in the rowid).
  const std::string sql =
      absl::StrCat("SELECT delivery FROM outbox WHERE state = ",
                   args.Int(v1::DELIVERY_STATE_PENDING),
                   " AND next_attempt_us > ", args.Int(absl::ToUnixMicros(now)),
                   " ORDER BY next_attempt_us, seq LIMIT ", args.Int(limit));
  ASSIGN_OR_RETURN(const PgResult result, conn_.Query(sql, args));
  std::vector<v1::Delivery> found;
  found.reserve(result.rows());
  for (int row = 0; row < result.rows(); ++row) {
    ASSIGN_OR_RETURN(v1::Delivery d, DeliveryFrom(result, row, 0));
    found.push_back(std::move(d));
  }
  return found;
}

absl::StatusOr<std::vector<OutboxRow>> PgTransaction::ListAcknowledgementsDue(
    absl::Time now, int limit) {
  PgArgs args;
  const std::string sql =
      absl::StrCat("SELECT message, delivery FROM outbox WHERE state = ",
                   args.Int(v1::DELIVERY_STATE_AWAITING_ACKNOWLEDGEMENT),
                   " AND next_attempt_us > 0 AND next_attempt_us <= ",
                   args.Int(absl::ToUnixMicros(now)),
                   " ORDER BY next_attempt_us, seq LIMIT ", args.Int(limit));
  ASSIGN_OR_RETURN(const PgResult result, conn_.Query(sql, args));
  std::vector<OutboxRow> due;
  due.reserve(result.rows());
  for (int row = 0; row < result.rows(); ++row) {
    ASSIGN_OR_RETURN(OutboxRow r, RowFrom(result, row, 0));
    due.push_back(std::move(r));
  }
  return due;
}

absl::StatusOr<std::vector<v1::DestinationStats>> PgTransaction::DeliveryStats(
    absl::Time now) {
  // COLLATE "C": byte order, as SQLite sorts, whatever the database's
  // collation.
  ASSIGN_OR_RETURN(
      const PgResult result,
      conn_.Query("SELECT queue, destination_ods, state, COUNT(*), "
                  "MIN(created_us), SUM(attempts) FROM outbox GROUP BY "
                  "queue, destination_ods, state ORDER BY queue COLLATE \"C\", "
                  "destination_ods COLLATE \"C\", state"));
  DeliveryStatsBuilder stats(now);
  for (int row = 0; row < result.rows(); ++row) {
    int64_t numbers[4] = {};  // state, count, oldest created_us, attempts
    for (int k = 0; k < 4; ++k) {
      // MIN and SUM are numbers for every group (never NULL: no empty
      // groups).
      ASSIGN_OR_RETURN(numbers[k], result.Int(row, 2 + k));
    }
    stats.Add(result.Text(row, 0), result.Text(row, 1), numbers[0], numbers[1],
              numbers[2], numbers[3]);
  }
  return stats.Take();
}

absl::Status PgTransaction::InsertOutboxMessage(const OutboxRow& row) {
  const v1::OutboundMessage& m = row.message;
  const v1::Delivery& d = row.delivery;
  ASSIGN_OR_RETURN(const std::string message_body, StoredBody(m, "message"));
  ASSIGN_OR_RETURN(const std::string delivery_body, StoredBody(d, "delivery"));
  PgArgs args;
  // ON CONFLICT DO NOTHING: a taken id is reported without aborting the
  // transaction, which a SQLite caller may carry on with.
  const std::string sql = absl::StrCat(
      "INSERT INTO outbox (message_id, destination_ods, queue, order_key, "
      "state, attempts, next_attempt_us, created_us, updated_us, message, "
      "delivery, referral_id) VALUES (",
      absl::StrJoin(
          {args.Text(m.message_id()), args.Text(m.destination_ods()),
           args.Text(DeliveryQueue(m.destination_ods(), m.channel())),
           args.Text(OutboxOrderKey(m)), args.Int(d.state()),
           args.Int(d.attempts()), args.Int(Micros(d.next_attempt_at())),
           args.Int(Micros(d.created_at())), args.Int(Micros(d.updated_at())),
           args.Bytes(message_body), args.Bytes(delivery_body),
           ReferralIdValue(m, args)},
          ", "),
      ") ON CONFLICT DO NOTHING RETURNING seq");
  absl::StatusOr<PgResult> result = conn_.Query(sql, args);
  if ((result.ok() && result->rows() == 0) ||
      absl::IsAlreadyExists(result.status()) ||
      absl::IsFailedPrecondition(result.status())) {
    return absl::AlreadyExistsError(
        absl::StrCat("outbound message ", m.message_id(), " already queued"));
  }
  return result.status();
}

absl::Status PgTransaction::UpdateDelivery(const v1::Delivery& d) {
  ASSIGN_OR_RETURN(const std::string body, StoredBody(d, "delivery"));
  PgArgs args;
  const std::string sql = absl::StrCat(
      "UPDATE outbox SET state = ", args.Int(d.state()),
      ", attempts = ", args.Int(d.attempts()),
      ", next_attempt_us = ", args.Int(Micros(d.next_attempt_at())),
      ", updated_us = ", args.Int(Micros(d.updated_at())),
      ", delivery = ", args.Bytes(body),
      " WHERE message_id = ", args.Text(d.message_id()), " RETURNING seq");
  ASSIGN_OR_RETURN(const PgResult result, conn_.Query(sql, args));
  if (result.rows() == 0) {
    return absl::NotFoundError(
        absl::StrCat("outbound message ", d.message_id(), " not found"));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> PgTransaction::PruneDelivered(absl::Time before,
                                                  int limit) {
  PgArgs args;
  const std::string sql = absl::StrCat(
      "WITH gone AS (DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox "
      "WHERE state IN (",
      args.Int(v1::DELIVERY_STATE_DELIVERED), ", ",
      args.Int(v1::DELIVERY_STATE_DISCARDED), ") AND updated_us < ",
      args.Int(absl::ToUnixMicros(before)), " LIMIT ", args.Int(limit),
      ") RETURNING 1) SELECT COUNT(*) FROM gone");
  ASSIGN_OR_RETURN(const PgResult result, conn_.Query(sql, args));
  ASSIGN_OR_RETURN(const int64_t pruned, result.Int(0, 0));
  return static_cast<int>(pruned);
}

// The outbox's referral column is not used: a message counts only when its
// own referral_id is the referral, as SQLite decides, so the destination's
// rows are read by their index and filtered here.
absl::StatusOr<std::vector<OutboxRow>> PgTransaction::ListOutboxRowsAbout(
    absl::string_view referral_id, absl::string_view destination_ods) {
  PgArgs args;
  const std::string sql = absl::StrCat(
      "SELECT message, delivery FROM outbox WHERE destination_ods = ",
      args.Text(destination_ods), " ORDER BY seq");
  ASSIGN_OR_RETURN(const PgResult result, conn_.Query(sql, args));
  std::vector<OutboxRow> rows;
  for (int row = 0; row < result.rows(); ++row) {
    ASSIGN_OR_RETURN(OutboxRow found, RowFrom(result, row, 0));
    if (found.message.referral_id() == referral_id) {
      rows.push_back(std::move(found));
    }
  }
  return rows;
}

}  // namespace nhs::tobacco::store
