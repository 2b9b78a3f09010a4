#ifndef GATEWAY_CLI_COMMANDS_H_
#define GATEWAY_CLI_COMMANDS_H_

#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "gateway/cli/args.h"
#include "gateway/cli/channel.h"
#include "gateway/cli/report_cli.h"
#include "gateway/cli/request_id.h"
#include "gateway/cli/requests.h"
#include "grpcpp/channel.h"

namespace nhs::tobacco::cli {

// Exit codes: scripts tell "fix the command line" from "the server said no".
inline constexpr int kExitOk = 0;
// The gateway refused or failed the call for good (README "tobaccoctl exit
// codes"): fix the request or ask an operator.
inline constexpr int kExitRpcError = 1;
inline constexpr int kExitUsage = 2;
// The call may work if repeated unchanged later (UNAVAILABLE,
// RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED): a script retries with the same
// --request-id, which the gateway deduplicates. ABORTED is not in the set:
// the gateway means by it that the record changed (VERSION_CONFLICT), so the
// caller reads it again first.
inline constexpr int kExitRetryable = 3;

// kExitRetryable for the retryable codes above, else kExitRpcError.
int ExitCodeFor(const grpc::Status& status);

// Flags every command accepts.
struct GlobalOptions {
  ConnectionOptions connection;
  bool json = false;
  // Deadline of each unary call. `events watch` has none: it runs until
  // stopped.
  absl::Duration timeout = absl::Seconds(30);
  // Idempotency key for a mutating call; generated when empty.
  std::string request_id;
  bool verbose = false;
  bool help = false;
};

// A parsed command line: the command words, its arguments, global options.
struct Invocation {
  std::vector<std::string> command;
  ParsedArgs args;
  GlobalOptions options;
};

// Parses argv without the program name. Errors are InvalidArgument whose
// message names the flag or argument at fault. "help ..." parses as the
// command {"help", ...}.
absl::StatusOr<Invocation> ParseInvocation(absl::Span<const std::string> args);

// What commands need from the process; the defaults are the real thing
// (random UUIDs, files, sleeping) and tests replace them.
struct Environment {
  std::function<std::string()> new_request_id = NewRequestId;
  // Reads TOBACCOCTL_TARGET, TOBACCOCTL_CA, TOBACCOCTL_CERT and
  // TOBACCOCTL_KEY (a flag given on the command line wins).
  std::function<std::optional<std::string>(const char*)> get_env =
      [](const char* name) -> std::optional<std::string> {
    const char* value = std::getenv(name);
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
  FileReader read_file = ReadWholeFile;
  // Waits between watch reconnects.
  std::function<void(absl::Duration)> sleep = [](absl::Duration d) {
    absl::SleepFor(d);
  };
  absl::Duration initial_backoff = absl::Milliseconds(500);
  absl::Duration max_backoff = absl::Seconds(30);
  // reports (issue 14): the progress line while a report is computed (on a
  // terminal only).
  ProgressSettings progress;
};

// Runs a parsed command against `channel`, writing results to `out` and
// errors (and --verbose notes) to `err`. Returns the exit code. Works with
// any channel (in-process, insecure, TLS), which is what end-to-end tests
// use.
int RunCommand(const Invocation& invocation,
               std::shared_ptr<grpc::Channel> channel, std::ostream& out,
               std::ostream& err, const Environment& env = Environment());

using ChannelFactory =
    std::function<absl::StatusOr<std::shared_ptr<grpc::Channel>>(
        const ConnectionOptions&)>;

// The whole program short of process set-up: parse, answer help, make the
// channel from the global flags, run. main() is this plus argv.
int RunTobaccoctl(absl::Span<const std::string> args, std::ostream& out,
                  std::ostream& err, const ChannelFactory& make_channel,
                  const Environment& env = Environment());

// The list of commands (for "help" and a bare "tobaccoctl").
std::string UsageText();

}  // namespace nhs::tobacco::cli

#endif  // GATEWAY_CLI_COMMANDS_H_
