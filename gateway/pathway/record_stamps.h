#ifndef GATEWAY_PATHWAY_RECORD_STAMPS_H_
#define GATEWAY_PATHWAY_RECORD_STAMPS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/domain/deadline_policy.h"
#include "gateway/security/audit_chain.h"
#include "gateway/security/principal.h"
#include "gateway/store/store.h"
#include "google/protobuf/timestamp.pb.h"

namespace nhs::tobacco::pathway {

// What every change stamps on the records it touches, whichever use case
// makes it: times, versions, deadlines and the audit row.

// Sets due_at for the request's current status, entered at `entered`.
void SetDueAt(v1::PrescriptionRequest& p,
              const domain::DeadlinePolicy& deadlines, absl::Time entered);

// reports (issue 14): the request has just entered its status at `now`;
// stamps acknowledged_at (ACKNOWLEDGED), prescribed_or_supplied_at
// (PRESCRIBED or SUPPLIED) or dispensed_at (DISPENSED) the first time only.
void StampStep(v1::PrescriptionRequest& p, absl::Time now);

// What first_overdue_waiting_on names while the gateway still holds a
// request (RECOMMENDED, not yet sent).
inline constexpr absl::string_view kWaitingOnGateway = "GATEWAY";

// The organisation a request waits on in its current status: the
// gateway while unsent, its target once sent (SENT, ACKNOWLEDGED,
// APPOINTMENT_REQUIRED: the statuses with deadlines).
std::string WaitingOn(const v1::PrescriptionRequest& p);

// The request has just gone overdue: records whom it waited on, the first
// time only (never cleared).
void StampFirstOverdue(v1::PrescriptionRequest& p);

// `current` moved to `next` at `now`: version bumped, a new deadline for
// the new state (overdue belonged to the old one), the step's first time
// stamped (StampStep).
v1::PrescriptionRequest Advanced(const v1::PrescriptionRequest& current,
                                 v1::PrescriptionStatus next,
                                 const domain::DeadlinePolicy& deadlines,
                                 absl::Time now);

// Chains one audit row to the newest, in the caller's transaction, sealed
// with the ring's current key.
absl::Status AppendAudit(store::WriteTransaction& tx,
                         const security::AuditKeyRing& keys,
                         const security::Principal& who,
                         absl::string_view operation,
                         absl::string_view record_id, absl::string_view result,
                         absl::Time at);

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_RECORD_STAMPS_H_
