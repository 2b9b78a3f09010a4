#include "gateway/cli/report_cli.h"

#include <algorithm>
#include <set>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/notification.h"
#include "absl/time/civil_time.h"
#include "gateway/cli/render.h"

namespace nhs::tobacco::cli {
namespace {

absl::StatusOr<absl::CivilDay> ParseDay(const ParsedArgs& args,
                                        absl::string_view flag) {
  if (!args.Has(flag)) return FlagError(flag, "required (YYYY-MM-DD)");
  const std::string text = args.GetString(flag);
  absl::CivilDay day;
  // Parsing normalises ("2026-02-30" becomes 2026-03-02): only a day that
  // prints back as typed is a real one.
  if (!absl::ParseCivilTime(text, &day) || absl::FormatCivilTime(day) != text) {
    return FlagError(flag,
                     absl::StrCat("\"", text, "\" is not a date (YYYY-MM-DD)"));
  }
  return day;
}

}  // namespace

std::vector<FlagSpec> ReportFlags(ReportKind kind) {
  std::vector<FlagSpec> flags = {
      {"from", true, false, "first day, YYYY-MM-DD (Europe/London)"},
      {"to", true, false, "last day, YYYY-MM-DD, inclusive"},
      {"by", true, true,
       absl::StrCat("breakdowns in column order, comma separated: ",
                    absl::StrJoin(BreakdownNames(), ", "))},
      {"format", true, false,
       "table (default), csv (one header row) or json (proto3 JSON)"},
  };
  if (kind == ReportKind::kPathway) {
    flags.push_back({"section", true, false,
                     absl::StrCat("what the CSV holds: ", PathwaySectionNames(),
                                  " (default rows)")});
  }
  return flags;
}

absl::StatusOr<v1::ReportRequest> BuildReportRequest(const ParsedArgs& args) {
  absl::StatusOr<absl::CivilDay> from = ParseDay(args, "from");
  if (!from.ok()) return from.status();
  absl::StatusOr<absl::CivilDay> to = ParseDay(args, "to");
  if (!to.ok()) return to.status();
  if (*to < *from) {
    return FlagError(
        "to", absl::StrCat(absl::FormatCivilTime(*to), " is before --from ",
                           absl::FormatCivilTime(*from)));
  }
  v1::ReportRequest request;
  request.set_from(absl::FormatCivilTime(*from));
  request.set_to(absl::FormatCivilTime(*to));
  std::set<int> seen;
  for (const std::string& value : args.GetAll("by")) {
    for (absl::string_view name : absl::StrSplit(value, ',')) {
      name = absl::StripAsciiWhitespace(name);
      if (name.empty()) {
        return FlagError(
            "by", absl::StrCat("empty breakdown name in \"", value, "\""));
      }
      absl::StatusOr<v1::ReportBreakdown> breakdown =
          ParseBreakdown("by", name);
      if (!breakdown.ok()) return breakdown.status();
      if (!seen.insert(*breakdown).second) {
        return FlagError("by", absl::StrCat("\"", name, "\" given twice"));
      }
      request.add_by(*breakdown);
    }
  }
  return request;
}

absl::StatusOr<ReportOptions> ParseReportOptions(const ParsedArgs& args,
                                                 ReportKind kind,
                                                 bool global_json) {
  ReportOptions options;
  if (args.Has("format")) {
    const std::string format = args.GetString("format");
    if (format == "table") {
      options.format = ReportFormat::kTable;
    } else if (format == "csv") {
      options.format = ReportFormat::kCsv;
    } else if (format == "json") {
      options.format = ReportFormat::kJson;
    } else {
      return FlagError("format", absl::StrCat("unknown format \"", format,
                                              "\"; valid: table, csv, json"));
    }
    if (global_json && options.format != ReportFormat::kJson) {
      return FlagError("format",
                       absl::StrCat(format, " conflicts with --json"));
    }
  } else if (global_json) {
    options.format = ReportFormat::kJson;
  }
  if (args.Has("section")) {
    // ReportFlags gives only the pathway report a --section.
    if (kind != ReportKind::kPathway || options.format != ReportFormat::kCsv) {
      return FlagError("section",
                       "only with --format csv (the table and JSON hold "
                       "every section)");
    }
    absl::StatusOr<PathwaySection> section =
        ParsePathwaySection(args.GetString("section"));
    if (!section.ok()) return section.status();
    options.section = *section;
  }
  return options;
}

std::string RenderReport(const v1::OutcomeReport& report,
                         const ReportOptions& options) {
  switch (options.format) {
    case ReportFormat::kCsv:
      return RenderOutcomeCsv(report);
    case ReportFormat::kJson:
      return ToJson(report, true);
    case ReportFormat::kTable:
      break;
  }
  return RenderOutcomeTable(report);
}

std::string RenderReport(const v1::PathwayReport& report,
                         const ReportOptions& options) {
  switch (options.format) {
    case ReportFormat::kCsv:
      return RenderPathwayCsv(report, options.section);
    case ReportFormat::kJson:
      return ToJson(report, true);
    case ReportFormat::kTable:
      break;
  }
  return RenderPathwayTable(report);
}

std::string ProgressLine(int64_t seconds) {
  return absl::StrCat("waiting for the report... ", seconds, " s");
}

void RunWithProgress(const std::function<void()>& call, std::ostream& err,
                     const ProgressSettings& settings) {
  if (!settings.is_terminal || !settings.is_terminal()) {
    call();
    return;
  }
  absl::Notification done;
  std::thread worker([&call, &done] {
    call();
    done.Notify();
  });
  const absl::Time start = settings.now();
  int64_t shown = -1;
  size_t width = 0;
  while (!done.WaitForNotificationWithTimeout(settings.tick)) {
    const absl::Duration elapsed = settings.now() - start;
    if (elapsed < settings.delay) continue;
    const int64_t seconds = absl::ToInt64Seconds(elapsed);
    if (seconds == shown) continue;
    shown = seconds;
    const std::string line = ProgressLine(seconds);
    width = std::max(width, line.size());
    err << "\r" << line << std::flush;
  }
  worker.join();
  if (shown >= 0) err << "\r" << std::string(width, ' ') << "\r" << std::flush;
}

}  // namespace nhs::tobacco::cli
