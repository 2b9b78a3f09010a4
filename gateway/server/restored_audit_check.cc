#include "gateway/server/restored_audit_check.h"

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gateway/common/status_macros.h"
#include "gateway/pathway/audit_chain_walk.h"
#include "gateway/security/audit_chain.h"
#include "gateway/security/audit_checkpoint.h"
#include "gateway/server/audit_keys.h"
#include "gateway/store/store.h"

namespace nhs::tobacco::server {

absl::StatusOr<RestoredAuditChain> CheckRestoredAuditChain(
    const v1::GatewayConfig& config) {
  const std::string& data_dir = config.store().data_dir();
  ASSIGN_OR_RETURN(security::AuditKeyRing keys,
                   LoadAuditKeys(config.audit(), data_dir));
  ASSIGN_OR_RETURN(std::unique_ptr<store::Store> store,
                   store::OpenStore(config.store()));
  security::AuditChainVerifier verifier(std::move(keys));
  RestoredAuditChain chain;
  absl::Status verdict;
  RETURN_IF_ERROR(pathway::WalkAuditChain(*store, verifier, verdict));
  if (!verdict.ok()) {
    return absl::DataLossError(absl::StrCat(
        "the backup's audit chain is broken at row ",
        verifier.finding().sequence, ": ", verifier.finding().problem));
  }
  chain.rows_checked = verifier.rows_checked();
  chain.head_sequence = verifier.head_sequence();

  // The file is evidence: read, never changed here.
  std::ifstream file(AuditCheckpointPath(config.audit(), data_dir));
  if (file) {
    std::stringstream text;
    text << file.rdbuf();
    absl::StatusOr<std::vector<security::AuditCheckpoint>> checkpoints =
        security::ParseAuditCheckpoints(text.str());
    if (checkpoints.ok()) {
      for (const security::AuditCheckpoint& c : *checkpoints) {
        chain.newest_checkpoint = std::max(chain.newest_checkpoint, c.sequence);
      }
    }
  }
  return chain;
}

}  // namespace nhs::tobacco::server
