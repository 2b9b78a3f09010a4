#include "gateway/security/audit_checkpoint.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace nhs::tobacco::security {
namespace {

constexpr absl::string_view kVersion = "1";

bool IsHexHash(absl::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(c) && !(c >= 'a' && c <= 'f')) return false;
  }
  return true;
}

}  // namespace

std::string FormatAuditCheckpoint(const AuditCheckpoint& c) {
  return absl::StrCat(
      kAuditCheckpointMarker, " v=", kVersion, " seq=", c.sequence,
      " hash=", c.hash, " key=", c.key_id.empty() ? "-" : c.key_id,
      " at=", absl::FormatTime(absl::RFC3339_full, c.at, absl::UTCTimeZone()));
}

absl::StatusOr<AuditCheckpoint> ParseAuditCheckpoint(absl::string_view line) {
  const size_t start = line.find(kAuditCheckpointMarker);
  if (start == absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "not an audit checkpoint (no \"", kAuditCheckpointMarker, "\")"));
  }
  line.remove_prefix(start + kAuditCheckpointMarker.size());
  AuditCheckpoint c;
  bool version = false, sequence = false, hash = false, key = false, at = false;
  for (absl::string_view field : absl::StrSplit(
           absl::StripAsciiWhitespace(line), ' ', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(field, absl::MaxSplits('=', 1));
    const auto& [name, value] = kv;
    if (name == "v") {
      if (value != kVersion) {
        return absl::InvalidArgumentError(
            absl::StrCat("audit checkpoint version ", value, " is unknown"));
      }
      version = true;
    } else if (name == "seq") {
      sequence = absl::SimpleAtoi(value, &c.sequence) && c.sequence > 0;
      if (!sequence) {
        return absl::InvalidArgumentError(
            "audit checkpoint seq must be a positive number");
      }
    } else if (name == "hash") {
      hash = IsHexHash(value);
      if (!hash) {
        return absl::InvalidArgumentError(
            "audit checkpoint hash must be 64 lower-case hex digits");
      }
      c.hash = std::string(value);
    } else if (name == "key") {
      key = !value.empty();
      c.key_id = value == "-" ? "" : std::string(value);
    } else if (name == "at") {
      std::string error;
      at = absl::ParseTime(absl::RFC3339_full, value, &c.at, &error);
      if (!at) {
        return absl::InvalidArgumentError(
            absl::StrCat("audit checkpoint time: ", error));
      }
    }
    // Unknown fields are ignored: later versions may add some.
  }
  if (!version || !sequence || !hash || !key || !at) {
    return absl::InvalidArgumentError(
        "audit checkpoint needs v, seq, hash, key and at");
  }
  return c;
}

absl::StatusOr<std::vector<AuditCheckpoint>> ParseAuditCheckpoints(
    absl::string_view text) {
  std::vector<AuditCheckpoint> out;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    absl::StatusOr<AuditCheckpoint> c = ParseAuditCheckpoint(line);
    if (!c.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", number, ": ", c.status().message()));
    }
    out.push_back(*std::move(c));
  }
  return out;
}

}  // namespace nhs::tobacco::security
