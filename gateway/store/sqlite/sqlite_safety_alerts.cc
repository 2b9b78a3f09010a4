// safety: the CYP1A2 safety alerts half of SqliteTransaction (migration 8).
#include <sqlite3.h>

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/timestamps.h"
#include "gateway/store/page_cursor.h"
#include "gateway/store/record_columns.h"
#include "gateway/store/sqlite/sqlite_transaction.h"
#include "gateway/store/stored_body.h"

namespace nhs::tobacco::store {
namespace {

using domain::Micros;

absl::StatusOr<v1::SafetyAlert> AlertFrom(const SqliteStatement& stmt,
                                          int column) {
  v1::SafetyAlert alert;
  if (!alert.ParseFromString(std::string(stmt.ColumnBlob(column)))) {
    return absl::DataLossError("a stored safety alert does not parse");
  }
  return alert;
}

void BindDue(SqliteStatement& stmt, int index, const v1::SafetyAlert& a) {
  if (AlertWaiting(a) && a.has_due_at()) {
    stmt.Bind(index, Micros(a.due_at()));
  } else {
    stmt.BindNull(index);
  }
}

}  // namespace

absl::StatusOr<std::optional<v1::SafetyAlert>>
SqliteTransaction::GetSafetyAlert(absl::string_view alert_id) {
  ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      conn_.Prepare("SELECT body FROM safety_alerts WHERE alert_id = ?"));
  stmt.Bind(1, alert_id);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<v1::SafetyAlert>();
  ASSIGN_OR_RETURN(v1::SafetyAlert alert, AlertFrom(stmt, 0));
  return std::optional<v1::SafetyAlert>(std::move(alert));
}

absl::StatusOr<Page<v1::SafetyAlert>> SqliteTransaction::ListSafetyAlerts(
    const SafetyAlertQuery& query) {
  std::vector<std::string> where;
  if (!query.referral_id.empty()) where.push_back("referral_id = ?");
  if (!query.ods_code.empty()) {
    where.push_back("(prescriber_ods = ? OR service_ods = ?)");
  }
  if (query.state != v1::SAFETY_ALERT_STATE_UNSPECIFIED) {
    where.push_back("state = ?");
  }
  int64_t before_us = 0;
  std::string before_id;
  if (!query.cursor.empty()) {
    ASSIGN_OR_RETURN(const KeysetCursor key,
                     DecodeKeysetCursor("a", query.cursor));
    before_us = key.created_us;
    before_id = key.id;
    where.push_back("(created_us < ? OR (created_us = ? AND alert_id < ?))");
  }
  ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      conn_.Prepare(absl::StrCat(
          "SELECT body, created_us, alert_id FROM safety_alerts",
          where.empty() ? "" : " WHERE ", absl::StrJoin(where, " AND "),
          " ORDER BY created_us DESC, alert_id DESC LIMIT ?")));
  int k = 1;
  if (!query.referral_id.empty()) stmt.Bind(k++, query.referral_id);
  if (!query.ods_code.empty()) {
    stmt.Bind(k++, query.ods_code);
    stmt.Bind(k++, query.ods_code);
  }
  if (query.state != v1::SAFETY_ALERT_STATE_UNSPECIFIED) {
    stmt.Bind(k++, int64_t{query.state});
  }
  if (!query.cursor.empty()) {
    stmt.Bind(k++, before_us);
    stmt.Bind(k++, before_us);
    stmt.Bind(k++, before_id);
  }
  stmt.Bind(k, int64_t{query.limit} + 1);
  Page<v1::SafetyAlert> page;
  int64_t last_us = 0;
  std::string last_id;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    if (static_cast<int>(page.items.size()) == query.limit) {
      page.next_cursor = EncodeKeysetCursor("a", last_us, last_id);
      break;
    }
    last_us = stmt.ColumnInt(1);
    last_id = stmt.ColumnText(2);
    v1::SafetyAlert alert;
    if (!alert.ParseFromString(std::string(stmt.ColumnBlob(0)))) {
      page.unreadable_ids.push_back(last_id);
      continue;
    }
    page.items.push_back(std::move(alert));
  }
  return page;
}

absl::StatusOr<std::vector<v1::SafetyAlert>>
SqliteTransaction::ListDueSafetyAlerts(absl::Time now, int limit) {
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   conn_.Prepare("SELECT body FROM safety_alerts WHERE "
                                 "due_us IS NOT NULL AND due_us <= ? "
                                 "ORDER BY due_us LIMIT ?"));
  stmt.Bind(1, absl::ToUnixMicros(now)).Bind(2, int64_t{limit});
  std::vector<v1::SafetyAlert> due;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    ASSIGN_OR_RETURN(v1::SafetyAlert alert, AlertFrom(stmt, 0));
    due.push_back(std::move(alert));
  }
  return due;
}

absl::Status SqliteTransaction::InsertSafetyAlert(const v1::SafetyAlert& a) {
  ASSIGN_OR_RETURN(const std::string body, StoredBody(a, "safety_alert"));
  ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      conn_.Prepare("INSERT INTO safety_alerts (alert_id, referral_id, "
                    "prescriber_ods, service_ods, state, due_us, created_us, "
                    "version, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  stmt.Bind(1, a.alert_id())
      .Bind(2, a.referral_id())
      .Bind(3, a.prescriber().ods_code())
      .Bind(4, a.service().ods_code())
      .Bind(5, int64_t{a.state()});
  BindDue(stmt, 6, a);
  stmt.Bind(7, Micros(a.raised_at())).Bind(8, a.version()).BindBlob(9, body);
  return stmt.Run();
}

absl::Status SqliteTransaction::UpdateSafetyAlert(const v1::SafetyAlert& a,
                                                  int64_t expected_version) {
  ASSIGN_OR_RETURN(const std::string body, StoredBody(a, "safety_alert"));
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   conn_.Prepare("UPDATE safety_alerts SET state = ?, "
                                 "due_us = ?, version = ?, body = ? WHERE "
                                 "alert_id = ? AND version = ?"));
  stmt.Bind(1, int64_t{a.state()});
  BindDue(stmt, 2, a);
  stmt.Bind(3, a.version())
      .BindBlob(4, body)
      .Bind(5, a.alert_id())
      .Bind(6, expected_version);
  RETURN_IF_ERROR(stmt.Run());
  if (sqlite3_changes(conn_.handle()) == 0) {
    ASSIGN_OR_RETURN(auto existing, GetSafetyAlert(a.alert_id()));
    if (!existing.has_value()) {
      return absl::NotFoundError("safety alert not found");
    }
    return absl::AbortedError("safety alert was changed concurrently; retry");
  }
  return absl::OkStatus();
}

}  // namespace nhs::tobacco::store
