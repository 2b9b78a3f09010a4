#ifndef GATEWAY_SERVER_AUDIT_KEYS_H_
#define GATEWAY_SERVER_AUDIT_KEYS_H_

#include <string>

#include "absl/status/statusor.h"
#include "gateway/security/audit_chain.h"
#include "nhs/tobacco/v1/config.pb.h"

namespace nhs::tobacco::server {

// The audit chain's keys from the config (README "Audit chain"): the
// current key and the retired ones, each from its file or environment
// variable, never from the database. FAILED_PRECONDITION naming the field
// and file when a key is missing, unreadable, readable by other users or
// shorter than security::kMinAuditKeyBytes: the gateway does not start
// unkeyed. With development_key, a random key is made on first use in
// `data_dir` (audit-dev.key, mode 0600) and a warning logged.
absl::StatusOr<security::AuditKeyRing> LoadAuditKeys(
    const v1::AuditConfig& audit, const std::string& data_dir);

// The key id new rows carry: audit.key_id, or "dev" / "k1" by default.
std::string CurrentAuditKeyId(const v1::AuditConfig& audit);

// The checkpoint file: audit.checkpoint_file, or audit-checkpoints.log in
// `data_dir`.
std::string AuditCheckpointPath(const v1::AuditConfig& audit,
                                const std::string& data_dir);

}  // namespace nhs::tobacco::server

#endif  // GATEWAY_SERVER_AUDIT_KEYS_H_
