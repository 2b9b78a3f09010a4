#ifndef GATEWAY_API_AUTHORIZATION_H_
#define GATEWAY_API_AUTHORIZATION_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gateway/domain/prescription_state_machine.h"
#include "gateway/security/access_policy.h"
#include "gateway/security/principal.h"

namespace nhs::tobacco::api {

// The access-policy operation a protocol step needs, whatever the edge.
inline security::Operation OperationFor(domain::PrescriptionAction action) {
  using domain::PrescriptionAction;
  using security::Operation;
  switch (action) {
    case PrescriptionAction::kMarkSent:
      return Operation::kMarkSent;
    case PrescriptionAction::kAcknowledge:
      return Operation::kAcknowledge;
    case PrescriptionAction::kPrescribe:
      return Operation::kPrescribe;
    case PrescriptionAction::kDecline:
      return Operation::kDecline;
    case PrescriptionAction::kRequireAppointment:
      return Operation::kRequireAppointment;
    case PrescriptionAction::kDispense:
      return Operation::kDispense;
    case PrescriptionAction::kSupply:
      return Operation::kSupply;
    case PrescriptionAction::kRecordNotSupplied:
      return Operation::kRecordNotSupplied;
    case PrescriptionAction::kCancel:
    case PrescriptionAction::kExpire:
      return Operation::kCancel;
  }
  return Operation::kCancel;
}

// The record if `caller` may perform `op` on it. A missing record and a
// record the caller is not entitled to give the same PERMISSION_DENIED, so
// the answer never reveals whether a record exists; only the development
// principal sees NOT_FOUND.
template <typename Record>
absl::StatusOr<Record> AuthorizeRecord(const security::Principal& caller,
                                       security::Operation op,
                                       absl::StatusOr<Record> record,
                                       bool holds_eps_id = false) {
  if (caller.role == security::Role::kDevelopment) return record;
  if (!record.ok()) {
    if (record.status().code() != absl::StatusCode::kNotFound) return record;
    // Word for word what Authorize() says to a caller not entitled to an
    // existing record, so the text gives nothing away either.
    return absl::PermissionDeniedError(absl::StrCat(
        security::OperationName(op), " refused for ", caller.ods_code, " (",
        security::RoleName(caller.role), "): ", security::kNotEntitled));
  }
  security::RecordView view = security::ViewOf(*record);
  view.holds_eps_id = holds_eps_id;
  absl::Status allowed = security::Authorize(caller, op, view);
  if (!allowed.ok()) return allowed;
  return record;
}

}  // namespace nhs::tobacco::api

#endif  // GATEWAY_API_AUTHORIZATION_H_
