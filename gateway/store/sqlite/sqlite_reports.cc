// reports (issue 14): scans over the reporting columns (migration 10).
// Each scan is one or more index range scans whose rows are streamed to
// the sink as they are stepped: nothing is collected, however many rows.
// With an ODS prefilter the parts are disjoint (a row whose service and
// practice are both listed comes once), so no row is yielded twice.
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/london_day.h"
#include "gateway/store/sqlite/sqlite_transaction.h"

namespace nhs::tobacco::store {
namespace {

std::optional<absl::Time> TimeOrNull(const SqliteStatement& stmt, int col) {
  if (stmt.ColumnIsNull(col)) return std::nullopt;
  return absl::FromUnixMicros(stmt.ColumnInt(col));
}

// "?, ?, ?" for the prefilter's codes, numbered from 3 (1 and 2 are the
// period's bounds).
std::string Placeholders(size_t n) {
  std::vector<std::string> marks(n, "?");
  return absl::StrJoin(marks, ", ");
}

// The disjoint parts of a prefiltered scan: rows whose service is listed,
// then rows whose practice is listed and service is not. One part, all
// rows, without a prefilter.
struct OdsPart {
  std::string sql;
  // How many times the part names the list of codes.
  int lists;
};

std::vector<OdsPart> OdsParts(const ReportScan& scan) {
  if (scan.ods_codes.empty()) return {{"1", 0}};
  const std::string in =
      absl::StrCat("IN (", Placeholders(scan.ods_codes.size()), ")");
  return {{absl::StrCat("service_ods ", in), 1},
          {absl::StrCat("gp_ods ", in, " AND service_ods NOT ", in), 2}};
}

void BindScan(SqliteStatement& stmt, const ReportScan& scan,
              const std::string& from, const std::string& to, int repeats) {
  stmt.Bind(1, from).Bind(2, to);
  int k = 3;
  for (int r = 0; r < repeats; ++r) {
    for (const std::string& ods : scan.ods_codes) stmt.Bind(k++, ods);
  }
}

// Columns 0..6 of every scan: the referral subject.
constexpr absl::string_view kSubjectColumns =
    "source, smi, diagnosis, referrer_ods, service_ods, gp_ods, "
    "shares_with_gp";

domain::ReportSubject SubjectOf(const SqliteStatement& stmt) {
  domain::ReportSubject s;
  s.source = static_cast<v1::ReferralSource>(stmt.ColumnInt(0));
  s.smi = stmt.ColumnInt(1) != 0;
  s.diagnosis = static_cast<v1::DiagnosisCategory>(stmt.ColumnInt(2));
  s.referrer_ods = stmt.ColumnText(3);
  s.service_ods = stmt.ColumnText(4);
  s.gp_ods = stmt.ColumnText(5);
  s.shares_with_gp = stmt.ColumnInt(6) != 0;
  return s;
}

}  // namespace

absl::Status SqliteTransaction::ScanReferralFacts(
    const ReportScan& scan, const FactSink<domain::ReferralFacts>& sink) {
  const std::string from = domain::IsoDay(scan.from);
  const std::string to = domain::IsoDay(scan.to);
  // Received in the period; then quit date in the period, received
  // outside it.
  std::vector<std::string> periods = {
      "received_on BETWEEN ?1 AND ?2",
      "quit_date BETWEEN ?1 AND ?2 AND received_on NOT BETWEEN ?1 AND ?2"};
  for (const std::string& period : periods) {
    for (const OdsPart& ods : OdsParts(scan)) {
      ASSIGN_OR_RETURN(
          SqliteStatement stmt,
          conn_.Prepare(absl::StrCat(
              "SELECT ", kSubjectColumns,
              ", received_on, quit_date, outcome_4wk, outcome_12wk, "
              "outcome_52wk, first_route, first_product_kind, "
              "first_pharmacy_ods FROM referrals WHERE ",
              period, " AND ", ods.sql)));
      BindScan(stmt, scan, from, to, ods.lists);
      while (true) {
        ASSIGN_OR_RETURN(bool row, stmt.Step());
        if (!row) break;
        domain::ReferralFacts f;
        f.subject = SubjectOf(stmt);
        std::optional<absl::CivilDay> received =
            domain::ParseIsoDay(stmt.ColumnText(7));
        if (!received.has_value()) continue;  // an unreadable row
        f.received_on = *received;
        if (!stmt.ColumnIsNull(8))
          f.quit_date = domain::ParseIsoDay(stmt.ColumnText(8));
        f.outcome_4wk = static_cast<v1::OutcomeStatus>(stmt.ColumnInt(9));
        f.outcome_12wk = static_cast<v1::OutcomeStatus>(stmt.ColumnInt(10));
        f.outcome_52wk = static_cast<v1::OutcomeStatus>(stmt.ColumnInt(11));
        f.first_route = static_cast<v1::Route>(stmt.ColumnInt(12));
        f.first_product_kind = static_cast<v1::ProductKind>(stmt.ColumnInt(13));
        f.first_pharmacy_ods = stmt.ColumnText(14);
        RETURN_IF_ERROR(sink(f));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status SqliteTransaction::ScanPrescriptionFacts(
    const ReportScan& scan, const FactSink<domain::PrescriptionFacts>& sink) {
  const std::string from = domain::IsoDay(scan.from);
  const std::string to = domain::IsoDay(scan.to);
  for (const OdsPart& ods : OdsParts(scan)) {
    ASSIGN_OR_RETURN(
        SqliteStatement stmt,
        conn_.Prepare(absl::StrCat(
            "SELECT ", kSubjectColumns,
            ", route, product_kind, target_ods, pharmacy_ods, created_us, "
            "acknowledged_us, prescribed_or_supplied_us, dispensed_us, "
            "status, status_reason, first_overdue_waiting_on FROM "
            "prescriptions WHERE created_on BETWEEN ?1 AND ?2 AND ",
            ods.sql)));
    BindScan(stmt, scan, from, to, ods.lists);
    while (true) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      domain::PrescriptionFacts f;
      f.subject = SubjectOf(stmt);
      f.route = static_cast<v1::Route>(stmt.ColumnInt(7));
      f.product_kind = static_cast<v1::ProductKind>(stmt.ColumnInt(8));
      f.target_ods = stmt.ColumnText(9);
      f.pharmacy_ods = stmt.ColumnText(10);
      f.recommended_at = absl::FromUnixMicros(stmt.ColumnInt(11));
      f.acknowledged_at = TimeOrNull(stmt, 12);
      f.prescribed_or_supplied_at = TimeOrNull(stmt, 13);
      f.dispensed_at = TimeOrNull(stmt, 14);
      f.status = static_cast<v1::PrescriptionStatus>(stmt.ColumnInt(15));
      f.status_reason = stmt.ColumnText(16);
      f.first_overdue_waiting_on = stmt.ColumnText(17);
      RETURN_IF_ERROR(sink(f));
    }
  }
  return absl::OkStatus();
}

absl::Status SqliteTransaction::ScanDeadLetterFacts(
    const ReportScan& scan, const FactSink<domain::DeadLetterFacts>& sink) {
  const absl::TimeZone& london = domain::LondonZone();
  const int64_t start = absl::ToUnixMicros(absl::FromCivil(scan.from, london));
  const int64_t end = absl::ToUnixMicros(absl::FromCivil(scan.to + 1, london));
  std::string prefilter;
  if (!scan.ods_codes.empty()) {
    const std::string in =
        absl::StrCat("IN (", Placeholders(scan.ods_codes.size()), ")");
    prefilter =
        absl::StrCat(" AND (r.service_ods ", in, " OR r.gp_ods ", in, ")");
  }
  // Dead letters are few: the outbox's (state, created_us) index, then
  // each one's referral by its key.
  ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      conn_.Prepare(absl::StrCat(
          "SELECT r.source, r.smi, r.diagnosis, r.referrer_ods, "
          "r.service_ods, r.gp_ods, r.shares_with_gp, o.destination_ods "
          "FROM outbox o JOIN referrals r ON r.referral_id = o.referral_id "
          "WHERE o.state = ?3 AND o.created_us >= ?1 AND o.created_us < ?2",
          prefilter)));
  stmt.Bind(1, start).Bind(2, end).Bind(
      3, int64_t{v1::DELIVERY_STATE_DEAD_LETTER});
  int k = 4;
  for (int r = 0; r < 2 && !scan.ods_codes.empty(); ++r) {
    for (const std::string& ods : scan.ods_codes) stmt.Bind(k++, ods);
  }
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    domain::DeadLetterFacts f;
    f.subject = SubjectOf(stmt);
    f.destination_ods = stmt.ColumnText(7);
    RETURN_IF_ERROR(sink(f));
  }
  return absl::OkStatus();
}

}  // namespace nhs::tobacco::store
