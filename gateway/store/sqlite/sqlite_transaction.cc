#include "gateway/store/sqlite/sqlite_transaction.h"

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gateway/common/log.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/prescription_state_machine.h"
#include "gateway/domain/timestamps.h"
#include "gateway/store/page_cursor.h"
#include "gateway/store/sqlite/report_columns.h"
#include "gateway/store/stored_body.h"
#include "google/protobuf/util/time_util.h"

namespace nhs::tobacco::store {
namespace {

using domain::Micros;

using google::protobuf::util::TimeUtil;

template <typename T>
absl::StatusOr<T> ParseBody(const std::string& bytes) {
  T message;
  if (!message.ParseFromString(bytes)) {
    return absl::DataLossError("stored record does not parse");
  }
  return message;
}

// A row whose body does not parse (written by an older version before
// bodies were checked, or damaged on disk) is skipped by the listings and
// reported: a warning naming the row (ids only, never the body) and its id
// in the page, so that one bad row never fails every page holding it.
void ReportUnreadable(absl::string_view table, absl::string_view id) {
  LogWarning("store", absl::StrCat("skipped a ", table, " row that does not ",
                                   "parse (id ", absl::CHexEscape(id),
                                   "); restore it from a backup or remove it"));
}

// Binds a list of text/int parameters in order.
struct Param {
  bool is_int;
  int64_t i;
  std::string s;
};

void BindAll(SqliteStatement& stmt, const std::vector<Param>& params) {
  for (size_t k = 0; k < params.size(); ++k) {
    if (params[k].is_int) {
      stmt.Bind(static_cast<int>(k + 1), params[k].i);
    } else {
      stmt.Bind(static_cast<int>(k + 1), params[k].s);
    }
  }
}

Param Text(std::string s) { return Param{false, 0, std::move(s)}; }

// reports (migration 10): binds route, product_kind, pharmacy_ods,
// created_on, the three step times, status_reason and
// first_overdue_waiting_on from `first` on.
void BindStepColumns(SqliteStatement& stmt, int first,
                     const PrescriptionColumns& c) {
  stmt.Bind(first, c.route)
      .Bind(first + 1, c.product_kind)
      .Bind(first + 2, c.pharmacy_ods)
      .Bind(first + 3, c.created_on);
  int k = first + 4;
  for (const std::optional<int64_t>* t :
       {&c.acknowledged_us, &c.prescribed_or_supplied_us, &c.dispensed_us}) {
    if (t->has_value()) {
      stmt.Bind(k, **t);
    } else {
      stmt.BindNull(k);
    }
    ++k;
  }
  stmt.Bind(k, c.status_reason).Bind(k + 1, c.first_overdue_waiting_on);
}

// The referral's first request (by created_at) gives its outcome-return
// route, product kind and pharmacy.
// (A read, then a one-row write: a write statement with a subquery takes
// a statement journal, whose cost grows with the transaction.)
absl::Status RefreshFirstRequest(SqliteConnection& conn,
                                 absl::string_view referral_id) {
  int64_t route = 0, kind = 0;
  std::string pharmacy;
  {
    ASSIGN_OR_RETURN(
        SqliteStatement first,
        conn.Prepare("SELECT route, product_kind, pharmacy_ods FROM "
                     "prescriptions WHERE referral_id = ? ORDER BY "
                     "created_us, prescription_id LIMIT 1"));
    first.Bind(1, referral_id);
    ASSIGN_OR_RETURN(bool row, first.Step());
    if (!row) return absl::OkStatus();
    route = first.ColumnInt(0);
    kind = first.ColumnInt(1);
    pharmacy = first.ColumnText(2);
  }
  ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      conn.Prepare("UPDATE referrals SET first_route = ?, first_product_kind "
                   "= ?, first_pharmacy_ods = ? WHERE referral_id = ?"));
  return stmt.Bind(1, route)
      .Bind(2, kind)
      .Bind(3, pharmacy)
      .Bind(4, referral_id)
      .Run();
}
Param Int(int64_t i) { return Param{true, i, ""}; }

// One keyset page from a statement selecting (body, created_us, id) newest
// first with LIMIT limit + 1. The cursor is the key of the last row read,
// so skipped rows are paged past like any other.
template <typename T>
absl::StatusOr<Page<T>> ReadPage(SqliteStatement& stmt, int limit,
                                 absl::string_view table) {
  Page<T> page;
  int rows = 0;
  int64_t last_created_us = 0;
  std::string last_id;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    if (static_cast<int>(page.items.size()) == limit) {
      page.next_cursor = EncodeKeysetCursor("", last_created_us, last_id);
      return page;
    }
    ++rows;
    last_created_us = stmt.ColumnInt(1);
    last_id = stmt.ColumnText(2);
    T item;
    if (!item.ParseFromString(stmt.ColumnBlob(0))) {
      ReportUnreadable(table, last_id);
      page.unreadable_ids.push_back(last_id);
      continue;
    }
    page.items.push_back(std::move(item));
  }
  // The LIMIT ran out before the page filled (rows were skipped): more may
  // follow the last row read.
  if (rows == limit + 1)
    page.next_cursor = EncodeKeysetCursor("", last_created_us, last_id);
  return page;
}

}  // namespace

absl::StatusOr<std::optional<v1::Referral>> SqliteTransaction::GetReferral(
    absl::string_view referral_id) {
  ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      conn_.Prepare("SELECT body FROM referrals WHERE referral_id = ?"));
  stmt.Bind(1, referral_id);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<v1::Referral>();
  ASSIGN_OR_RETURN(v1::Referral referral,
                   ParseBody<v1::Referral>(stmt.ColumnBlob(0)));
  return std::optional<v1::Referral>(std::move(referral));
}

absl::StatusOr<Page<v1::Referral>> SqliteTransaction::ListReferrals(
    const ReferralQuery& query) {
  std::vector<std::string> where;
  std::vector<Param> params;
  if (!query.ods_code.empty()) {
    where.push_back("(referrer_ods = ? OR service_ods = ? OR gp_ods = ?)");
    for (int i = 0; i < 3; ++i) params.push_back(Text(query.ods_code));
  }
  if (query.status != v1::REFERRAL_STATUS_UNSPECIFIED) {
    where.push_back("status = ?");
    params.push_back(Int(query.status));
  }
  if (query.disengaged_only) where.push_back("disengaged = 1");
  if (!query.cursor.empty()) {
    ASSIGN_OR_RETURN(const KeysetCursor key,
                     DecodeKeysetCursor("", query.cursor));
    const int64_t created_us = key.created_us;
    const std::string& id = key.id;
    where.push_back("(created_us < ? OR (created_us = ? AND referral_id < ?))");
    params.push_back(Int(created_us));
    params.push_back(Int(created_us));
    params.push_back(Text(id));
  }
  params.push_back(Int(query.limit + 1));
  const std::string sql = absl::StrCat(
      "SELECT body, created_us, referral_id FROM referrals",
      where.empty() ? "" : " WHERE ", absl::StrJoin(where, " AND "),
      " ORDER BY created_us DESC, referral_id DESC LIMIT ?");
  ASSIGN_OR_RETURN(SqliteStatement stmt, conn_.Prepare(sql));
  BindAll(stmt, params);
  return ReadPage<v1::Referral>(stmt, query.limit, "referrals");
}

absl::StatusOr<std::optional<v1::PrescriptionRequest>>
SqliteTransaction::GetPrescription(absl::string_view prescription_id) {
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   conn_.Prepare("SELECT body FROM prescriptions WHERE "
                                 "prescription_id = ?"));
  stmt.Bind(1, prescription_id);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<v1::PrescriptionRequest>();
  ASSIGN_OR_RETURN(v1::PrescriptionRequest p,
                   ParseBody<v1::PrescriptionRequest>(stmt.ColumnBlob(0)));
  return std::optional<v1::PrescriptionRequest>(std::move(p));
}

absl::StatusOr<std::optional<v1::PrescriptionRequest>>
SqliteTransaction::GetPrescriptionByEpsId(
    absl::string_view eps_prescription_id) {
  if (eps_prescription_id.empty()) {
    return std::optional<v1::PrescriptionRequest>();
  }
  // Two rows are enough to tell "ambiguous" from "the one".
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   conn_.Prepare("SELECT body FROM prescriptions WHERE "
                                 "eps_id = ? LIMIT 2"));
  stmt.Bind(1, eps_prescription_id);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<v1::PrescriptionRequest>();
  ASSIGN_OR_RETURN(v1::PrescriptionRequest p,
                   ParseBody<v1::PrescriptionRequest>(stmt.ColumnBlob(0)));
  ASSIGN_OR_RETURN(bool another, stmt.Step());
  if (another) {
    return absl::FailedPreconditionError(
        "EPS prescription id names more than one prescription request");
  }
  return std::optional<v1::PrescriptionRequest>(std::move(p));
}

absl::StatusOr<Page<v1::PrescriptionRequest>>
SqliteTransaction::ListPrescriptions(const PrescriptionQuery& query) {
  std::vector<std::string> where;
  std::vector<Param> params;
  if (!query.ods_code.empty()) {
    // The referrer is the referral's: a request follows its referral's
    // referrer through the referrals_by_referrer index, and each of its
    // referrals through prescriptions_by_referral (no copy to keep true).
    where.push_back(
        "(target_ods = ? OR service_ods = ? OR referral_id IN "
        "(SELECT referral_id FROM referrals WHERE referrer_ods = ?))");
    for (int i = 0; i < 3; ++i) params.push_back(Text(query.ods_code));
  }
  if (query.status != v1::PRESCRIPTION_STATUS_UNSPECIFIED) {
    where.push_back("status = ?");
    params.push_back(Int(query.status));
  }
  if (query.overdue_only) where.push_back("overdue = 1");
  if (!query.referral_id.empty()) {
    where.push_back("referral_id = ?");
    params.push_back(Text(query.referral_id));
  }
  if (!query.cursor.empty()) {
    ASSIGN_OR_RETURN(const KeysetCursor key,
                     DecodeKeysetCursor("", query.cursor));
    const int64_t created_us = key.created_us;
    const std::string& id = key.id;
    where.push_back(
        "(created_us < ? OR (created_us = ? AND prescription_id < ?))");
    params.push_back(Int(created_us));
    params.push_back(Int(created_us));
    params.push_back(Text(id));
  }
  params.push_back(Int(query.limit + 1));
  const std::string sql = absl::StrCat(
      "SELECT body, created_us, prescription_id FROM prescriptions",
      where.empty() ? "" : " WHERE ", absl::StrJoin(where, " AND "),
      " ORDER BY created_us DESC, prescription_id DESC LIMIT ?");
  ASSIGN_OR_RETURN(SqliteStatement stmt, conn_.Prepare(sql));
  BindAll(stmt, params);
  return ReadPage<v1::PrescriptionRequest>(stmt, query.limit, "prescriptions");
}

absl::StatusOr<std::vector<v1::TimelineEvent>> SqliteTransaction::ListEvents(
    const EventQuery& query) {
  std::vector<Param> params = {Int(query.after_sequence)};
  std::string sql = "SELECT sequence, body FROM events WHERE sequence > ?";
  if (!query.prescription_id.empty()) {
    absl::StrAppend(&sql, " AND prescription_id = ?");
    params.push_back(Text(query.prescription_id));
  }
  if (!query.referral_id.empty()) {
    absl::StrAppend(&sql, " AND referral_id = ?");
    params.push_back(Text(query.referral_id));
  }
  absl::StrAppend(&sql, " ORDER BY sequence LIMIT ?");
  params.push_back(Int(query.limit));
  ASSIGN_OR_RETURN(SqliteStatement stmt, conn_.Prepare(sql));
  BindAll(stmt, params);
  std::vector<v1::TimelineEvent> events;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    v1::TimelineEvent e;
    if (!e.ParseFromString(stmt.ColumnBlob(1))) {
      ReportUnreadable("events", absl::StrCat(stmt.ColumnInt(0)));
      continue;
    }
    e.set_sequence(stmt.ColumnInt(0));
    events.push_back(std::move(e));
  }
  return events;
}

absl::StatusOr<std::vector<v1::Outcome>> SqliteTransaction::ListOutcomes(
    absl::string_view referral_id) {
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   conn_.Prepare("SELECT body, outcome_id FROM outcomes "
                                 "WHERE referral_id = ? ORDER BY created_us, "
                                 "outcome_id"));
  stmt.Bind(1, referral_id);
  std::vector<v1::Outcome> outcomes;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    v1::Outcome o;
    if (!o.ParseFromString(stmt.ColumnBlob(0))) {
      ReportUnreadable("outcomes", stmt.ColumnText(1));
      continue;
    }
    outcomes.push_back(std::move(o));
  }
  return outcomes;
}

absl::StatusOr<Page<v1::Outcome>> SqliteTransaction::ListOutcomesPage(
    const OutcomeQuery& query) {
  std::vector<std::string> where;
  std::vector<Param> params;
  if (!query.referral_id.empty()) {
    where.push_back("o.referral_id = ?");
    params.push_back(Text(query.referral_id));
  }
  for (const std::string& ods : {query.ods_code, query.scope_ods}) {
    if (ods.empty()) continue;
    where.push_back(
        "(r.referrer_ods = ? OR r.service_ods = ? OR r.gp_ods = ?)");
    for (int i = 0; i < 3; ++i) params.push_back(Text(ods));
  }
  if (!query.recorded_from.empty()) {
    where.push_back("o.recorded_on >= ?");
    params.push_back(Text(query.recorded_from));
  }
  if (!query.recorded_to.empty()) {
    where.push_back("o.recorded_on <= ?");
    params.push_back(Text(query.recorded_to));
  }
  if (!query.cursor.empty()) {
    ASSIGN_OR_RETURN(const KeysetCursor key,
                     DecodeKeysetCursor("", query.cursor));
    const int64_t created_us = key.created_us;
    const std::string& id = key.id;
    where.push_back(
        "(o.created_us < ? OR (o.created_us = ? AND o.outcome_id < ?))");
    params.push_back(Int(created_us));
    params.push_back(Int(created_us));
    params.push_back(Text(id));
  }
  params.push_back(Int(query.limit + 1));
  const std::string sql = absl::StrCat(
      "SELECT o.body, o.created_us, o.outcome_id FROM outcomes o JOIN "
      "referrals r ON r.referral_id = o.referral_id",
      where.empty() ? "" : " WHERE ", absl::StrJoin(where, " AND "),
      " ORDER BY o.created_us DESC, o.outcome_id DESC LIMIT ?");
  ASSIGN_OR_RETURN(SqliteStatement stmt, conn_.Prepare(sql));
  BindAll(stmt, params);
  return ReadPage<v1::Outcome>(stmt, query.limit, "outcomes");
}

absl::StatusOr<std::optional<IdempotencyRecord>>
SqliteTransaction::GetIdempotencyRecord(absl::string_view scope,
                                        absl::string_view request_id) {
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   conn_.Prepare("SELECT request_hash, response FROM "
                                 "idempotency_keys WHERE scope = ? AND "
                                 "request_id = ?"));
  stmt.Bind(1, scope).Bind(2, request_id);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<IdempotencyRecord>();
  return std::optional<IdempotencyRecord>(
      IdempotencyRecord{stmt.ColumnText(0), stmt.ColumnBlob(1)});
}

absl::StatusOr<std::vector<v1::PrescriptionRequest>>
SqliteTransaction::ListDeadlineCandidates(absl::Time now,
                                          absl::Time created_before,
                                          int limit) {
  ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      conn_.Prepare("SELECT body, prescription_id FROM prescriptions WHERE "
                    "final = 0 AND "
                    "((overdue = 0 AND due_us IS NOT NULL AND due_us <= ?) "
                    "OR created_us <= ?) ORDER BY due_us LIMIT ?"));
  stmt.Bind(1, absl::ToUnixMicros(now))
      .Bind(2, absl::ToUnixMicros(created_before))
      .Bind(3, int64_t{limit});
  std::vector<v1::PrescriptionRequest> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    // One unreadable row must not stop the deadline scan for every other.
    v1::PrescriptionRequest p;
    if (!p.ParseFromString(stmt.ColumnBlob(0))) {
      ReportUnreadable("prescriptions", stmt.ColumnText(1));
      continue;
    }
    out.push_back(std::move(p));
  }
  return out;
}

absl::StatusOr<int64_t> SqliteTransaction::LatestEventSequence() {
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   conn_.Prepare("SELECT COALESCE(MAX(sequence), 0) FROM "
                                 "events"));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.ColumnInt(0) : 0;
}

absl::Status SqliteTransaction::InsertReferral(const v1::Referral& r) {
  ASSIGN_OR_RETURN(const std::string body, StoredBody(r, "referral"));
  ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      conn_.Prepare("INSERT INTO referrals (referral_id, nhs_number, "
                    "referrer_ods, service_ods, gp_ods, status, created_us, "
                    "body, disengaged, source, smi, diagnosis, "
                    "shares_with_gp, received_on, quit_date) VALUES (?, ?, "
                    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  const ReferralColumns c = ReferralColumnsOf(r);
  stmt.Bind(1, r.referral_id())
      .Bind(2, r.patient().nhs_number())
      .Bind(3, r.referrer().ods_code())
      .Bind(4, r.service().ods_code())
      .Bind(5, r.gp_practice().ods_code())
      .Bind(6, int64_t{r.status()})
      .Bind(7, Micros(r.created_at()))
      .BindBlob(8, body)
      .Bind(9, int64_t{r.disengaged() ? 1 : 0})
      .Bind(10, c.source)
      .Bind(11, c.smi)
      .Bind(12, c.diagnosis)
      .Bind(13, c.shares_with_gp)
      .Bind(14, c.received_on);
  if (c.quit_date.has_value()) {
    stmt.Bind(15, *c.quit_date);
  } else {
    stmt.BindNull(15);
  }
  return stmt.Run();
}

absl::Status SqliteTransaction::UpdateReferral(const v1::Referral& r) {
  ASSIGN_OR_RETURN(const std::string body, StoredBody(r, "referral"));
  ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      conn_.Prepare("UPDATE referrals SET status = ?, body = ?, disengaged = "
                    "?, referrer_ods = ?, service_ods = ?, gp_ods = ?, source "
                    "= ?, smi = ?, diagnosis = ?, shares_with_gp = ?, "
                    "quit_date = ? WHERE referral_id = ?"));
  const ReferralColumns c = ReferralColumnsOf(r);
  stmt.Bind(1, int64_t{r.status()})
      .BindBlob(2, body)
      .Bind(3, int64_t{r.disengaged() ? 1 : 0})
      .Bind(4, r.referrer().ods_code())
      .Bind(5, r.service().ods_code())
      .Bind(6, r.gp_practice().ods_code())
      .Bind(7, c.source)
      .Bind(8, c.smi)
      .Bind(9, c.diagnosis)
      .Bind(10, c.shares_with_gp);
  if (c.quit_date.has_value()) {
    stmt.Bind(11, *c.quit_date);
  } else {
    stmt.BindNull(11);
  }
  stmt.Bind(12, r.referral_id());
  RETURN_IF_ERROR(stmt.Run());
  if (sqlite3_changes(conn_.handle()) == 0) {
    return absl::NotFoundError("referral not found");
  }
  // Its requests copy the subject (reports, migration 10).
  ASSIGN_OR_RETURN(
      SqliteStatement copy,
      conn_.Prepare("UPDATE prescriptions SET referrer_ods = ?, gp_ods = ?, "
                    "source = ?, smi = ?, diagnosis = ?, shares_with_gp = ? "
                    "WHERE referral_id = ?"));
  return copy.Bind(1, r.referrer().ods_code())
      .Bind(2, r.gp_practice().ods_code())
      .Bind(3, c.source)
      .Bind(4, c.smi)
      .Bind(5, c.diagnosis)
      .Bind(6, c.shares_with_gp)
      .Bind(7, r.referral_id())
      .Run();
}

absl::Status SqliteTransaction::InsertPrescription(
    const v1::PrescriptionRequest& p) {
  ASSIGN_OR_RETURN(const std::string body, StoredBody(p, "prescription"));
  ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      conn_.Prepare("INSERT INTO prescriptions (prescription_id, "
                    "referral_id, nhs_number, target_ods, service_ods, "
                    "status, overdue, final, due_us, created_us, version, "
                    "body, eps_id, route, product_kind, pharmacy_ods, "
                    "created_on, acknowledged_us, prescribed_or_supplied_us, "
                    "dispensed_us, status_reason, first_overdue_waiting_on, "
                    "referrer_ods, gp_ods, source, smi, diagnosis, "
                    "shares_with_gp) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                    "?, NULLIF(?, ''), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                    "?, ?, ?)"));
  stmt.Bind(1, p.prescription_id())
      .Bind(2, p.referral_id())
      .Bind(3, p.patient().nhs_number())
      .Bind(4, p.target().ods_code())
      .Bind(5, p.service().ods_code())
      .Bind(6, int64_t{p.status()})
      .Bind(7, int64_t{p.overdue() ? 1 : 0})
      .Bind(8, int64_t{domain::IsFinal(p.status()) ? 1 : 0});
  if (p.has_due_at()) {
    stmt.Bind(9, Micros(p.due_at()));
  } else {
    stmt.BindNull(9);
  }
  stmt.Bind(10, Micros(p.created_at()))
      .Bind(11, p.version())
      .BindBlob(12, body)
      .Bind(13, p.eps_prescription_id());
  BindStepColumns(stmt, 14, PrescriptionColumnsOf(p));
  // The referral's subject; a request whose referral is not stored keeps
  // its own practice.
  stmt.Bind(23, "").Bind(24, p.gp_practice().ods_code());
  for (int k = 25; k <= 28; ++k) stmt.Bind(k, int64_t{0});
  {
    ASSIGN_OR_RETURN(
        SqliteStatement subject,
        conn_.Prepare("SELECT referrer_ods, gp_ods, source, smi, diagnosis, "
                      "shares_with_gp FROM referrals WHERE referral_id = ?"));
    subject.Bind(1, p.referral_id());
    ASSIGN_OR_RETURN(bool found, subject.Step());
    if (found) {
      stmt.Bind(23, subject.ColumnText(0)).Bind(24, subject.ColumnText(1));
      for (int k = 25; k <= 28; ++k) stmt.Bind(k, subject.ColumnInt(k - 23));
    }
  }
  RETURN_IF_ERROR(stmt.Run());
  return RefreshFirstRequest(conn_, p.referral_id());
}

absl::Status SqliteTransaction::UpdatePrescription(
    const v1::PrescriptionRequest& p, int64_t expected_version) {
  ASSIGN_OR_RETURN(const std::string body, StoredBody(p, "prescription"));
  ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      conn_.Prepare("UPDATE prescriptions SET target_ods = ?, status = ?, "
                    "overdue = ?, final = ?, due_us = ?, version = ?, "
                    "body = ?, eps_id = NULLIF(?, ''), route = ?, "
                    "product_kind = ?, pharmacy_ods = ?, created_on = ?, "
                    "acknowledged_us = ?, prescribed_or_supplied_us = ?, "
                    "dispensed_us = ?, status_reason = ?, "
                    "first_overdue_waiting_on = ? WHERE prescription_id = ? "
                    "AND version = ?"));
  stmt.Bind(1, p.target().ods_code())
      .Bind(2, int64_t{p.status()})
      .Bind(3, int64_t{p.overdue() ? 1 : 0})
      .Bind(4, int64_t{domain::IsFinal(p.status()) ? 1 : 0});
  if (p.has_due_at()) {
    stmt.Bind(5, Micros(p.due_at()));
  } else {
    stmt.BindNull(5);
  }
  stmt.Bind(6, p.version()).BindBlob(7, body).Bind(8, p.eps_prescription_id());
  BindStepColumns(stmt, 9, PrescriptionColumnsOf(p));
  stmt.Bind(18, p.prescription_id()).Bind(19, expected_version);
  RETURN_IF_ERROR(stmt.Run());
  if (sqlite3_changes(conn_.handle()) == 0) {
    ASSIGN_OR_RETURN(auto existing, GetPrescription(p.prescription_id()));
    if (!existing.has_value()) {
      return absl::NotFoundError("prescription request not found");
    }
    return absl::AbortedError(
        "prescription request was changed concurrently; retry");
  }
  // The target (so the pharmacy) may have changed.
  return RefreshFirstRequest(conn_, p.referral_id());
}

absl::StatusOr<int64_t> SqliteTransaction::AppendEvent(
    const v1::TimelineEvent& event) {
  ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      conn_.Prepare("INSERT INTO events (prescription_id, referral_id, "
                    "occurred_us, body) VALUES (?, ?, ?, ?)"));
  v1::TimelineEvent stored = event;
  stored.clear_sequence();
  ASSIGN_OR_RETURN(const std::string body, StoredBody(stored, "event"));
  stmt.Bind(1, event.prescription_id())
      .Bind(2, event.referral_id())
      .Bind(3, Micros(event.occurred_at()))
      .BindBlob(4, body);
  RETURN_IF_ERROR(stmt.Run());
  appended_events_ = true;
  return sqlite3_last_insert_rowid(conn_.handle());
}

absl::Status SqliteTransaction::InsertOutcome(const v1::Outcome& o) {
  ASSIGN_OR_RETURN(const std::string body, StoredBody(o, "outcome"));
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   conn_.Prepare("INSERT INTO outcomes (outcome_id, "
                                 "referral_id, created_us, body, recorded_on, "
                                 "follow_up, status, co_verified) VALUES (?, "
                                 "?, ?, ?, ?, ?, ?, ?)"));
  stmt.Bind(1, o.outcome_id())
      .Bind(2, o.referral_id())
      .Bind(3, Micros(o.created_at()))
      .BindBlob(4, body)
      .Bind(5, o.recorded_on())
      .Bind(6, int64_t{o.follow_up()})
      .Bind(7, int64_t{o.status()})
      .Bind(8, CoVerified(o));
  RETURN_IF_ERROR(stmt.Run());
  // The referral's latest outcome at this point (by created_at).
  const char* column = OutcomeColumn(o.follow_up());
  if (column == nullptr) return absl::OkStatus();
  int64_t status = 0;
  {
    ASSIGN_OR_RETURN(
        SqliteStatement latest,
        conn_.Prepare("SELECT status FROM outcomes WHERE referral_id = ? AND "
                      "follow_up = ? ORDER BY created_us DESC, outcome_id "
                      "DESC LIMIT 1"));
    latest.Bind(1, o.referral_id()).Bind(2, int64_t{o.follow_up()});
    ASSIGN_OR_RETURN(bool row, latest.Step());
    if (row) status = latest.ColumnInt(0);
  }
  ASSIGN_OR_RETURN(SqliteStatement update,
                   conn_.Prepare(absl::StrCat("UPDATE referrals SET ", column,
                                              " = ? WHERE referral_id = ?")));
  return update.Bind(1, status).Bind(2, o.referral_id()).Run();
}

absl::Status SqliteTransaction::PutIdempotencyRecord(
    absl::string_view scope, absl::string_view request_id,
    const IdempotencyRecord& record) {
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   conn_.Prepare("INSERT INTO idempotency_keys (scope, "
                                 "request_id, request_hash, response, "
                                 "created_us) VALUES (?, ?, ?, ?, ?)"));
  stmt.Bind(1, scope)
      .Bind(2, request_id)
      .Bind(3, record.request_hash)
      .BindBlob(4, record.response)
      .Bind(5, absl::ToUnixMicros(absl::Now()));
  return stmt.Run();
}

namespace {

constexpr absl::string_view kAuditColumns =
    "sequence, at_us, ods_code, role, operation, record_id, result, hash, "
    "key_id, practitioner";

v1::AuditRecord AuditFromRow(const SqliteStatement& stmt) {
  v1::AuditRecord r;
  r.set_sequence(stmt.ColumnInt(0));
  *r.mutable_at() = TimeUtil::MicrosecondsToTimestamp(stmt.ColumnInt(1));
  r.set_ods_code(stmt.ColumnText(2));
  r.set_role(stmt.ColumnText(3));
  r.set_operation(stmt.ColumnText(4));
  r.set_record_id(stmt.ColumnText(5));
  r.set_result(stmt.ColumnText(6));
  r.set_hash(stmt.ColumnText(7));
  r.set_key_id(stmt.ColumnText(8));
  r.set_practitioner(stmt.ColumnText(9));
  return r;
}

}  // namespace

absl::StatusOr<std::optional<v1::AuditRecord>>
SqliteTransaction::LastAuditRecord() {
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   conn_.Prepare(absl::StrCat(
                       "SELECT ", kAuditColumns,
                       " FROM audit_log ORDER BY sequence DESC LIMIT 1")));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<v1::AuditRecord>();
  return std::optional<v1::AuditRecord>(AuditFromRow(stmt));
}

absl::StatusOr<std::vector<v1::AuditRecord>>
SqliteTransaction::ListAuditRecords(int64_t after_sequence, int limit) {
  ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      conn_.Prepare(absl::StrCat("SELECT ", kAuditColumns,
                                 " FROM audit_log WHERE sequence > ? ORDER BY "
                                 "sequence LIMIT ?")));
  stmt.Bind(1, after_sequence).Bind(2, int64_t{limit});
  std::vector<v1::AuditRecord> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out.push_back(AuditFromRow(stmt));
  }
  return out;
}

absl::Status SqliteTransaction::InsertAuditRecord(const v1::AuditRecord& r) {
  ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      conn_.Prepare(absl::StrCat("INSERT INTO audit_log (", kAuditColumns,
                                 ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")));
  stmt.Bind(1, r.sequence())
      .Bind(2, Micros(r.at()))
      .Bind(3, r.ods_code())
      .Bind(4, r.role())
      .Bind(5, r.operation())
      .Bind(6, r.record_id())
      .Bind(7, r.result())
      .Bind(8, r.hash())
      .Bind(9, r.key_id())
      .Bind(10, r.practitioner());
  return stmt.Run();
}

bool SqliteTransaction::TakeAppendedEvents() {
  bool appended = appended_events_;
  appended_events_ = false;
  return appended;
}

}  // namespace nhs::tobacco::store
