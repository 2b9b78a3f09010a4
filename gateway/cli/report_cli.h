#ifndef GATEWAY_CLI_REPORT_CLI_H_
#define GATEWAY_CLI_REPORT_CLI_H_

#include <unistd.h>

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gateway/cli/args.h"
#include "gateway/cli/report_render.h"
#include "nhs/tobacco/v1/report.pb.h"
#include "nhs/tobacco/v1/report_service.pb.h"

namespace nhs::tobacco::cli {

// reports (issue 14): `tobaccoctl report outcomes|pathway --from DATE --to
// DATE [--by source,route] [--format table|csv|json] [--section S]`.
// Request building and option parsing are pure; the call itself is made by
// the command table (commands.cc) through RunWithProgress.

enum class ReportKind { kOutcomes, kPathway };
enum class ReportFormat { kTable, kCsv, kJson };

struct ReportOptions {
  ReportFormat format = ReportFormat::kTable;
  // Pathway CSV only: which part of the report the CSV holds.
  PathwaySection section = PathwaySection::kRows;
};

// The command's flags, for the command table and its help.
std::vector<FlagSpec> ReportFlags(ReportKind kind);

// --from and --to (YYYY-MM-DD, real days, from not after to) and --by
// (comma-separated breakdown names, repeatable, each at most once, in
// column order). Every error is InvalidArgument naming the flag; an unknown
// breakdown lists the valid names. Nothing is sent before this succeeds.
absl::StatusOr<v1::ReportRequest> BuildReportRequest(const ParsedArgs& args);

// --format (default table; the global --json means json and conflicts with
// any other --format) and --section (pathway CSV only).
absl::StatusOr<ReportOptions> ParseReportOptions(const ParsedArgs& args,
                                                 ReportKind kind,
                                                 bool global_json);

// The answer as the options ask (JSON: the message as proto3 JSON).
std::string RenderReport(const v1::OutcomeReport& report,
                         const ReportOptions& options);
std::string RenderReport(const v1::PathwayReport& report,
                         const ReportOptions& options);

// Progress while a report is computed. Only on a terminal: a script
// reading a pipe or a file sees nothing on stderr unless something fails.
struct ProgressSettings {
  // Whether stderr is a terminal (asked once per call).
  std::function<bool()> is_terminal = [] {
    return ::isatty(STDERR_FILENO) == 1;
  };
  std::function<absl::Time()> now = [] { return absl::Now(); };
  // Nothing is shown for an answer quicker than this.
  absl::Duration delay = absl::Seconds(1);
  // How often the line is redrawn (it changes once a second).
  absl::Duration tick = absl::Milliseconds(100);
};

// "waiting for the report... 3 s" (no line end: redrawn after "\r").
std::string ProgressLine(int64_t seconds);

// Runs `call` on another thread. On a terminal, once `delay` has passed
// without an answer, writes ProgressLine on `err` behind a carriage return,
// redrawn each second; when `call` returns the line is blanked and the
// cursor put back at its start, so whatever follows prints on a clean
// line. Not a terminal: just runs `call`, writing nothing.
void RunWithProgress(const std::function<void()>& call, std::ostream& err,
                     const ProgressSettings& settings);

}  // namespace nhs::tobacco::cli

#endif  // GATEWAY_CLI_REPORT_CLI_H_
