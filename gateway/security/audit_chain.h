#ifndef GATEWAY_SECURITY_AUDIT_CHAIN_H_
#define GATEWAY_SECURITY_AUDIT_CHAIN_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/security/audit_checkpoint.h"
#include "nhs/tobacco/v1/admin_service.pb.h"

namespace nhs::tobacco::security {

// The hash of the first row's predecessor.
inline constexpr absl::string_view kAuditGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// The smallest audit key accepted (bytes of secret).
inline constexpr size_t kMinAuditKeyBytes = 32;

// Hex SHA-256 over the previous row's hash and this row's fields (sequence,
// time, who, what, result) in a fixed, length-prefixed layout: the unkeyed
// scheme of rows written before the gateway was keyed (key_id empty).
// Anyone can recompute it, so it detects accidents, not tampering.
std::string AuditRowHash(absl::string_view previous_hash,
                         const v1::AuditRecord& record);

// Hex HMAC-SHA256 of `data` under `secret` (OpenSSL); empty when OpenSSL
// cannot compute one (an empty hash matches nothing, so a chain is never
// sealed or passed without its MAC; the gateway checks it at start).
std::string HmacSha256Hex(absl::string_view secret, absl::string_view data);

// Hex HMAC-SHA256 under `secret` over the same layout plus the row's key id:
// without the secret nobody can make a row, or a chain after a changed row,
// that verifies.
std::string KeyedAuditRowHash(absl::string_view secret,
                              absl::string_view previous_hash,
                              const v1::AuditRecord& record);

// An audit key: its id (stored in each row it seals) and secret.
struct AuditKey {
  std::string id;
  std::string secret;
};

// True for a usable key id: 1-32 of [A-Za-z0-9._-] (it goes in checkpoint
// lines and rows as is).
bool ValidAuditKeyId(absl::string_view id);

// The key new rows are sealed with and every key rows may carry (the
// current one and retired ones, after rotation). Default-constructed: no
// key, rows are sealed unkeyed (old databases and tests of them only; the
// gateway refuses to start without a key). Immutable, thread-safe.
class AuditKeyRing {
 public:
  AuditKeyRing() = default;
  explicit AuditKeyRing(AuditKey current, std::vector<AuditKey> retired = {});

  bool keyed() const { return !current_id_.empty(); }
  const std::string& current_id() const { return current_id_; }

  // Sets `row`'s key_id (the current key) and hash, chained to
  // `previous_hash`.
  void Seal(absl::string_view previous_hash, v1::AuditRecord& row) const;

  // The hash `row` must carry under the key its key_id names (plain
  // SHA-256 for an empty key_id); NOT_FOUND for a key id not held.
  absl::StatusOr<std::string> ExpectedHash(absl::string_view previous_hash,
                                           const v1::AuditRecord& row) const;

 private:
  std::string current_id_;
  std::map<std::string, std::string, std::less<>> secrets_;
};

// What a verification found (fault UNSPECIFIED: nothing wrong so far).
struct AuditChainFinding {
  v1::AuditChainFault fault = v1::AUDIT_CHAIN_FAULT_UNSPECIFIED;
  // The row named (for a missing tail: the checkpoint's row).
  int64_t sequence = 0;
  std::string problem;
};

// Walks rows in sequence order against a key ring and, optionally,
// checkpoints of the head. Feed every row to Next(), then call Finish().
// The first fault (a gap, a row that does not match its keyed hash, an
// unknown key, an unkeyed row after keyed ones, a row whose hash differs
// from a checkpoint's, a log that ends before a checkpoint's row) makes
// Next()/Finish() return DATA_LOSS naming it, and the verifier stays
// broken. Thread-compatible.
class AuditChainVerifier {
 public:
  AuditChainVerifier() = default;
  explicit AuditChainVerifier(AuditKeyRing keys) : keys_(std::move(keys)) {}

  // Checkpoints each row must match (the newest also names where the log
  // must reach); call before the first row.
  void ExpectCheckpoints(const std::vector<AuditCheckpoint>& checkpoints);

  absl::Status Next(const v1::AuditRecord& record);
  // After the last row: a log that ends before the newest checkpoint is
  // missing its tail.
  absl::Status Finish();

  int64_t rows_checked() const { return rows_checked_; }
  int64_t first_broken_sequence() const { return finding_.sequence; }
  const AuditChainFinding& finding() const { return finding_; }
  int64_t head_sequence() const { return previous_sequence_; }
  const std::string& head_hash() const { return previous_hash_; }
  const std::string& head_key_id() const { return head_key_id_; }
  int64_t first_keyed_sequence() const { return first_keyed_; }
  // The newest checkpoint expected (nullptr: none).
  const AuditCheckpoint* newest_checkpoint() const;

 private:
  absl::Status Break(v1::AuditChainFault fault, int64_t sequence,
                     std::string problem);

  AuditKeyRing keys_;
  std::map<int64_t, AuditCheckpoint> checkpoints_;
  std::string previous_hash_ = std::string(kAuditGenesisHash);
  int64_t previous_sequence_ = 0;
  std::string head_key_id_;
  int64_t first_keyed_ = 0;
  int64_t rows_checked_ = 0;
  AuditChainFinding finding_;
  absl::Status broken_;
};

}  // namespace nhs::tobacco::security

#endif  // GATEWAY_SECURITY_AUDIT_CHAIN_H_
