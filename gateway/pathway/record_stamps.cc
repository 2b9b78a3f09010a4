#include "gateway/pathway/record_stamps.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/timestamps.h"
#include "gateway/security/audit_chain.h"

namespace nhs::tobacco::pathway {

void SetDueAt(v1::PrescriptionRequest& p,
              const domain::DeadlinePolicy& deadlines, absl::Time entered) {
  std::optional<absl::Time> due = deadlines.DueAt(p.status(), entered);
  if (due.has_value()) {
    *p.mutable_due_at() = domain::ToTimestamp(*due);
  } else {
    p.clear_due_at();
  }
}

void StampStep(v1::PrescriptionRequest& p, absl::Time now) {
  google::protobuf::Timestamp* at = nullptr;
  switch (p.status()) {
    case v1::PRESCRIPTION_STATUS_ACKNOWLEDGED:
      if (!p.has_acknowledged_at()) at = p.mutable_acknowledged_at();
      break;
    case v1::PRESCRIPTION_STATUS_PRESCRIBED:
    case v1::PRESCRIPTION_STATUS_SUPPLIED:
      if (!p.has_prescribed_or_supplied_at()) {
        at = p.mutable_prescribed_or_supplied_at();
      }
      break;
    case v1::PRESCRIPTION_STATUS_DISPENSED:
      if (!p.has_dispensed_at()) at = p.mutable_dispensed_at();
      break;
    default:
      break;
  }
  if (at != nullptr) *at = domain::ToTimestamp(now);
}

std::string WaitingOn(const v1::PrescriptionRequest& p) {
  if (p.status() == v1::PRESCRIPTION_STATUS_RECOMMENDED ||
      p.target().ods_code().empty()) {
    return std::string(kWaitingOnGateway);
  }
  return p.target().ods_code();
}

void StampFirstOverdue(v1::PrescriptionRequest& p) {
  if (p.first_overdue_waiting_on().empty()) {
    p.set_first_overdue_waiting_on(WaitingOn(p));
  }
}

v1::PrescriptionRequest Advanced(const v1::PrescriptionRequest& current,
                                 v1::PrescriptionStatus next,
                                 const domain::DeadlinePolicy& deadlines,
                                 absl::Time now) {
  v1::PrescriptionRequest updated = current;
  updated.set_status(next);
  updated.set_version(current.version() + 1);
  *updated.mutable_updated_at() = domain::ToTimestamp(now);
  updated.set_overdue(false);
  SetDueAt(updated, deadlines, now);
  StampStep(updated, now);
  return updated;
}

absl::Status AppendAudit(store::WriteTransaction& tx,
                         const security::AuditKeyRing& keys,
                         const security::Principal& who,
                         absl::string_view operation,
                         absl::string_view record_id, absl::string_view result,
                         absl::Time at) {
  ASSIGN_OR_RETURN(std::optional<v1::AuditRecord> last, tx.LastAuditRecord());
  v1::AuditRecord row;
  row.set_sequence(last.has_value() ? last->sequence() + 1 : 1);
  *row.mutable_at() = domain::ToTimestamp(at);
  row.set_ods_code(who.ods_code);
  row.set_role(std::string(security::RoleName(who.role)));
  row.set_operation(std::string(operation));
  row.set_record_id(std::string(record_id));
  row.set_result(std::string(result));
  // The person acting for the organisation, where the edge named one
  // (issue 13): register and number identify them; no name in the log.
  if (!who.practitioner.empty()) {
    row.set_practitioner(absl::StrCat(who.practitioner.register_code, " ",
                                      who.practitioner.number));
  }
  // The first keyed row of an old database anchors on its last unkeyed
  // row's hash, like any other row.
  keys.Seal(last.has_value() ? last->hash()
                             : std::string(security::kAuditGenesisHash),
            row);
  return tx.InsertAuditRecord(row);
}

}  // namespace nhs::tobacco::pathway
