#include "gateway/cli/report_render.h"

#include <cmath>
#include <set>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gateway/cli/args.h"
#include "gateway/cli/enum_names.h"
#include "gateway/cli/table.h"
#include "google/protobuf/descriptor.h"

namespace nhs::tobacco::cli {
namespace {

// Names and organisations from the registry, cut so a table stays readable.
constexpr size_t kDisplayWidth = 32;

const google::protobuf::EnumDescriptor* BreakdownType() {
  return v1::ReportBreakdown_descriptor();
}

const google::protobuf::EnumDescriptor* StatusType() {
  return v1::PrescriptionStatus_descriptor();
}

// Every PrescriptionStatus but UNSPECIFIED, in enum order: the status
// columns, present whether or not a status occurs, so columns are stable.
std::vector<v1::PrescriptionStatus> AllStatuses() {
  std::vector<v1::PrescriptionStatus> out;
  for (int i = 0; i < StatusType()->value_count(); ++i) {
    int number = StatusType()->value(i)->number();
    if (number != 0) out.push_back(static_cast<v1::PrescriptionStatus>(number));
  }
  return out;
}

std::vector<v1::ReportBreakdown> By(const v1::ReportHeader& header) {
  std::vector<v1::ReportBreakdown> by;
  for (int b : header.by()) by.push_back(static_cast<v1::ReportBreakdown>(b));
  return by;
}

const v1::ReportDimension* FindDimension(
    const google::protobuf::RepeatedPtrField<v1::ReportDimension>& dimensions,
    v1::ReportBreakdown breakdown) {
  for (const v1::ReportDimension& d : dimensions) {
    if (d.breakdown() == breakdown) return &d;
  }
  return nullptr;
}

// The breakdown cells of a row for CSV: the stable codes, or "total".
template <typename Row>
void AppendCsvDimensions(const Row& row,
                         absl::Span<const v1::ReportBreakdown> by,
                         std::vector<std::string>* cells) {
  for (v1::ReportBreakdown b : by) {
    if (row.total()) {
      cells->push_back("total");
      continue;
    }
    const v1::ReportDimension* d = FindDimension(row.dimensions(), b);
    cells->push_back(d == nullptr ? "" : d->value());
  }
}

bool IsOrganisation(v1::ReportBreakdown b) {
  return b == v1::REPORT_BREAKDOWN_GP_PRACTICE ||
         b == v1::REPORT_BREAKDOWN_PHARMACY ||
         b == v1::REPORT_BREAKDOWN_SERVICE || b == v1::REPORT_BREAKDOWN_ICB;
}

// For people: an organisation as "Y90001 Riverside Surgery", anything else
// by its words when the server sent some ("NHS Talking Therapies").
std::string DimensionText(const v1::ReportDimension& d) {
  if (d.display().empty() || d.display() == d.value()) return d.value();
  if (IsOrganisation(d.breakdown())) {
    return FitCell(absl::StrCat(d.value(), " ", d.display()), kDisplayWidth);
  }
  return FitCell(d.display(), kDisplayWidth);
}

// The breakdown cells of a row for a table: "Total" in the first.
template <typename Row>
void AppendTableDimensions(const Row& row,
                           absl::Span<const v1::ReportBreakdown> by,
                           std::vector<std::string>* cells) {
  for (size_t i = 0; i < by.size(); ++i) {
    if (row.total()) {
      cells->push_back(i == 0 ? "Total" : "");
      continue;
    }
    const v1::ReportDimension* d = FindDimension(row.dimensions(), by[i]);
    cells->push_back(d == nullptr ? "" : DimensionText(*d));
  }
}

std::vector<std::string> TableDimensionHeaders(
    absl::Span<const v1::ReportBreakdown> by) {
  std::vector<std::string> headers;
  for (v1::ReportBreakdown b : by) {
    headers.push_back(absl::AsciiStrToUpper(
        absl::StrJoin(absl::StrSplit(BreakdownName(b), '_'), " ")));
  }
  return headers;
}

// "2", or "2.5" for a fraction of a working day.
std::string WorkingDays(double value) {
  if (std::floor(value) == value && std::fabs(value) < 1e15) {
    return absl::StrCat(static_cast<int64_t>(value));
  }
  return absl::StrFormat("%.1f", value);
}

std::string MedianCell(const v1::WorkingDayStats& s) {
  if (s.has_median_working_days()) return WorkingDays(s.median_working_days());
  return s.reached().suppressed() ? "*" : "";
}

std::string P90Cell(const v1::WorkingDayStats& s) {
  if (s.has_p90_working_days()) return WorkingDays(s.p90_working_days());
  return s.reached().suppressed() ? "*" : "";
}

// "1 / 3 (40)": median and 90th percentile, how many reached the step.
std::string WorkingDayTableCell(const v1::WorkingDayStats& s) {
  std::string median = MedianCell(s);
  std::string p90 = P90Cell(s);
  std::string reached = CountCell(s.reached());
  if (median.empty() && p90.empty()) return absl::StrCat("- (", reached, ")");
  return absl::StrCat(median, " / ", p90, " (", reached, ")");
}

std::string StatusCell(const v1::PathwayReportRow& row,
                       v1::PrescriptionStatus status) {
  for (const v1::StatusCount& s : row.by_status()) {
    if (s.status() == status) return CountCell(s.count());
  }
  return "0";  // Absent: no request of the row is in that status.
}

std::string ReportTitle(absl::string_view what, const v1::ReportHeader& h) {
  std::string out = absl::StrCat(what, " ", h.from(), " to ", h.to(), "\n");
  if (!h.scope().empty()) absl::StrAppend(&out, "Scope: ", h.scope(), "\n");
  if (!h.disclosure_rules().empty()) {
    absl::StrAppend(&out, "Disclosure: ", h.disclosure_rules(), "\n");
  } else if (h.disclosure() == v1::DISCLOSURE_EXACT) {
    absl::StrAppend(&out, "Disclosure: exact figures (internal view)\n");
  }
  if (!h.as_of().empty()) {
    absl::StrAppend(&out, "As of: ", h.as_of(),
                    " (follow-up windows closed up to this day)\n");
  }
  absl::StrAppend(&out,
                  "Rates in per cent; * withheld (small numbers); "
                  "empty: no denominator.\n\n");
  return out;
}

// True when some row's period is not the whole report's (quarters).
template <typename Report>
bool PeriodsDiffer(const Report& report) {
  for (const auto& row : report.rows()) {
    if (row.period_start() != report.header().from() ||
        row.period_end() != report.header().to()) {
      return true;
    }
  }
  return false;
}

std::string OrganisationTable(
    absl::string_view title, absl::string_view count_header,
    const google::protobuf::RepeatedPtrField<v1::OrganisationCount>& list) {
  std::string out = absl::StrCat(title, "\n");
  if (list.empty()) return absl::StrCat(out, "  none\n");
  Table table({"ODS", "NAME", std::string(count_header)});
  for (const v1::OrganisationCount& o : list) {
    table.AddRow({o.ods_code(), FitCell(o.display(), kDisplayWidth),
                  CountCell(o.count())});
  }
  return absl::StrCat(out, table.Render());
}

std::string ReasonTable(
    absl::string_view title,
    const google::protobuf::RepeatedPtrField<v1::ReasonCount>& reasons) {
  std::string out = absl::StrCat(title, "\n");
  if (reasons.empty()) return absl::StrCat(out, "  none\n");
  Table table({"REASON", "CODE", "REQUESTS"});
  for (const v1::ReasonCount& r : reasons) {
    table.AddRow({FitCell(r.display().empty() ? r.code() : r.display(), 48),
                  r.code(), CountCell(r.count())});
  }
  return absl::StrCat(out, table.Render());
}

std::vector<std::string> StatsColumns(absl::string_view step) {
  return {absl::StrCat(step, "_reached"), absl::StrCat(step, "_median_wd"),
          absl::StrCat(step, "_p90_wd")};
}

void AppendStats(const v1::WorkingDayStats& s, std::vector<std::string>* c) {
  c->push_back(CountCell(s.reached()));
  c->push_back(MedianCell(s));
  c->push_back(P90Cell(s));
}

const std::vector<std::pair<PathwaySection, std::string>>& SectionNames() {
  static const auto* names =
      new std::vector<std::pair<PathwaySection, std::string>>{
          {PathwaySection::kRows, "rows"},
          {PathwaySection::kDeclineReasons, "decline_reasons"},
          {PathwaySection::kNotSuppliedReasons, "not_supplied_reasons"},
          {PathwaySection::kOverdue, "overdue"},
          {PathwaySection::kDeadLetters, "dead_letters"},
      };
  return *names;
}

}  // namespace

std::vector<std::string> BreakdownNames() {
  std::vector<std::string> names;
  for (int i = 0; i < BreakdownType()->value_count(); ++i) {
    int number = BreakdownType()->value(i)->number();
    if (number == 0) continue;
    names.push_back(BreakdownName(static_cast<v1::ReportBreakdown>(number)));
  }
  return names;
}

std::string BreakdownName(v1::ReportBreakdown breakdown) {
  return absl::AsciiStrToLower(EnumName(breakdown));
}

absl::StatusOr<v1::ReportBreakdown> ParseBreakdown(absl::string_view flag,
                                                   absl::string_view text) {
  for (int i = 0; i < BreakdownType()->value_count(); ++i) {
    auto b =
        static_cast<v1::ReportBreakdown>(BreakdownType()->value(i)->number());
    if (b != v1::REPORT_BREAKDOWN_UNSPECIFIED && BreakdownName(b) == text) {
      return b;
    }
  }
  return FlagError(
      flag, absl::StrCat("unknown breakdown \"", text,
                         "\"; valid: ", absl::StrJoin(BreakdownNames(), ", ")));
}

std::string CsvField(absl::string_view text) {
  if (text.find_first_of(",\"\r\n") == absl::string_view::npos) {
    return std::string(text);
  }
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string CsvLine(absl::Span<const std::string> fields) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line.push_back(',');
    line.append(CsvField(fields[i]));
  }
  line.append("\r\n");
  return line;
}

std::string CountCell(const v1::ReportCount& count) {
  return count.suppressed() ? "*" : absl::StrCat(count.value());
}

std::string CsvRateCell(const v1::ReportRate& rate) {
  if (rate.suppressed()) return "*";
  if (rate.undefined()) return "";
  return absl::StrFormat("%.3f", rate.value());
}

std::string TableRateCell(const v1::ReportRate& rate) {
  if (rate.suppressed()) return "*";
  if (rate.undefined()) return "";
  return absl::StrFormat("%.1f%%", rate.value() * 100);
}

absl::StatusOr<PathwaySection> ParsePathwaySection(absl::string_view text) {
  for (const auto& [section, name] : SectionNames()) {
    if (name == text) return section;
  }
  return FlagError("section",
                   absl::StrCat("unknown section \"", text,
                                "\"; valid: ", PathwaySectionNames()));
}

std::string PathwaySectionNames() {
  std::vector<std::string> names;
  for (const auto& entry : SectionNames()) names.push_back(entry.second);
  return absl::StrJoin(names, ", ");
}

std::vector<std::string> OutcomeCsvColumns(
    absl::Span<const v1::ReportBreakdown> by) {
  std::vector<std::string> columns = {"period_start", "period_end"};
  for (v1::ReportBreakdown b : by) columns.push_back(BreakdownName(b));
  for (const char* name :
       {"referrals_received", "quit_dates_set", "quit_4wk_self_reported",
        "quit_4wk_co_verified", "not_quit_4wk", "lost_to_follow_up_4wk",
        "quit_12wk", "quit_52wk", "quit_rate_4wk", "co_verified_share"}) {
    columns.push_back(name);
  }
  return columns;
}

std::vector<std::string> PathwayCsvColumns(
    absl::Span<const v1::ReportBreakdown> by, PathwaySection section) {
  if (section == PathwaySection::kOverdue) {
    return {"ods_code", "display", "went_overdue"};
  }
  if (section == PathwaySection::kDeadLetters) {
    return {"ods_code", "display", "dead_letters"};
  }
  std::vector<std::string> columns = {"period_start", "period_end"};
  for (v1::ReportBreakdown b : by) columns.push_back(BreakdownName(b));
  if (section != PathwaySection::kRows) {
    for (const char* name : {"reason_code", "reason_display", "count"}) {
      columns.push_back(name);
    }
    return columns;
  }
  columns.push_back("requests");
  for (v1::PrescriptionStatus s : AllStatuses()) {
    columns.push_back(
        absl::StrCat("status_", absl::AsciiStrToLower(EnumName(s))));
  }
  for (const char* step :
       {"to_acknowledgement", "to_prescription_or_supply", "to_dispense"}) {
    for (std::string& c : StatsColumns(step)) columns.push_back(std::move(c));
  }
  for (const char* name :
       {"gp_decided", "gp_declined", "gp_decline_rate", "pharmacy_decided",
        "not_supplied", "not_supplied_rate", "went_overdue"}) {
    columns.push_back(name);
  }
  return columns;
}

namespace {

// The eight counts of an outcome row, in column order (CSV and table).
void AppendOutcomeCounts(const v1::OutcomeReportRow& row,
                         std::vector<std::string>* cells) {
  for (const v1::ReportCount* count :
       {&row.referrals_received(), &row.quit_dates_set(),
        &row.quit_4wk_self_reported(), &row.quit_4wk_co_verified(),
        &row.not_quit_4wk(), &row.lost_to_follow_up_4wk(), &row.quit_12wk(),
        &row.quit_52wk()}) {
    cells->push_back(CountCell(*count));
  }
}

}  // namespace

std::string RenderOutcomeCsv(const v1::OutcomeReport& report) {
  const std::vector<v1::ReportBreakdown> by = By(report.header());
  std::string out = CsvLine(OutcomeCsvColumns(by));
  for (const v1::OutcomeReportRow& row : report.rows()) {
    std::vector<std::string> cells = {row.period_start(), row.period_end()};
    AppendCsvDimensions(row, by, &cells);
    AppendOutcomeCounts(row, &cells);
    cells.push_back(CsvRateCell(row.quit_rate_4wk()));
    cells.push_back(CsvRateCell(row.co_verified_share()));
    out.append(CsvLine(cells));
  }
  return out;
}

std::string RenderPathwayCsv(const v1::PathwayReport& report,
                             PathwaySection section) {
  const std::vector<v1::ReportBreakdown> by = By(report.header());
  std::string out = CsvLine(PathwayCsvColumns(by, section));
  if (section == PathwaySection::kOverdue ||
      section == PathwaySection::kDeadLetters) {
    const auto& list = section == PathwaySection::kOverdue
                           ? report.overdue_by_organisation()
                           : report.dead_letters_by_destination();
    for (const v1::OrganisationCount& o : list) {
      out.append(CsvLine({o.ods_code(), o.display(), CountCell(o.count())}));
    }
    return out;
  }
  const std::vector<v1::PrescriptionStatus> statuses = AllStatuses();
  for (const v1::PathwayReportRow& row : report.rows()) {
    std::vector<std::string> cells = {row.period_start(), row.period_end()};
    AppendCsvDimensions(row, by, &cells);
    if (section != PathwaySection::kRows) {
      const auto& reasons = section == PathwaySection::kDeclineReasons
                                ? row.decline_reasons()
                                : row.not_supplied_reasons();
      for (const v1::ReasonCount& r : reasons) {
        std::vector<std::string> line = cells;
        line.push_back(r.code());
        line.push_back(r.display());
        line.push_back(CountCell(r.count()));
        out.append(CsvLine(line));
      }
      continue;
    }
    cells.push_back(CountCell(row.requests()));
    for (v1::PrescriptionStatus s : statuses) {
      cells.push_back(StatusCell(row, s));
    }
    AppendStats(row.to_acknowledgement(), &cells);
    AppendStats(row.to_prescription_or_supply(), &cells);
    AppendStats(row.to_dispense(), &cells);
    cells.push_back(CountCell(row.gp_decided()));
    cells.push_back(CountCell(row.gp_declined()));
    cells.push_back(CsvRateCell(row.gp_decline_rate()));
    cells.push_back(CountCell(row.pharmacy_decided()));
    cells.push_back(CountCell(row.not_supplied()));
    cells.push_back(CsvRateCell(row.not_supplied_rate()));
    cells.push_back(CountCell(row.went_overdue()));
    out.append(CsvLine(cells));
  }
  return out;
}

std::string RenderOutcomeTable(const v1::OutcomeReport& report) {
  const std::vector<v1::ReportBreakdown> by = By(report.header());
  const bool periods = PeriodsDiffer(report);
  std::vector<std::string> headers;
  if (periods) headers.push_back("PERIOD");
  for (std::string& h : TableDimensionHeaders(by)) headers.push_back(h);
  for (const char* h :
       {"RECEIVED", "QUIT DATES", "QUIT 4WK", "CO-VERIFIED", "NOT QUIT", "LOST",
        "QUIT 12WK", "QUIT 52WK", "QUIT RATE", "CO SHARE"}) {
    headers.push_back(h);
  }
  Table table(headers);
  for (const v1::OutcomeReportRow& row : report.rows()) {
    std::vector<std::string> cells;
    if (periods) {
      cells.push_back(absl::StrCat(row.period_start(), "..", row.period_end()));
    }
    AppendTableDimensions(row, by, &cells);
    AppendOutcomeCounts(row, &cells);
    cells.push_back(TableRateCell(row.quit_rate_4wk()));
    cells.push_back(TableRateCell(row.co_verified_share()));
    table.AddRow(std::move(cells));
  }
  std::string out = ReportTitle("Outcome return", report.header());
  if (report.rows().empty()) return absl::StrCat(out, "no rows\n");
  return absl::StrCat(out, table.Render());
}

std::string RenderPathwayTable(const v1::PathwayReport& report) {
  const std::vector<v1::ReportBreakdown> by = By(report.header());
  const bool periods = PeriodsDiffer(report);
  std::vector<std::string> lead;
  if (periods) lead.push_back("PERIOD");
  for (std::string& h : TableDimensionHeaders(by)) lead.push_back(h);

  std::vector<std::string> headers = lead;
  for (const char* h :
       {"REQUESTS", "OVERDUE", "TO ACK WD", "TO RX/SUPPLY WD", "TO DISPENSE WD",
        "GP DECLINED", "DECLINE RATE", "NOT SUPPLIED", "NOT SUPPLIED RATE"}) {
    headers.push_back(h);
  }
  Table main(headers);
  // Status columns: only the statuses some row has, in enum order.
  std::set<int> seen;
  for (const v1::PathwayReportRow& row : report.rows()) {
    for (const v1::StatusCount& s : row.by_status()) seen.insert(s.status());
  }
  std::vector<v1::PrescriptionStatus> statuses;
  for (v1::PrescriptionStatus s : AllStatuses()) {
    if (seen.count(s) > 0) statuses.push_back(s);
  }
  std::vector<std::string> status_headers = lead;
  for (v1::PrescriptionStatus s : statuses) {
    status_headers.push_back(EnumName(s));
  }
  Table by_status(status_headers);

  const v1::PathwayReportRow* total = nullptr;
  for (const v1::PathwayReportRow& row : report.rows()) {
    if (row.total()) total = &row;
    std::vector<std::string> cells;
    if (periods) {
      cells.push_back(absl::StrCat(row.period_start(), "..", row.period_end()));
    }
    AppendTableDimensions(row, by, &cells);
    std::vector<std::string> status_cells = cells;
    cells.push_back(CountCell(row.requests()));
    cells.push_back(CountCell(row.went_overdue()));
    cells.push_back(WorkingDayTableCell(row.to_acknowledgement()));
    cells.push_back(WorkingDayTableCell(row.to_prescription_or_supply()));
    cells.push_back(WorkingDayTableCell(row.to_dispense()));
    cells.push_back(absl::StrCat(CountCell(row.gp_declined()), " of ",
                                 CountCell(row.gp_decided())));
    cells.push_back(TableRateCell(row.gp_decline_rate()));
    cells.push_back(absl::StrCat(CountCell(row.not_supplied()), " of ",
                                 CountCell(row.pharmacy_decided())));
    cells.push_back(TableRateCell(row.not_supplied_rate()));
    main.AddRow(std::move(cells));
    for (v1::PrescriptionStatus s : statuses) {
      status_cells.push_back(StatusCell(row, s));
    }
    by_status.AddRow(std::move(status_cells));
  }

  std::string out = ReportTitle("Pathway performance", report.header());
  if (report.rows().empty()) return absl::StrCat(out, "no rows\n");
  absl::StrAppend(&out,
                  "Working days (WD) from recommendation: median / 90th "
                  "percentile (requests that reached the step).\n",
                  main.Render(), "\nRequests by status now\n",
                  by_status.Render());
  if (total != nullptr) {
    absl::StrAppend(&out, "\n",
                    ReasonTable("GP decline reasons (all requests)",
                                total->decline_reasons()),
                    "\n",
                    ReasonTable("Pharmacy not-supplied reasons (all requests)",
                                total->not_supplied_reasons()));
  }
  absl::StrAppend(
      &out, "\n",
      OrganisationTable("Went overdue, by the organisation waited on",
                        "REQUESTS", report.overdue_by_organisation()),
      "\n",
      OrganisationTable("Dead letters by destination", "DEAD LETTERS",
                        report.dead_letters_by_destination()));
  return out;
}

}  // namespace nhs::tobacco::cli
