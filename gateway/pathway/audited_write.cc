#include "gateway/pathway/audited_write.h"

#include "absl/time/clock.h"
#include "gateway/common/error_reason.h"
#include "gateway/common/log.h"

namespace nhs::tobacco::pathway {
namespace {

// Tries of one read-audit row before it is given up on (fail open) or the
// read is refused (fail closed).
constexpr int kReadAuditAttempts = 3;

std::string ResultName(const absl::Status& status) {
  return status.ok() ? "OK" : absl::StatusCodeToString(status.code());
}

}  // namespace

AuditedWrites::AuditedWrites(store::Store& store, const Clock& clock,
                             const security::AuditKeyRing& keys,
                             bool read_audit_fail_closed)
    : store_(store),
      clock_(clock),
      keys_(keys),
      read_audit_fail_closed_(read_audit_fail_closed) {}

void AuditedWrites::AuditFailure(const security::Principal& caller,
                                 absl::string_view operation,
                                 absl::string_view record_id,
                                 const absl::Status& result) {
  WriteReadAudit(caller, std::string(operation), std::string(record_id),
                 ResultName(result), clock_.Now(), /*attempt=*/1);
}

absl::Status AuditedWrites::AuditRead(const security::Principal& caller,
                                      absl::string_view operation,
                                      absl::string_view record_id,
                                      const absl::Status& result) {
  const absl::Time now = clock_.Now();
  if (!read_audit_fail_closed_) {
    WriteReadAudit(caller, std::string(operation), std::string(record_id),
                   ResultName(result), now, /*attempt=*/1);
    return result;
  }
  // Fail closed: the answer leaves only once its audit row is durable.
  absl::Status written;
  absl::Duration backoff = backoff_;
  for (int attempt = 1; attempt <= kReadAuditAttempts; ++attempt) {
    written = store_.WriteAndWait([this, &caller, operation, record_id,
                                   name = ResultName(result),
                                   now](store::WriteTransaction& tx) {
      return AppendAudit(tx, keys_, caller, operation, record_id, name, now);
    });
    if (written.ok()) return result;
    if (attempt < kReadAuditAttempts) {
      absl::SleepFor(backoff);
      backoff *= 2;
    }
  }
  LogWarning("audit", absl::StrCat("a ", operation, " read by ",
                                   caller.ods_code, " could not be audited (",
                                   absl::StatusCodeToString(written.code()),
                                   "); refused (read_audit_fail_closed)"));
  return WithReason(
      absl::UnavailableError(
          "the read could not be recorded in the audit log; retry shortly"),
      reason::kStoreUnavailable);
}

void AuditedWrites::WriteReadAudit(const security::Principal& caller,
                                   std::string operation, std::string record_id,
                                   std::string result, absl::Time at,
                                   int attempt) {
  // The done callback runs on a store thread and must not block, so a
  // retry is queued again at once rather than after a sleep; the store's
  // own queue spaces the tries.
  store_.Write(
      [keys = &keys_, who = caller, operation, record_id, result,
       at](store::WriteTransaction& tx) {
        return AppendAudit(tx, *keys, who, operation, record_id, result, at);
      },
      [this, who = caller, operation, record_id, result, at,
       attempt](absl::Status status) {
        if (status.ok()) return;
        if (attempt < kReadAuditAttempts) {
          WriteReadAudit(who, operation, record_id, result, at, attempt + 1);
          return;
        }
        read_audit_losses_.fetch_add(1);
        // Operation, organisation and status only: never the record's
        // contents or the patient.
        LogWarning("audit",
                   absl::StrCat("LOST the audit row of a ", operation, " by ",
                                who.ods_code, " after ", attempt, " tries (",
                                absl::StatusCodeToString(status.code()), ")"));
      });
}

}  // namespace nhs::tobacco::pathway
