#include "gateway/pathway/operator_gate.h"

#include "absl/strings/str_cat.h"
#include "gateway/common/log.h"
#include "gateway/pathway/record_stamps.h"
#include "gateway/security/access_policy.h"

namespace nhs::tobacco::pathway {

std::string AuditResultName(const absl::Status& status) {
  return status.ok() ? "OK" : absl::StatusCodeToString(status.code());
}

absl::Status OperatorGate::Authorize(const security::Principal& caller,
                                     security::Operation op) {
  // Operator calls are checked as kAdminister (PermissionFor); the record
  // view is empty because no operator function is scoped to a record's
  // organisations.
  return security::Authorize(caller, op, security::RecordView());
}

absl::Status OperatorGate::AppendRow(
    store::WriteTransaction& tx, const security::AuditKeyRing& keys,
    const security::Principal& who, absl::string_view operation,
    absl::string_view record_id, const absl::Status& result, absl::Time now) {
  return AppendAudit(tx, keys, who, operation, record_id,
                     AuditResultName(result), now);
}

void OperatorGate::AuditThen(store::Store& store, const Clock& clock,
                             const security::AuditKeyRing& keys,
                             const security::Principal& who,
                             absl::string_view operation,
                             absl::string_view record_id,
                             const absl::Status& result,
                             std::function<void(absl::Status)> done) {
  const absl::Time now = clock.Now();
  store.Write(
      [keys = &keys, who, op = std::string(operation),
       id = std::string(record_id), result, now](store::WriteTransaction& tx) {
        return AppendRow(tx, *keys, who, op, id, result, now);
      },
      [op = std::string(operation),
       done = std::move(done)](absl::Status written) {
        if (written.ok()) {
          done(absl::OkStatus());
          return;
        }
        // The operation and the store's error carry no patient data.
        LogError("audit", absl::StrCat("row of ", op, " could not be written: ",
                                       written.ToString()));
        done(absl::UnavailableError(
            "the audit log could not record this request; try again"));
      });
}

}  // namespace nhs::tobacco::pathway
