#ifndef GATEWAY_CLI_ARGS_H_
#define GATEWAY_CLI_ARGS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace nhs::tobacco::cli {

// One flag a command accepts. Flags are spelled "--name value" or
// "--name=value"; a switch (takes_value false) is "--name" or
// "--name=true|false".
struct FlagSpec {
  std::string name;  // Without the leading dashes.
  bool takes_value = true;
  bool repeatable = false;
  std::string help;
};

// The flags and positional arguments after the command words, checked
// against the command's FlagSpecs. Accessors return InvalidArgument naming
// the flag ("--cigarettes-per-day: ...") so usage errors say what to fix.
//
// We parse ourselves rather than with absl/flags because absl flags are
// process-global: subcommands with their own flags, and unit tests that
// parse many command lines in one process, need a value type.
class ParsedArgs {
 public:
  void Add(absl::string_view name, absl::string_view value);
  void AddPositional(absl::string_view value);

  bool Has(absl::string_view name) const;
  // The last value given, or `fallback` when the flag is absent.
  std::string GetString(absl::string_view name,
                        absl::string_view fallback = "") const;
  // Every value of a repeatable flag, in order.
  std::vector<std::string> GetAll(absl::string_view name) const;
  absl::StatusOr<std::optional<int>> GetInt(absl::string_view name) const;
  absl::StatusOr<std::optional<int64_t>> GetInt64(absl::string_view name) const;
  absl::StatusOr<std::optional<double>> GetDouble(absl::string_view name) const;
  // Absent switches are false.
  absl::StatusOr<bool> GetBool(absl::string_view name) const;
  // A flag that must be present and non-empty.
  absl::StatusOr<std::string> GetRequired(absl::string_view name) const;

  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
  std::vector<std::string> positionals_;
};

// Splits `args` (argv without the program name) into the words that name the
// command and everything else. Global flags may appear anywhere; command
// flags only after the command words (before them we cannot know which flags
// take a value). `is_command` says whether a word sequence names a complete
// command; `command_flags` returns that command's flags.
struct ParsedCommandLine {
  std::vector<std::string> command;
  ParsedArgs args;
};
using CommandLookup =
    std::function<const std::vector<FlagSpec>*(absl::Span<const std::string>)>;
absl::StatusOr<ParsedCommandLine> ParseCommandLine(
    absl::Span<const std::string> args, absl::Span<const FlagSpec> global_flags,
    const CommandLookup& command_flags);

// "--name: message" as an InvalidArgument status.
absl::Status FlagError(absl::string_view name, absl::string_view message);

}  // namespace nhs::tobacco::cli

#endif  // GATEWAY_CLI_ARGS_H_
