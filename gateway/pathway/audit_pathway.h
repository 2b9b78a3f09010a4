#ifndef GATEWAY_PATHWAY_AUDIT_PATHWAY_H_
#define GATEWAY_PATHWAY_AUDIT_PATHWAY_H_

#include "absl/status/statusor.h"
#include "gateway/common/clock.h"
#include "gateway/pathway/audit_use_cases.h"
#include "gateway/pathway/operator_gate.h"
#include "gateway/store/store.h"

namespace nhs::tobacco::pathway {

// The audit log as operators read it: admin only, every access itself
// audited (through OperatorGate). Thread-safe.
class AuditPathway final : public AuditUseCases {
 public:
  AuditPathway(store::Store& store, const Clock& clock)
      : store_(store), gate_(store, clock) {}

  void VerifyAuditChain(const security::Principal& caller,
                        const v1::VerifyAuditChainRequest& request,
                        Reply<v1::VerifyAuditChainResponse> reply) override;
  void ListAuditRecords(const security::Principal& caller,
                        const v1::ListAuditRecordsRequest& request,
                        Reply<v1::ListAuditRecordsResponse> reply) override;

 private:
  absl::StatusOr<v1::VerifyAuditChainResponse> Verify();
  absl::StatusOr<v1::ListAuditRecordsResponse> List(
      const v1::ListAuditRecordsRequest& request);

  store::Store& store_;
  OperatorGate gate_;
};

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_AUDIT_PATHWAY_H_
