// reports (issue 14): PgTransaction's scans over the reporting columns.
// Each scan is one query over index range scans, read through a
// server-side cursor a batch at a time and streamed to the sink: never
// more than a batch in memory, however many rows. With an ODS prefilter
// the parts are disjoint (a row whose service and practice are both listed
// comes once), so no row is yielded twice.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/london_day.h"
#include "gateway/store/postgres/pg_transaction.h"

namespace nhs::tobacco::store {
namespace {

// Rows per FETCH: few round trips, little memory.
constexpr int kFetchRows = 1000;

// Runs `sql` as the server-side cursor `name` (the caller's transaction
// holds it) and calls `each` on every row; the first error, from the
// server or from `each`, stops the scan and is returned once the cursor
// is closed.
absl::Status ScanCursor(
    PgConnection& conn, absl::string_view name, absl::string_view sql,
    const PgArgs& args,
    const std::function<absl::Status(const PgResult&, int)>& each) {
  RETURN_IF_ERROR(
      conn.Query(absl::StrCat("DECLARE ", name, " NO SCROLL CURSOR FOR ", sql),
                 args)
          .status());
  const std::string fetch = absl::StrCat("FETCH ", kFetchRows, " FROM ", name);
  absl::Status status;
  while (status.ok()) {
    absl::StatusOr<PgResult> batch = conn.Query(fetch);
    if (!batch.ok()) {
      status = batch.status();
      break;
    }
    for (int row = 0; status.ok() && row < batch->rows(); ++row) {
      status = each(*batch, row);
    }
    if (batch->rows() < kFetchRows) break;
  }
  // After a server error the transaction refuses the CLOSE too (and its
  // rollback drops the cursor): that error is the one to return.
  absl::Status closed = conn.Exec(absl::StrCat("CLOSE ", name));
  return status.ok() ? closed : status;
}

absl::StatusOr<std::optional<absl::Time>> TimeOrNull(const PgResult& result,
                                                     int row, int column) {
  if (result.IsNull(row, column)) return std::optional<absl::Time>();
  ASSIGN_OR_RETURN(const int64_t us, result.Int(row, column));
  return std::optional<absl::Time>(absl::FromUnixMicros(us));
}

// "IN ($3::text, ...)" for the prefilter's codes, the values added once
// (a part names the list twice with the same placeholders); empty without
// a prefilter.
std::string OdsList(const ReportScan& scan, PgArgs& args) {
  if (scan.ods_codes.empty()) return "";
  std::vector<std::string> marks;
  marks.reserve(scan.ods_codes.size());
  for (const std::string& ods : scan.ods_codes) marks.push_back(args.Text(ods));
  return absl::StrCat("IN (", absl::StrJoin(marks, ", "), ")");
}

// The disjoint parts of a prefiltered scan: rows whose service is listed,
// then rows whose practice is listed and service is not. One part, all
// rows, without a prefilter (`in` empty).
std::vector<std::string> OdsParts(const std::string& in) {
  if (in.empty()) return {"TRUE"};
  return {absl::StrCat("service_ods ", in),
          absl::StrCat("gp_ods ", in, " AND service_ods NOT ", in)};
}

// Columns 0..6 of every scan: the referral subject.
constexpr absl::string_view kSubjectColumns =
    "source, smi, diagnosis, referrer_ods, service_ods, gp_ods, "
    "shares_with_gp";

absl::StatusOr<domain::ReportSubject> SubjectOf(const PgResult& result,
                                                int row) {
  domain::ReportSubject s;
  ASSIGN_OR_RETURN(const int64_t source, result.Int(row, 0));
  ASSIGN_OR_RETURN(const int64_t smi, result.Int(row, 1));
  ASSIGN_OR_RETURN(const int64_t diagnosis, result.Int(row, 2));
  ASSIGN_OR_RETURN(const int64_t shares_with_gp, result.Int(row, 6));
  s.source = static_cast<v1::ReferralSource>(source);
  s.smi = smi != 0;
  s.diagnosis = static_cast<v1::DiagnosisCategory>(diagnosis);
  s.referrer_ods = result.Text(row, 3);
  s.service_ods = result.Text(row, 4);
  s.gp_ods = result.Text(row, 5);
  s.shares_with_gp = shares_with_gp != 0;
  return s;
}

}  // namespace

absl::Status PgTransaction::ScanReferralFacts(
    const ReportScan& scan, const FactSink<domain::ReferralFacts>& sink) {
  PgArgs args;
  const std::string from = args.Text(domain::IsoDay(scan.from));
  const std::string to = args.Text(domain::IsoDay(scan.to));
  const std::string in = OdsList(scan, args);
  // Received in the period; then quit date in the period, received
  // outside it.
  const std::string periods[] = {
      absl::StrCat("received_on BETWEEN ", from, " AND ", to),
      absl::StrCat("quit_date BETWEEN ", from, " AND ", to,
                   " AND received_on NOT BETWEEN ", from, " AND ", to)};
  std::vector<std::string> parts;
  for (const std::string& period : periods) {
    for (const std::string& ods : OdsParts(in)) {
      parts.push_back(
          absl::StrCat("SELECT ", kSubjectColumns,
                       ", received_on, quit_date, outcome_4wk, outcome_12wk, "
                       "outcome_52wk, first_route, first_product_kind, "
                       "first_pharmacy_ods FROM referrals WHERE ",
                       period, " AND ", ods));
    }
  }
  return ScanCursor(
      conn_, "referral_facts_scan", absl::StrJoin(parts, " UNION ALL "), args,
      [&sink](const PgResult& result, int row) -> absl::Status {
        domain::ReferralFacts f;
        ASSIGN_OR_RETURN(f.subject, SubjectOf(result, row));
        std::optional<absl::CivilDay> received =
            domain::ParseIsoDay(result.Text(row, 7));
        if (!received.has_value()) return absl::OkStatus();  // unreadable
        f.received_on = *received;
        if (!result.IsNull(row, 8))
          f.quit_date = domain::ParseIsoDay(result.Text(row, 8));
        ASSIGN_OR_RETURN(const int64_t outcome_4wk, result.Int(row, 9));
        ASSIGN_OR_RETURN(const int64_t outcome_12wk, result.Int(row, 10));
        ASSIGN_OR_RETURN(const int64_t outcome_52wk, result.Int(row, 11));
        ASSIGN_OR_RETURN(const int64_t first_route, result.Int(row, 12));
        ASSIGN_OR_RETURN(const int64_t first_product_kind, result.Int(row, 13));
        f.outcome_4wk = static_cast<v1::OutcomeStatus>(outcome_4wk);
        f.outcome_12wk = static_cast<v1::OutcomeStatus>(outcome_12wk);
        f.outcome_52wk = static_cast<v1::OutcomeStatus>(outcome_52wk);
        f.first_route = static_cast<v1::Route>(first_route);
        f.first_product_kind = static_cast<v1::ProductKind>(first_product_kind);
        f.first_pharmacy_ods = result.Text(row, 14);
        return sink(f);
      });
}

absl::Status PgTransaction::ScanPrescriptionFacts(
    const ReportScan& scan, const FactSink<domain::PrescriptionFacts>& sink) {
  PgArgs args;
  const std::string from = args.Text(domain::IsoDay(scan.from));
  const std::string to = args.Text(domain::IsoDay(scan.to));
  const std::string in = OdsList(scan, args);
  std::vector<std::string> parts;
  for (const std::string& ods : OdsParts(in)) {
    parts.push_back(absl::StrCat(
        "SELECT ", kSubjectColumns,
        ", route, product_kind, target_ods, pharmacy_ods, created_us, "
        "acknowledged_us, prescribed_or_supplied_us, dispensed_us, status, "
        "status_reason, first_overdue_waiting_on FROM prescriptions WHERE "
        "created_on BETWEEN ",
        from, " AND ", to, " AND ", ods));
  }
  return ScanCursor(
      conn_, "prescription_facts_scan", absl::StrJoin(parts, " UNION ALL "),
      args, [&sink](const PgResult& result, int row) -> absl::Status {
        domain::PrescriptionFacts f;
        ASSIGN_OR_RETURN(f.subject, SubjectOf(result, row));
        ASSIGN_OR_RETURN(const int64_t route, result.Int(row, 7));
        ASSIGN_OR_RETURN(const int64_t product_kind, result.Int(row, 8));
        ASSIGN_OR_RETURN(const int64_t created_us, result.Int(row, 11));
        ASSIGN_OR_RETURN(f.acknowledged_at, TimeOrNull(result, row, 12));
        ASSIGN_OR_RETURN(f.prescribed_or_supplied_at,
                         TimeOrNull(result, row, 13));
        ASSIGN_OR_RETURN(f.dispensed_at, TimeOrNull(result, row, 14));
        ASSIGN_OR_RETURN(const int64_t status, result.Int(row, 15));
        f.route = static_cast<v1::Route>(route);
        f.product_kind = static_cast<v1::ProductKind>(product_kind);
        f.target_ods = result.Text(row, 9);
        f.pharmacy_ods = result.Text(row, 10);
        f.recommended_at = absl::FromUnixMicros(created_us);
        f.status = static_cast<v1::PrescriptionStatus>(status);
        f.status_reason = result.Text(row, 16);
        f.first_overdue_waiting_on = result.Text(row, 17);
        return sink(f);
      });
}

absl::Status PgTransaction::ScanDeadLetterFacts(
    const ReportScan& scan, const FactSink<domain::DeadLetterFacts>& sink) {
  const absl::TimeZone& london = domain::LondonZone();
  PgArgs args;
  const std::string start =
      args.Int(absl::ToUnixMicros(absl::FromCivil(scan.from, london)));
  const std::string end =
      args.Int(absl::ToUnixMicros(absl::FromCivil(scan.to + 1, london)));
  const std::string in = OdsList(scan, args);
  // Dead letters are few: the outbox's (state, created_us) index, then
  // each one's referral by its key.
  const std::string sql = absl::StrCat(
      "SELECT r.source, r.smi, r.diagnosis, r.referrer_ods, r.service_ods, "
      "r.gp_ods, r.shares_with_gp, o.destination_ods FROM outbox o JOIN "
      "referrals r ON r.referral_id = o.referral_id WHERE o.state = ",
      args.Int(v1::DELIVERY_STATE_DEAD_LETTER), " AND o.created_us >= ", start,
      " AND o.created_us < ", end,
      in.empty()
          ? ""
          : absl::StrCat(" AND (r.service_ods ", in, " OR r.gp_ods ", in, ")"));
  return ScanCursor(conn_, "dead_letter_facts_scan", sql, args,
                    [&sink](const PgResult& result, int row) -> absl::Status {
                      domain::DeadLetterFacts f;
                      ASSIGN_OR_RETURN(f.subject, SubjectOf(result, row));
                      f.destination_ods = result.Text(row, 7);
                      return sink(f);
                    });
}

}  // namespace nhs::tobacco::store
