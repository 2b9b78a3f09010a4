// PgTransaction's record operations: referrals, prescription requests,
// the timeline, outcomes, idempotency records and the audit log.
#include "gateway/store/postgres/pg_transaction.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/prescription_state_machine.h"
#include "gateway/domain/timestamps.h"
#include "gateway/store/page_cursor.h"
#include "gateway/store/postgres/pg_rows.h"
#include "gateway/store/record_columns.h"
#include "gateway/store/stored_body.h"
#include "google/protobuf/util/time_util.h"

namespace nhs::tobacco::store {
namespace {

using domain::Micros;
using google::protobuf::util::TimeUtil;

// The one record a single-row SELECT of (body) found, if any.
template <typename T>
absl::StatusOr<std::optional<T>> OneBody(const PgResult& result) {
  if (result.rows() == 0) return std::optional<T>();
  ASSIGN_OR_RETURN(T record, pg::ParseColumn<T>(result, 0, 0));
  return std::optional<T>(std::move(record));
}

// The keyset condition "older than the cursor's row" on (created_us, id).
absl::Status AddCursor(const std::string& cursor, absl::string_view created,
                       absl::string_view id, PgArgs& args,
                       std::vector<std::string>& where) {
  if (cursor.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(const KeysetCursor key, DecodeKeysetCursor("", cursor));
  const std::string at = args.Int(key.created_us);
  where.push_back(absl::StrCat("(", created, " < ", at, " OR (", created, " = ",
                               at, " AND ", id, " < ", args.Text(key.id),
                               "))"));
  return absl::OkStatus();
}

// Runs an INSERT ... ON CONFLICT DO NOTHING RETURNING 1: a taken key is
// ALREADY_EXISTS without aborting the transaction (a failed statement
// would poison every later statement of the batch until a rollback).
absl::Status InsertNew(PgConnection& conn, const std::string& sql,
                       const PgArgs& args, absl::string_view what) {
  ASSIGN_OR_RETURN(PgResult inserted,
                   conn.Query(absl::StrCat(sql,
                                           " ON CONFLICT DO NOTHING "
                                           "RETURNING 1"),
                              args));
  if (inserted.rows() == 0) {
    return absl::AlreadyExistsError(absl::StrCat(what, " already exists"));
  }
  return absl::OkStatus();
}

std::string Where(const std::vector<std::string>& where) {
  return where.empty() ? ""
                       : absl::StrCat(" WHERE ", absl::StrJoin(where, " AND "));
}

// The referral's first request (by created_at) gives its outcome-return
// route, product kind and pharmacy (reports).
absl::Status RefreshFirstRequest(PgConnection& conn,
                                 absl::string_view referral_id) {
  PgArgs args;
  const std::string id = args.Text(referral_id);
  return conn
      .Query(absl::StrCat(
                 "UPDATE referrals SET first_route = p.route, "
                 "first_product_kind = p.product_kind, first_pharmacy_ods = "
                 "p.pharmacy_ods FROM (SELECT route, product_kind, "
                 "pharmacy_ods FROM prescriptions WHERE referral_id = ",
                 id,
                 " ORDER BY created_us, prescription_id LIMIT 1) p WHERE "
                 "referral_id = ",
                 id),
             args)
      .status();
}

constexpr absl::string_view kAuditColumns =
    "sequence, at_us, ods_code, role, operation, record_id, result, hash, "
    "key_id, practitioner";

absl::StatusOr<v1::AuditRecord> AuditFromRow(const PgResult& result, int row) {
  v1::AuditRecord r;
  ASSIGN_OR_RETURN(const int64_t sequence, result.Int(row, 0));
  ASSIGN_OR_RETURN(const int64_t at_us, result.Int(row, 1));
  r.set_sequence(sequence);
  *r.mutable_at() = TimeUtil::MicrosecondsToTimestamp(at_us);
  r.set_ods_code(result.Text(row, 2));
  r.set_role(result.Text(row, 3));
  r.set_operation(result.Text(row, 4));
  r.set_record_id(result.Text(row, 5));
  r.set_result(result.Text(row, 6));
  r.set_hash(result.Text(row, 7));
  r.set_key_id(result.Text(row, 8));
  r.set_practitioner(result.Text(row, 9));
  return r;
}

}  // namespace

absl::StatusOr<std::optional<v1::Referral>> PgTransaction::GetReferral(
    absl::string_view referral_id) {
  PgArgs args;
  ASSIGN_OR_RETURN(PgResult result,
                   conn_.Query(absl::StrCat("SELECT body FROM referrals WHERE "
                                            "referral_id = ",
                                            args.Text(referral_id)),
                               args));
  return OneBody<v1::Referral>(result);
}

absl::StatusOr<Page<v1::Referral>> PgTransaction::ListReferrals(
    const ReferralQuery& query) {
  PgArgs args;
  std::vector<std::string> where;
  if (!query.ods_code.empty()) {
    const std::string ods = args.Text(query.ods_code);
    where.push_back(absl::StrCat("(referrer_ods = ", ods, " OR service_ods = ",
                                 ods, " OR gp_ods = ", ods, ")"));
  }
  if (query.status != v1::REFERRAL_STATUS_UNSPECIFIED) {
    where.push_back(absl::StrCat("status = ", args.Int(query.status)));
  }
  if (query.disengaged_only) where.push_back("disengaged = 1");
  RETURN_IF_ERROR(
      AddCursor(query.cursor, "created_us", "referral_id", args, where));
  ASSIGN_OR_RETURN(
      PgResult result,
      conn_.Query(
          absl::StrCat("SELECT body, created_us, referral_id FROM referrals",
                       Where(where),
                       " ORDER BY created_us DESC, referral_id DESC LIMIT ",
                       args.Int(query.limit + 1)),
          args));
  return pg::ReadPage<v1::Referral>(result, query.limit, "referrals");
}

absl::StatusOr<std::optional<v1::PrescriptionRequest>>
PgTransaction::GetPrescription(absl::string_view prescription_id) {
  PgArgs args;
  ASSIGN_OR_RETURN(PgResult result,
                   conn_.Query(absl::StrCat("SELECT body FROM prescriptions "
                                            "WHERE prescription_id = ",
                                            args.Text(prescription_id)),
                               args));
  return OneBody<v1::PrescriptionRequest>(result);
}

absl::StatusOr<std::optional<v1::PrescriptionRequest>>
PgTransaction::GetPrescriptionByEpsId(absl::string_view eps_prescription_id) {
  if (eps_prescription_id.empty()) {
    return std::optional<v1::PrescriptionRequest>();
  }
  // Two rows are enough to tell "ambiguous" from "the one".
  PgArgs args;
  ASSIGN_OR_RETURN(
      PgResult result,
      conn_.Query(absl::StrCat("SELECT body FROM prescriptions "
                               "WHERE eps_id = ",
                               args.Text(eps_prescription_id), " LIMIT 2"),
                  args));
  if (result.rows() > 1) {
    return absl::FailedPreconditionError(
        "EPS prescription id names more than one prescription request");
  }
  return OneBody<v1::PrescriptionRequest>(result);
}

absl::StatusOr<Page<v1::PrescriptionRequest>> PgTransaction::ListPrescriptions(
    const PrescriptionQuery& query) {
  PgArgs args;
  std::vector<std::string> where;
  if (!query.ods_code.empty()) {
    // The referrer is the referral's (no copy to keep true).
    const std::string ods = args.Text(query.ods_code);
    where.push_back(absl::StrCat(
        "(target_ods = ", ods, " OR service_ods = ", ods,
        " OR referral_id IN (SELECT referral_id FROM referrals WHERE "
        "referrer_ods = ",
        ods, "))"));
  }
  if (query.status != v1::PRESCRIPTION_STATUS_UNSPECIFIED) {
    where.push_back(absl::StrCat("status = ", args.Int(query.status)));
  }
  if (query.overdue_only) where.push_back("overdue = 1");
  if (!query.referral_id.empty()) {
    where.push_back(
        absl::StrCat("referral_id = ", args.Text(query.referral_id)));
  }
  RETURN_IF_ERROR(
      AddCursor(query.cursor, "created_us", "prescription_id", args, where));
  ASSIGN_OR_RETURN(
      PgResult result,
      conn_.Query(
          absl::StrCat(
              "SELECT body, created_us, prescription_id FROM prescriptions",
              Where(where),
              " ORDER BY created_us DESC, prescription_id DESC LIMIT ",
              args.Int(query.limit + 1)),
          args));
  return pg::ReadPage<v1::PrescriptionRequest>(result, query.limit,
                                               "prescriptions");
}

absl::StatusOr<std::vector<v1::TimelineEvent>> PgTransaction::ListEvents(
    const EventQuery& query) {
  PgArgs args;
  std::string sql =
      absl::StrCat("SELECT sequence, body FROM events WHERE sequence > ",
                   args.Int(query.after_sequence));
  if (!query.prescription_id.empty()) {
    absl::StrAppend(
        &sql, " AND prescription_id = ", args.Text(query.prescription_id));
  }
  if (!query.referral_id.empty()) {
    absl::StrAppend(&sql, " AND referral_id = ", args.Text(query.referral_id));
  }
  absl::StrAppend(&sql, " ORDER BY sequence LIMIT ", args.Int(query.limit));
  ASSIGN_OR_RETURN(PgResult result, conn_.Query(sql, args));
  std::vector<v1::TimelineEvent> events;
  events.reserve(result.rows());
  for (int row = 0; row < result.rows(); ++row) {
    ASSIGN_OR_RETURN(const int64_t sequence, result.Int(row, 0));
    ASSIGN_OR_RETURN(std::optional<v1::TimelineEvent> event,
                     pg::ParseColumnOrSkip<v1::TimelineEvent>(
                         result, row, 1, "events", absl::StrCat(sequence)));
    if (!event.has_value()) continue;
    event->set_sequence(sequence);
    events.push_back(*std::move(event));
  }
  return events;
}

absl::StatusOr<std::vector<v1::Outcome>> PgTransaction::ListOutcomes(
    absl::string_view referral_id) {
  PgArgs args;
  ASSIGN_OR_RETURN(
      PgResult result,
      conn_.Query(absl::StrCat("SELECT body, outcome_id FROM outcomes WHERE "
                               "referral_id = ",
                               args.Text(referral_id),
                               " ORDER BY created_us, outcome_id"),
                  args));
  std::vector<v1::Outcome> outcomes;
  for (int row = 0; row < result.rows(); ++row) {
    ASSIGN_OR_RETURN(std::optional<v1::Outcome> outcome,
                     pg::ParseColumnOrSkip<v1::Outcome>(
                         result, row, 0, "outcomes", result.Text(row, 1)));
    if (outcome.has_value()) outcomes.push_back(*std::move(outcome));
  }
  return outcomes;
}

absl::StatusOr<Page<v1::Outcome>> PgTransaction::ListOutcomesPage(
    const OutcomeQuery& query) {
  PgArgs args;
  std::vector<std::string> where;
  if (!query.referral_id.empty()) {
    where.push_back(
        absl::StrCat("o.referral_id = ", args.Text(query.referral_id)));
  }
  for (const std::string& code : {query.ods_code, query.scope_ods}) {
    if (code.empty()) continue;
    const std::string ods = args.Text(code);
    where.push_back(absl::StrCat("(r.referrer_ods = ", ods,
                                 " OR r.service_ods = ", ods,
                                 " OR r.gp_ods = ", ods, ")"));
  }
  if (!query.recorded_from.empty()) {
    where.push_back(
        absl::StrCat("o.recorded_on >= ", args.Text(query.recorded_from)));
  }
  if (!query.recorded_to.empty()) {
    where.push_back(
        absl::StrCat("o.recorded_on <= ", args.Text(query.recorded_to)));
  }
  RETURN_IF_ERROR(
      AddCursor(query.cursor, "o.created_us", "o.outcome_id", args, where));
  ASSIGN_OR_RETURN(
      PgResult result,
      conn_.Query(
          absl::StrCat("SELECT o.body, o.created_us, o.outcome_id FROM "
                       "outcomes o JOIN referrals r ON r.referral_id = "
                       "o.referral_id",
                       Where(where),
                       " ORDER BY o.created_us DESC, o.outcome_id DESC LIMIT ",
                       args.Int(query.limit + 1)),
          args));
  return pg::ReadPage<v1::Outcome>(result, query.limit, "outcomes");
}

absl::StatusOr<std::optional<IdempotencyRecord>>
PgTransaction::GetIdempotencyRecord(absl::string_view scope,
                                    absl::string_view request_id) {
  PgArgs args;
  ASSIGN_OR_RETURN(
      PgResult result,
      conn_.Query(absl::StrCat("SELECT request_hash, response FROM "
                               "idempotency_keys WHERE scope = ",
                               args.Text(scope),
                               " AND request_id = ", args.Text(request_id)),
                  args));
  if (result.rows() == 0) return std::optional<IdempotencyRecord>();
  ASSIGN_OR_RETURN(std::string response, result.Bytes(0, 1));
  return std::optional<IdempotencyRecord>(
      IdempotencyRecord{result.Text(0, 0), std::move(response)});
}

absl::StatusOr<std::vector<v1::PrescriptionRequest>>
PgTransaction::ListDeadlineCandidates(absl::Time now, absl::Time created_before,
                                      int limit) {
  PgArgs args;
  ASSIGN_OR_RETURN(
      PgResult result,
      conn_.Query(
          absl::StrCat(
              "SELECT body, prescription_id FROM prescriptions WHERE final = "
              "0 AND ((overdue = 0 AND due_us IS NOT NULL AND due_us <= ",
              args.Int(absl::ToUnixMicros(now)), ") OR created_us <= ",
              args.Int(absl::ToUnixMicros(created_before)),
              ") ORDER BY due_us LIMIT ", args.Int(limit)),
          args));
  std::vector<v1::PrescriptionRequest> out;
  for (int row = 0; row < result.rows(); ++row) {
    // One unreadable row must not stop the deadline scan for every other.
    ASSIGN_OR_RETURN(std::optional<v1::PrescriptionRequest> p,
                     pg::ParseColumnOrSkip<v1::PrescriptionRequest>(
                         result, row, 0, "prescriptions", result.Text(row, 1)));
    if (p.has_value()) out.push_back(*std::move(p));
  }
  return out;
}

absl::StatusOr<int64_t> PgTransaction::LatestEventSequence() {
  ASSIGN_OR_RETURN(
      PgResult result,
      conn_.Query("SELECT COALESCE(MAX(sequence), 0) FROM events"));
  return result.Int(0, 0);
}

absl::Status PgTransaction::InsertReferral(const v1::Referral& r) {
  ASSIGN_OR_RETURN(const std::string body, StoredBody(r, "referral"));
  const ReferralColumns c = ReferralColumnsOf(r);
  PgArgs args;
  const std::vector<std::string> values = {
      args.Text(r.referral_id()),
      args.Text(r.patient().nhs_number()),
      args.Text(r.referrer().ods_code()),
      args.Text(r.service().ods_code()),
      args.Text(r.gp_practice().ods_code()),
      args.Int(r.status()),
      args.Int(Micros(r.created_at())),
      args.Bytes(body),
      args.Int(r.disengaged() ? 1 : 0),
      args.Int(c.source),
      args.Int(c.smi),
      args.Int(c.diagnosis),
      args.Int(c.shares_with_gp),
      args.Text(c.received_on),
      args.OptionalText(c.quit_date)};
  return InsertNew(conn_,
                   absl::StrCat("INSERT INTO referrals (referral_id, "
                                "nhs_number, referrer_ods, service_ods, "
                                "gp_ods, status, created_us, body, "
                                "disengaged, source, smi, diagnosis, "
                                "shares_with_gp, received_on, quit_date) "
                                "VALUES (",
                                absl::StrJoin(values, ", "), ")"),
                   args, "referral id");
}

absl::Status PgTransaction::UpdateReferral(const v1::Referral& r) {
  ASSIGN_OR_RETURN(const std::string body, StoredBody(r, "referral"));
  const ReferralColumns c = ReferralColumnsOf(r);
  {
    PgArgs args;
    const std::string sql = absl::StrCat(
        "UPDATE referrals SET status = ", args.Int(r.status()),
        ", body = ", args.Bytes(body),
        ", disengaged = ", args.Int(r.disengaged() ? 1 : 0),
        ", referrer_ods = ", args.Text(r.referrer().ods_code()),
        ", service_ods = ", args.Text(r.service().ods_code()),
        ", gp_ods = ", args.Text(r.gp_practice().ods_code()),
        ", source = ", args.Int(c.source), ", smi = ", args.Int(c.smi),
        ", diagnosis = ", args.Int(c.diagnosis),
        ", shares_with_gp = ", args.Int(c.shares_with_gp),
        ", quit_date = ", args.OptionalText(c.quit_date),
        " WHERE referral_id = ", args.Text(r.referral_id()), " RETURNING 1");
    ASSIGN_OR_RETURN(PgResult updated, conn_.Query(sql, args));
    if (updated.rows() == 0) return absl::NotFoundError("referral not found");
  }
  // Its requests copy the subject (reports).
  PgArgs args;
  const std::string sql = absl::StrCat(
      "UPDATE prescriptions SET referrer_ods = ",
      args.Text(r.referrer().ods_code()),
      ", gp_ods = ", args.Text(r.gp_practice().ods_code()),
      ", source = ", args.Int(c.source), ", smi = ", args.Int(c.smi),
      ", diagnosis = ", args.Int(c.diagnosis),
      ", shares_with_gp = ", args.Int(c.shares_with_gp),
      " WHERE referral_id = ", args.Text(r.referral_id()));
  return conn_.Query(sql, args).status();
}

namespace {

// reports: route, product_kind, pharmacy_ods, created_on, the three step
// times, status_reason and first_overdue_waiting_on, as placeholders in
// that order.
std::vector<std::string> StepColumnValues(const PrescriptionColumns& c,
                                          PgArgs& args) {
  return {args.Int(c.route),
          args.Int(c.product_kind),
          args.Text(c.pharmacy_ods),
          args.Text(c.created_on),
          args.OptionalInt(c.acknowledged_us),
          args.OptionalInt(c.prescribed_or_supplied_us),
          args.OptionalInt(c.dispensed_us),
          args.Text(c.status_reason),
          args.Text(c.first_overdue_waiting_on)};
}

constexpr const char* kStepColumns[] = {
    "route",        "product_kind",    "pharmacy_ods",
    "created_on",   "acknowledged_us", "prescribed_or_supplied_us",
    "dispensed_us", "status_reason",   "first_overdue_waiting_on"};

std::optional<int64_t> DueMicros(const v1::PrescriptionRequest& p) {
  if (!p.has_due_at()) return std::nullopt;
  return Micros(p.due_at());
}

}  // namespace

absl::Status PgTransaction::InsertPrescription(
    const v1::PrescriptionRequest& p) {
  ASSIGN_OR_RETURN(const std::string body, StoredBody(p, "prescription"));
  PgArgs args;
  const std::string referral_id = args.Text(p.referral_id());
  std::vector<std::string> values = {
      args.Text(p.prescription_id()),
      referral_id,
      args.Text(p.patient().nhs_number()),
      args.Text(p.target().ods_code()),
      args.Text(p.service().ods_code()),
      args.Int(p.status()),
      args.Int(p.overdue() ? 1 : 0),
      args.Int(domain::IsFinal(p.status()) ? 1 : 0),
      args.OptionalInt(DueMicros(p)),
      args.Int(Micros(p.created_at())),
      args.Int(p.version()),
      args.Bytes(body),
      absl::StrCat("NULLIF(", args.Text(p.eps_prescription_id()), ", '')")};
  for (std::string& v : StepColumnValues(PrescriptionColumnsOf(p), args)) {
    values.push_back(std::move(v));
  }
  // The referral's subject; a request whose referral is not stored keeps
  // its own practice.
  values.push_back("COALESCE(r.referrer_ods, '')");
  values.push_back(absl::StrCat("COALESCE(r.gp_ods, ",
                                args.Text(p.gp_practice().ods_code()), ")"));
  for (const char* column : {"source", "smi", "diagnosis", "shares_with_gp"}) {
    values.push_back(absl::StrCat("COALESCE(r.", column, ", 0)"));
  }
  const std::string sql = absl::StrCat(
      "INSERT INTO prescriptions (prescription_id, referral_id, nhs_number, "
      "target_ods, service_ods, status, overdue, final, due_us, created_us, "
      "version, body, eps_id, ",
      absl::StrJoin(kStepColumns, ", "),
      ", referrer_ods, gp_ods, source, smi, diagnosis, shares_with_gp) "
      "SELECT ",
      absl::StrJoin(values, ", "),
      " FROM (SELECT 1) AS one LEFT JOIN referrals r ON r.referral_id = ",
      referral_id);
  RETURN_IF_ERROR(InsertNew(conn_, sql, args, "prescription request id"));
  return RefreshFirstRequest(conn_, p.referral_id());
}

absl::Status PgTransaction::UpdatePrescription(const v1::PrescriptionRequest& p,
                                               int64_t expected_version) {
  ASSIGN_OR_RETURN(const std::string body, StoredBody(p, "prescription"));
  PgArgs args;
  std::vector<std::string> sets = {
      absl::StrCat("target_ods = ", args.Text(p.target().ods_code())),
      absl::StrCat("status = ", args.Int(p.status())),
      absl::StrCat("overdue = ", args.Int(p.overdue() ? 1 : 0)),
      absl::StrCat("final = ", args.Int(domain::IsFinal(p.status()) ? 1 : 0)),
      absl::StrCat("due_us = ", args.OptionalInt(DueMicros(p))),
      absl::StrCat("version = ", args.Int(p.version())),
      absl::StrCat("body = ", args.Bytes(body)),
      absl::StrCat("eps_id = NULLIF(", args.Text(p.eps_prescription_id()),
                   ", '')")};
  const std::vector<std::string> steps =
      StepColumnValues(PrescriptionColumnsOf(p), args);
  for (size_t k = 0; k < steps.size(); ++k) {
    sets.push_back(absl::StrCat(kStepColumns[k], " = ", steps[k]));
  }
  const std::string sql = absl::StrCat(
      "UPDATE prescriptions SET ", absl::StrJoin(sets, ", "),
      " WHERE prescription_id = ", args.Text(p.prescription_id()),
      " AND version = ", args.Int(expected_version), " RETURNING 1");
  ASSIGN_OR_RETURN(PgResult updated, conn_.Query(sql, args));
  if (updated.rows() == 0) {
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

absl::StatusOr<int64_t> PgTransaction::AppendEvent(
    const v1::TimelineEvent& event) {
  v1::TimelineEvent stored = event;
  stored.clear_sequence();
  ASSIGN_OR_RETURN(const std::string body, StoredBody(stored, "event"));
  // The next sequence from the write-order row, which this transaction
  // holds locked until it commits (PgStore takes it first): events commit
  // in sequence order on every instance, so "events after N" never skips
  // one that committed late. Rolled back with a failed request. Taken and
  // used in one statement (one round trip).
  PgArgs args;
  const std::string sql = absl::StrCat(
      "WITH next AS (UPDATE write_order SET event_sequence = event_sequence "
      "+ 1 WHERE id = 1 RETURNING event_sequence) INSERT INTO events "
      "(sequence, prescription_id, referral_id, occurred_us, body) SELECT "
      "event_sequence, ",
      args.Text(event.prescription_id()), ", ", args.Text(event.referral_id()),
      ", ", args.Int(Micros(event.occurred_at())), ", ", args.Bytes(body),
      " FROM next RETURNING sequence");
  ASSIGN_OR_RETURN(PgResult inserted, conn_.Query(sql, args));
  if (inserted.rows() != 1) {
    return absl::InternalError("postgres: the write_order row is missing");
  }
  ASSIGN_OR_RETURN(const int64_t sequence, inserted.Int(0, 0));
  appended_sequence_ = std::max(appended_sequence_, sequence);
  return sequence;
}

absl::Status PgTransaction::InsertOutcome(const v1::Outcome& o) {
  ASSIGN_OR_RETURN(const std::string body, StoredBody(o, "outcome"));
  {
    PgArgs args;
    const std::vector<std::string> values = {args.Text(o.outcome_id()),
                                             args.Text(o.referral_id()),
                                             args.Int(Micros(o.created_at())),
                                             args.Bytes(body),
                                             args.Text(o.recorded_on()),
                                             args.Int(o.follow_up()),
                                             args.Int(o.status()),
                                             args.Int(CoVerified(o))};
    RETURN_IF_ERROR(InsertNew(
        conn_,
        absl::StrCat("INSERT INTO outcomes (outcome_id, referral_id, "
                     "created_us, body, recorded_on, follow_up, status, "
                     "co_verified) VALUES (",
                     absl::StrJoin(values, ", "), ")"),
        args, "outcome id"));
  }
  // The referral's latest outcome at this point (by created_at).
  const char* column = OutcomeColumn(o.follow_up());
  if (column == nullptr) return absl::OkStatus();
  PgArgs args;
  const std::string referral_id = args.Text(o.referral_id());
  const std::string sql = absl::StrCat(
      "UPDATE referrals SET ", column,
      " = COALESCE((SELECT status FROM outcomes WHERE referral_id = ",
      referral_id, " AND follow_up = ", args.Int(o.follow_up()),
      " ORDER BY created_us DESC, outcome_id DESC LIMIT 1), 0) WHERE "
      "referral_id = ",
      referral_id);
  return conn_.Query(sql, args).status();
}

absl::Status PgTransaction::PutIdempotencyRecord(
    absl::string_view scope, absl::string_view request_id,
    const IdempotencyRecord& record) {
  PgArgs args;
  const std::string sql = absl::StrCat(
      "INSERT INTO idempotency_keys (scope, request_id, request_hash, "
      "response, created_us) VALUES (",
      args.Text(scope), ", ", args.Text(request_id), ", ",
      args.Text(record.request_hash), ", ", args.Bytes(record.response), ", ",
      args.Int(absl::ToUnixMicros(absl::Now())), ")");
  return InsertNew(conn_, sql, args, "request_id");
}

absl::StatusOr<std::optional<v1::AuditRecord>>
PgTransaction::LastAuditRecord() {
  ASSIGN_OR_RETURN(PgResult result,
                   conn_.Query(absl::StrCat(
                       "SELECT ", kAuditColumns,
                       " FROM audit_log ORDER BY sequence DESC LIMIT 1")));
  if (result.rows() == 0) return std::optional<v1::AuditRecord>();
  ASSIGN_OR_RETURN(v1::AuditRecord row, AuditFromRow(result, 0));
  return std::optional<v1::AuditRecord>(std::move(row));
}

absl::StatusOr<std::vector<v1::AuditRecord>> PgTransaction::ListAuditRecords(
    int64_t after_sequence, int limit) {
  PgArgs args;
  ASSIGN_OR_RETURN(
      PgResult result,
      conn_.Query(absl::StrCat("SELECT ", kAuditColumns,
                               " FROM audit_log WHERE sequence > ",
                               args.Int(after_sequence),
                               " ORDER BY sequence LIMIT ", args.Int(limit)),
                  args));
  std::vector<v1::AuditRecord> out;
  out.reserve(result.rows());
  for (int row = 0; row < result.rows(); ++row) {
    ASSIGN_OR_RETURN(v1::AuditRecord record, AuditFromRow(result, row));
    out.push_back(std::move(record));
  }
  return out;
}

absl::Status PgTransaction::InsertAuditRecord(const v1::AuditRecord& r) {
  PgArgs args;
  const std::vector<std::string> values = {
      args.Int(r.sequence()),   args.Int(Micros(r.at())),
      args.Text(r.ods_code()),  args.Text(r.role()),
      args.Text(r.operation()), args.Text(r.record_id()),
      args.Text(r.result()),    args.Text(r.hash()),
      args.Text(r.key_id()),    args.Text(r.practitioner())};
  return InsertNew(conn_,
                   absl::StrCat("INSERT INTO audit_log (", kAuditColumns,
                                ") VALUES (", absl::StrJoin(values, ", "), ")"),
                   args, "audit sequence");
}

int64_t PgTransaction::TakeAppendedSequence() {
  const int64_t appended = appended_sequence_;
  appended_sequence_ = 0;
  return appended;
}

}  // namespace nhs::tobacco::store
