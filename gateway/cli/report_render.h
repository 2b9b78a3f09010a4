#ifndef GATEWAY_CLI_REPORT_RENDER_H_
#define GATEWAY_CLI_REPORT_RENDER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "nhs/tobacco/v1/report.pb.h"

namespace nhs::tobacco::cli {

// reports (issue 14): `tobaccoctl report outcomes|pathway` output, pure.
//
// Cells, in CSV and tables alike:
// - a count prints its published value; a suppressed one prints "*";
// - a rate is a fraction from 0 to 1 with 3 decimals in CSV ("0.333") and a
//   percentage with 1 decimal in tables ("33.3%"); "*" when suppressed,
//   empty when undefined (its denominator is 0);
// - a working-day median or 90th percentile prints as a number of working
//   days ("2", or "2.5" should a server send a fraction); "*" when the
//   `reached` count is suppressed, empty when nothing reached the step.
//
// CSV follows RFC 4180: one header row, CRLF line ends, a field quoted when
// it holds a comma, a double quote, CR or LF (quotes inside doubled). The
// breakdown columns are named by their --by names and hold the stable
// codes; the total row has "total" in every breakdown column.

// The --by names, lower case, in ReportBreakdown order: "source", "smi",
// "diagnosis", "route", "product_kind", "gp_practice", "pharmacy",
// "service", "icb", "quarter".
std::vector<std::string> BreakdownNames();
// "product_kind" for REPORT_BREAKDOWN_PRODUCT_KIND.
std::string BreakdownName(v1::ReportBreakdown breakdown);
// Exactly one of BreakdownNames(); otherwise InvalidArgument naming `flag`,
// the text and every valid name.
absl::StatusOr<v1::ReportBreakdown> ParseBreakdown(absl::string_view flag,
                                                   absl::string_view text);

// One CSV field, quoted only when it must be.
std::string CsvField(absl::string_view text);
// The fields joined by commas, ending in CRLF.
std::string CsvLine(absl::Span<const std::string> fields);

// Cell texts (see above).
std::string CountCell(const v1::ReportCount& count);
std::string CsvRateCell(const v1::ReportRate& rate);
std::string TableRateCell(const v1::ReportRate& rate);

// The pathway CSV sections (--section): each its own header and rows.
enum class PathwaySection {
  kRows,                // one line per report row (the default)
  kDeclineReasons,      // one line per row and GP decline reason
  kNotSuppliedReasons,  // one line per row and pharmacy not-supplied reason
  kOverdue,             // requests that went overdue, by organisation
  kDeadLetters,         // dead letters by destination
};
// "rows", "decline_reasons", "not_supplied_reasons", "overdue",
// "dead_letters"; anything else is InvalidArgument listing them.
absl::StatusOr<PathwaySection> ParsePathwaySection(absl::string_view text);
std::string PathwaySectionNames();

// The header rows, for the README and tests: `by` names the breakdown
// columns.
std::vector<std::string> OutcomeCsvColumns(
    absl::Span<const v1::ReportBreakdown> by);
std::vector<std::string> PathwayCsvColumns(
    absl::Span<const v1::ReportBreakdown> by, PathwaySection section);

// The whole CSV document. The breakdown columns follow report.header().by
// (the order the request gave).
std::string RenderOutcomeCsv(const v1::OutcomeReport& report);
std::string RenderPathwayCsv(const v1::PathwayReport& report,
                             PathwaySection section);

// For people: a few lines saying what the report is (period, scope, the
// disclosure rules, as of), then aligned tables. Display names are shown
// where the server sent them, cut to fit a terminal.
std::string RenderOutcomeTable(const v1::OutcomeReport& report);
std::string RenderPathwayTable(const v1::PathwayReport& report);

}  // namespace nhs::tobacco::cli

#endif  // GATEWAY_CLI_REPORT_RENDER_H_
