// safety: the CYP1A2 safety alerts half of PgTransaction.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/timestamps.h"
#include "gateway/store/page_cursor.h"
#include "gateway/store/postgres/pg_rows.h"
#include "gateway/store/postgres/pg_transaction.h"
#include "gateway/store/record_columns.h"
#include "gateway/store/stored_body.h"

namespace nhs::tobacco::store {
namespace {

using domain::Micros;

absl::StatusOr<v1::SafetyAlert> AlertFrom(const PgResult& result, int row,
                                          int column) {
  ASSIGN_OR_RETURN(const std::string bytes, result.Bytes(row, column));
  v1::SafetyAlert alert;
  if (!alert.ParseFromString(bytes)) {
    return absl::DataLossError("a stored safety alert does not parse");
  }
  return alert;
}

// The due_us value: NULL unless the alert waits for a person.
std::string DueValue(const v1::SafetyAlert& a, PgArgs& args) {
  return args.OptionalInt(AlertWaiting(a) && a.has_due_at()
                              ? std::optional<int64_t>(Micros(a.due_at()))
                              : std::nullopt);
}

}  // namespace

absl::StatusOr<std::optional<v1::SafetyAlert>> PgTransaction::GetSafetyAlert(
    absl::string_view alert_id) {
  PgArgs args;
  const std::string sql = absl::StrCat(
      "SELECT body FROM safety_alerts WHERE alert_id = ", args.Text(alert_id));
  ASSIGN_OR_RETURN(const PgResult result, conn_.Query(sql, args));
  if (result.rows() == 0) return std::optional<v1::SafetyAlert>();
  ASSIGN_OR_RETURN(v1::SafetyAlert alert, AlertFrom(result, 0, 0));
  return std::optional<v1::SafetyAlert>(std::move(alert));
}

absl::StatusOr<Page<v1::SafetyAlert>> PgTransaction::ListSafetyAlerts(
    const SafetyAlertQuery& query) {
  PgArgs args;
  std::vector<std::string> where;
  if (!query.referral_id.empty()) {
    where.push_back(
        absl::StrCat("referral_id = ", args.Text(query.referral_id)));
  }
  if (!query.ods_code.empty()) {
    const std::string ods = args.Text(query.ods_code);
    where.push_back(absl::StrCat("(prescriber_ods = ", ods,
                                 " OR service_ods = ", ods, ")"));
  }
  if (query.state != v1::SAFETY_ALERT_STATE_UNSPECIFIED) {
    where.push_back(absl::StrCat("state = ", args.Int(query.state)));
  }
  // Ids compare and sort by their bytes (COLLATE "C"), as in SQLite, so a
  // page token orders the same whatever the database's collation.
  if (!query.cursor.empty()) {
    ASSIGN_OR_RETURN(const KeysetCursor key,
                     DecodeKeysetCursor("a", query.cursor));
    const std::string before_us = args.Int(key.created_us);
    where.push_back(absl::StrCat(
        "(created_us < ", before_us, " OR (created_us = ", before_us,
        " AND alert_id COLLATE \"C\" < ", args.Text(key.id), "))"));
  }
  const std::string sql = absl::StrCat(
      "SELECT body, created_us, alert_id FROM safety_alerts",
      where.empty() ? "" : " WHERE ", absl::StrJoin(where, " AND "),
      " ORDER BY created_us DESC, alert_id COLLATE \"C\" DESC LIMIT ",
      args.Int(int64_t{query.limit} + 1));
  ASSIGN_OR_RETURN(const PgResult result, conn_.Query(sql, args));
  return pg::ReadPage<v1::SafetyAlert>(result, query.limit, "safety_alerts",
                                       "a");
}

absl::StatusOr<std::vector<v1::SafetyAlert>> PgTransaction::ListDueSafetyAlerts(
    absl::Time now, int limit) {
  PgArgs args;
  // The ties (one due time) in the order raised, as SQLite's rowid gives.
  const std::string sql = absl::StrCat(
      "SELECT body FROM safety_alerts WHERE due_us IS NOT NULL AND due_us <= ",
      args.Int(absl::ToUnixMicros(now)),
      " ORDER BY due_us, created_us, alert_id COLLATE \"C\" LIMIT ",
      args.Int(limit));
  ASSIGN_OR_RETURN(const PgResult result, conn_.Query(sql, args));
  std::vector<v1::SafetyAlert> due;
  due.reserve(result.rows());
  for (int row = 0; row < result.rows(); ++row) {
    ASSIGN_OR_RETURN(v1::SafetyAlert alert, AlertFrom(result, row, 0));
    due.push_back(std::move(alert));
  }
  return due;
}

absl::Status PgTransaction::InsertSafetyAlert(const v1::SafetyAlert& a) {
  ASSIGN_OR_RETURN(const std::string body, StoredBody(a, "safety_alert"));
  PgArgs args;
  // ON CONFLICT DO NOTHING: a taken id is reported without aborting the
  // transaction, which a SQLite caller may carry on with.
  const std::string sql = absl::StrCat(
      "INSERT INTO safety_alerts (alert_id, referral_id, prescriber_ods, "
      "service_ods, state, due_us, created_us, version, body) VALUES (",
      absl::StrJoin({args.Text(a.alert_id()), args.Text(a.referral_id()),
                     args.Text(a.prescriber().ods_code()),
                     args.Text(a.service().ods_code()), args.Int(a.state()),
                     DueValue(a, args), args.Int(Micros(a.raised_at())),
                     args.Int(a.version()), args.Bytes(body)},
                    ", "),
      ") ON CONFLICT DO NOTHING RETURNING alert_id");
  ASSIGN_OR_RETURN(const PgResult result, conn_.Query(sql, args));
  if (result.rows() == 0) {
    return absl::AlreadyExistsError(
        absl::StrCat("safety alert ", a.alert_id(), " already exists"));
  }
  return absl::OkStatus();
}

absl::Status PgTransaction::UpdateSafetyAlert(const v1::SafetyAlert& a,
                                              int64_t expected_version) {
  ASSIGN_OR_RETURN(const std::string body, StoredBody(a, "safety_alert"));
  PgArgs args;
  const std::string sql = absl::StrCat(
      "UPDATE safety_alerts SET state = ", args.Int(a.state()),
      ", due_us = ", DueValue(a, args), ", version = ", args.Int(a.version()),
      ", body = ", args.Bytes(body),
      " WHERE alert_id = ", args.Text(a.alert_id()),
      " AND version = ", args.Int(expected_version), " RETURNING alert_id");
  ASSIGN_OR_RETURN(const PgResult result, conn_.Query(sql, args));
  if (result.rows() == 0) {
    ASSIGN_OR_RETURN(const std::optional<v1::SafetyAlert> existing,
                     GetSafetyAlert(a.alert_id()));
    if (!existing.has_value()) {
      return absl::NotFoundError("safety alert not found");
    }
    return absl::AbortedError("safety alert was changed concurrently; retry");
  }
  return absl::OkStatus();
}

}  // namespace nhs::tobacco::store
