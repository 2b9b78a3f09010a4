#ifndef GATEWAY_SECURITY_AUDIT_CHAIN_H_
#define GATEWAY_SECURITY_AUDIT_CHAIN_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "nhs/tobacco/v1/admin_service.pb.h"

namespace nhs::tobacco::security {

// The hash of the first row's predecessor.
inline constexpr absl::string_view kAuditGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// Hex SHA-256 over the previous row's hash and this row's fields (sequence,
// time, who, what, result) in a fixed, length-prefixed layout, so changing,
// removing or reordering any row breaks every hash after it.
std::string AuditRowHash(absl::string_view previous_hash,
                         const v1::AuditRecord& record);

// Walks rows in sequence order. Feed every row to Next(); the first row
// that does not follow (a gap, a reordering or a hash that does not match)
// makes Next() return DATA_LOSS naming its sequence, and the verifier stays
// broken. Thread-compatible.
class AuditChainVerifier {
 public:
  absl::Status Next(const v1::AuditRecord& record);
  int64_t rows_checked() const { return rows_checked_; }
  int64_t first_broken_sequence() const { return first_broken_; }

 private:
  std::string previous_hash_ = std::string(kAuditGenesisHash);
  int64_t previous_sequence_ = 0;
  int64_t rows_checked_ = 0;
  int64_t first_broken_ = 0;
  absl::Status broken_;
};

}  // namespace nhs::tobacco::security

#endif  // GATEWAY_SECURITY_AUDIT_CHAIN_H_
