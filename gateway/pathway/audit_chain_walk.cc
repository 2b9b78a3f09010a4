#include "gateway/pathway/audit_chain_walk.h"

#include <cstdint>
#include <vector>

#include "gateway/common/status_macros.h"

namespace nhs::tobacco::pathway {

absl::Status WalkAuditChain(store::Store& store,
                            security::AuditChainVerifier& verifier,
                            absl::Status& verdict) {
  // Pages bound the memory of a long chain.
  constexpr int kPage = 1000;
  int64_t after = 0;
  verdict = absl::OkStatus();
  while (verdict.ok()) {
    std::vector<v1::AuditRecord> rows;
    RETURN_IF_ERROR(store.Read([&](store::ReadTransaction& tx) -> absl::Status {
      ASSIGN_OR_RETURN(rows, tx.ListAuditRecords(after, kPage));
      return absl::OkStatus();
    }));
    if (rows.empty()) {
      verdict = verifier.Finish();
      break;
    }
    for (const v1::AuditRecord& row : rows) {
      verdict = verifier.Next(row);
      if (!verdict.ok()) break;
      after = row.sequence();
    }
  }
  return absl::OkStatus();
}

}  // namespace nhs::tobacco::pathway
