#ifndef GATEWAY_PATHWAY_AUDIT_PATHWAY_H_
#define GATEWAY_PATHWAY_AUDIT_PATHWAY_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "gateway/common/clock.h"
#include "gateway/pathway/audit_use_cases.h"
#include "gateway/pathway/operator_gate.h"
#include "gateway/security/audit_chain.h"
#include "gateway/store/store.h"

namespace nhs::tobacco::pathway {

// Where VerifyAuditChain finds checkpoints when the request gives none: the
// configured checkpoint file. `read` returns its text, NOT_FOUND while no
// checkpoint has been written; null reads nothing.
struct AuditCheckpointSource {
  std::string name;
  std::function<absl::StatusOr<std::string>()> read;
};

// The audit log as operators read it: admin only, every access itself
// audited (through OperatorGate). Thread-safe.
class AuditPathway final : public AuditUseCases {
 public:
  // `keys` seals this pathway's own audit rows and verifies every row; it
  // outlives this.
  AuditPathway(store::Store& store, const Clock& clock,
               const security::AuditKeyRing& keys,
               AuditCheckpointSource checkpoints = {})
      : store_(store),
        keys_(keys),
        checkpoints_(std::move(checkpoints)),
        gate_(store, clock, keys) {}

  void VerifyAuditChain(const security::Principal& caller,
                        const v1::VerifyAuditChainRequest& request,
                        Reply<v1::VerifyAuditChainResponse> reply) override;
  void ListAuditRecords(const security::Principal& caller,
                        const v1::ListAuditRecordsRequest& request,
                        Reply<v1::ListAuditRecordsResponse> reply) override;

 private:
  absl::StatusOr<v1::VerifyAuditChainResponse> Verify(
      const v1::VerifyAuditChainRequest& request);
  absl::StatusOr<v1::ListAuditRecordsResponse> List(
      const v1::ListAuditRecordsRequest& request);

  store::Store& store_;
  const security::AuditKeyRing& keys_;
  const AuditCheckpointSource checkpoints_;
  OperatorGate gate_;
};

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_AUDIT_PATHWAY_H_
