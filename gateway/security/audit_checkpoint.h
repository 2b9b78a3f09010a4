#ifndef GATEWAY_SECURITY_AUDIT_CHECKPOINT_H_
#define GATEWAY_SECURITY_AUDIT_CHECKPOINT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace nhs::tobacco::security {

// A checkpoint of the audit chain's head, written off the database (the
// journal and an append-only file) so that a rewritten or cut log can be
// told from the real one: the sequence of the newest row, its keyed hash,
// the key id that sealed it ("" for an unkeyed row) and when. No patient
// data: audit rows' contents never appear.
struct AuditCheckpoint {
  int64_t sequence = 0;
  std::string hash;
  std::string key_id;
  absl::Time at;
};

// The marker every checkpoint line starts with; a line found in the journal
// or a SIEM export (with its own prefix before the marker) parses too.
inline constexpr absl::string_view kAuditCheckpointMarker =
    "tobacco-audit-checkpoint";

// One line, without a newline:
//   tobacco-audit-checkpoint v=1 seq=42 hash=<64 hex> key=k1 at=<RFC 3339>
// (key=- for an unkeyed head).
std::string FormatAuditCheckpoint(const AuditCheckpoint& checkpoint);

// Parses a line FormatAuditCheckpoint wrote, with anything before the
// marker ignored; INVALID_ARGUMENT naming what is wrong otherwise.
absl::StatusOr<AuditCheckpoint> ParseAuditCheckpoint(absl::string_view line);

// Every checkpoint in a checkpoint file's text, in file order; blank lines
// are skipped, any other line that does not parse is INVALID_ARGUMENT
// naming its line number.
absl::StatusOr<std::vector<AuditCheckpoint>> ParseAuditCheckpoints(
    absl::string_view text);

}  // namespace nhs::tobacco::security

#endif  // GATEWAY_SECURITY_AUDIT_CHECKPOINT_H_
