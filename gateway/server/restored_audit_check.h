#ifndef GATEWAY_SERVER_RESTORED_AUDIT_CHECK_H_
#define GATEWAY_SERVER_RESTORED_AUDIT_CHECK_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "nhs/tobacco/v1/config.pb.h"

namespace nhs::tobacco::server {

// What the audit chain of a restored database looks like before any
// gateway starts on it.
struct RestoredAuditChain {
  int64_t rows_checked = 0;
  int64_t head_sequence = 0;
  // The newest checkpoint in the configured checkpoint file (0: none). A
  // checkpoint past the head names rows written after the backup: they
  // are not in it, and the file must be set aside before the gateway
  // starts, or every later `audit verify` reports the restore as a cut
  // tail (README "Backup and restore").
  int64_t newest_checkpoint = 0;
};

// Opens the store `config` names (migrating it, as a start would) with the
// gateway stopped, and walks its whole audit chain under the configured
// keys, without the checkpoint file (the backup predates its newest
// lines). DATA_LOSS naming the first broken row when a row does not
// verify; the key errors of LoadAuditKeys when the keys are missing.
absl::StatusOr<RestoredAuditChain> CheckRestoredAuditChain(
    const v1::GatewayConfig& config);

}  // namespace nhs::tobacco::server

#endif  // GATEWAY_SERVER_RESTORED_AUDIT_CHECK_H_
