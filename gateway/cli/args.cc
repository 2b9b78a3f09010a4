#include "gateway/cli/args.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace nhs::tobacco::cli {

absl::Status FlagError(absl::string_view name, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("--", name, ": ", message));
}

void ParsedArgs::Add(absl::string_view name, absl::string_view value) {
  values_[std::string(name)].emplace_back(value);
}

void ParsedArgs::AddPositional(absl::string_view value) {
  positionals_.emplace_back(value);
}

bool ParsedArgs::Has(absl::string_view name) const {
  return values_.find(name) != values_.end();
}

std::string ParsedArgs::GetString(absl::string_view name,
                                  absl::string_view fallback) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::string(fallback);
  return it->second.back();
}

std::vector<std::string> ParsedArgs::GetAll(absl::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return {};
  return it->second;
}

absl::StatusOr<std::optional<int>> ParsedArgs::GetInt(
    absl::string_view name) const {
  if (!Has(name)) return std::optional<int>();
  std::string text = GetString(name);
  int value = 0;
  if (!absl::SimpleAtoi(text, &value)) {
    return FlagError(name, absl::StrCat("\"", text, "\" is not an integer"));
  }
  return std::optional<int>(value);
}

absl::StatusOr<std::optional<int64_t>> ParsedArgs::GetInt64(
    absl::string_view name) const {
  if (!Has(name)) return std::optional<int64_t>();
  std::string text = GetString(name);
  int64_t value = 0;
  if (!absl::SimpleAtoi(text, &value)) {
    return FlagError(name, absl::StrCat("\"", text, "\" is not an integer"));
  }
  return std::optional<int64_t>(value);
}

absl::StatusOr<std::optional<double>> ParsedArgs::GetDouble(
    absl::string_view name) const {
  if (!Has(name)) return std::optional<double>();
  std::string text = GetString(name);
  double value = 0;
  if (!absl::SimpleAtod(text, &value)) {
    return FlagError(name, absl::StrCat("\"", text, "\" is not a number"));
  }
  return std::optional<double>(value);
}

absl::StatusOr<bool> ParsedArgs::GetBool(absl::string_view name) const {
  if (!Has(name)) return false;
  std::string text = absl::AsciiStrToLower(GetString(name));
  if (text == "true" || text == "yes" || text == "1") return true;
  if (text == "false" || text == "no" || text == "0") return false;
  return FlagError(name, absl::StrCat("\"", text, "\" is not true or false"));
}

absl::StatusOr<std::string> ParsedArgs::GetRequired(
    absl::string_view name) const {
  std::string value = GetString(name);
  if (value.empty()) return FlagError(name, "required");
  return value;
}

namespace {

const FlagSpec* FindFlag(absl::string_view name,
                         absl::Span<const FlagSpec> global_flags,
                         const std::vector<FlagSpec>* command_flags) {
  for (const FlagSpec& flag : global_flags) {
    if (flag.name == name) return &flag;
  }
  if (command_flags != nullptr) {
    for (const FlagSpec& flag : *command_flags) {
      if (flag.name == name) return &flag;
    }
  }
  return nullptr;
}

}  // namespace

absl::StatusOr<ParsedCommandLine> ParseCommandLine(
    absl::Span<const std::string> args, absl::Span<const FlagSpec> global_flags,
    const CommandLookup& command_flags) {
  ParsedCommandLine out;
  const std::vector<FlagSpec>* flags = nullptr;
  bool flags_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& token = args[i];
    if (!flags_done && token == "--") {
      flags_done = true;
      continue;
    }
    if (!flags_done && absl::StartsWith(token, "--")) {
      absl::string_view body = absl::string_view(token).substr(2);
      std::optional<std::string> inline_value;
      size_t eq = body.find('=');
      if (eq != absl::string_view::npos) {
        inline_value = std::string(body.substr(eq + 1));
        body = body.substr(0, eq);
      }
      const FlagSpec* spec = FindFlag(body, global_flags, flags);
      if (spec == nullptr) {
        if (flags == nullptr && !out.command.empty()) {
          return FlagError(body, absl::StrCat("unknown flag (is '",
                                              absl::StrJoin(out.command, " "),
                                              "' a complete command?)"));
        }
        return FlagError(
            body, flags == nullptr
                      ? "unknown flag (command flags go after the command)"
                      : absl::StrCat("unknown flag for '",
                                     absl::StrJoin(out.command, " "), "'"));
      }
      std::string value;
      if (spec->takes_value) {
        if (inline_value.has_value()) {
          value = *inline_value;
        } else if (i + 1 < args.size()) {
          value = args[++i];
        } else {
          return FlagError(body, "needs a value");
        }
      } else {
        value = inline_value.value_or("true");
      }
      if (!spec->repeatable && out.args.Has(body)) {
        return FlagError(body, "given more than once");
      }
      out.args.Add(body, value);
      if (!spec->takes_value) {
        // Validate the switch now so "--smi=maybe" fails at parse time.
        absl::StatusOr<bool> ok = out.args.GetBool(body);
        if (!ok.ok()) return ok.status();
      }
      continue;
    }
    if (!flags_done && token.size() > 1 && token[0] == '-' &&
        !absl::ascii_isdigit(static_cast<unsigned char>(token[1]))) {
      return absl::InvalidArgumentError(
          absl::StrCat(token, ": flags start with two dashes"));
    }
    if (flags == nullptr) {
      out.command.push_back(token);
      flags = command_flags(out.command);
    } else {
      out.args.AddPositional(token);
    }
  }
  return out;
}

}  // namespace nhs::tobacco::cli
