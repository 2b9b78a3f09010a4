#ifndef GATEWAY_PATHWAY_AUDIT_CHAIN_WALK_H_
#define GATEWAY_PATHWAY_AUDIT_CHAIN_WALK_H_

#include "absl/status/status.h"
#include "gateway/security/audit_chain.h"
#include "gateway/store/store.h"

namespace nhs::tobacco::pathway {

// Feeds every audit row of `store`, in sequence order, a page at a time, to
// `verifier` and then calls its Finish(), stopping at the first break. The
// verifier's verdict goes to `verdict` (its finding() says where); the
// returned status is the store's, non-OK only when a page cannot be read.
// `audit verify` and `restore`'s check of a backup walk the chain alike.
absl::Status WalkAuditChain(store::Store& store,
                            security::AuditChainVerifier& verifier,
                            absl::Status& verdict);

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_AUDIT_CHAIN_WALK_H_
