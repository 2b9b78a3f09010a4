#ifndef GATEWAY_PATHWAY_AUDIT_USE_CASES_H_
#define GATEWAY_PATHWAY_AUDIT_USE_CASES_H_

#include "gateway/pathway/reply.h"
#include "gateway/security/principal.h"
#include "nhs/tobacco/v1/admin_service.pb.h"

namespace nhs::tobacco::pathway {

// Reading the audit log: admin only. The use case authorises `caller` and
// records the access (or its refusal) in the log itself before it replies.
// Replies may run on a store thread and must not block. Thread-safe.
class AuditUseCases {
 public:
  virtual ~AuditUseCases() = default;

  // Walks the whole chain and reports the first broken row.
  virtual void VerifyAuditChain(const security::Principal& caller,
                                const v1::VerifyAuditChainRequest& request,
                                Reply<v1::VerifyAuditChainResponse> reply) = 0;
  virtual void ListAuditRecords(const security::Principal& caller,
                                const v1::ListAuditRecordsRequest& request,
                                Reply<v1::ListAuditRecordsResponse> reply) = 0;
};

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_AUDIT_USE_CASES_H_
