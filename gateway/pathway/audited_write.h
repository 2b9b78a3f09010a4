#ifndef GATEWAY_PATHWAY_AUDITED_WRITE_H_
#define GATEWAY_PATHWAY_AUDITED_WRITE_H_

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gateway/common/clock.h"
#include "gateway/common/error_reason.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/text_fields.h"
#include "gateway/pathway/caller.h"
#include "gateway/pathway/pathway_options.h"
#include "gateway/pathway/record_ids.h"
#include "gateway/pathway/record_stamps.h"
#include "gateway/security/principal.h"
#include "gateway/store/store.h"
#include "google/protobuf/message.h"
#include "nhs/tobacco/v1/care.pb.h"
#include "nhs/tobacco/v1/outcome.pb.h"
#include "nhs/tobacco/v1/prescription.pb.h"
#include "nhs/tobacco/v1/referral.pb.h"
#include "nhs/tobacco/v1/safety_alert.pb.h"

namespace nhs::tobacco::pathway {

inline std::string RecordIdOf(const v1::Referral& r) { return r.referral_id(); }
inline std::string RecordIdOf(const v1::PrescriptionRequest& p) {
  return p.prescription_id();
}
inline std::string RecordIdOf(const v1::Outcome& o) { return o.outcome_id(); }
// safety: a CYP1A2 safety alert.
inline std::string RecordIdOf(const v1::SafetyAlert& a) { return a.alert_id(); }
inline std::string RecordIdOf(const v1::Contact& c) { return c.contact_id(); }

// What the audit row of a change names: the operation (also the
// idempotency scope) and, for a refusal, the record asked about. The check
// step may refine both (a dispense report's step depends on the route of
// the request it finds).
struct AuditTarget {
  std::string operation;
  std::string record_id;
};

// The one way a use case changes records and reads them on a caller's
// behalf, with the audit row that goes with it. Thread-safe.
//
// A write runs in one store transaction: `check` (read the record,
// authorise the caller against it, check the actor and the request), then
// idempotency on (operation, request_id) - a retry gets the first answer,
// the same request_id with another body ALREADY_EXISTS - then `apply` and
// the audit row. Any failure rolls the change back and is audited in a
// transaction of its own, with today's PERMISSION_DENIED wording.
class AuditedWrites {
 public:
  // `keys` seals every audit row and outlives this.
  AuditedWrites(store::Store& store, const Clock& clock,
                const security::AuditKeyRing& keys,
                bool read_audit_fail_closed = false);

  template <typename Response>
  void Write(
      const Caller& caller, AuditTarget target, const std::string& request_id,
      const google::protobuf::Message& request,
      std::function<absl::Status(store::WriteTransaction&, AuditTarget&)> check,
      std::function<absl::StatusOr<Response>(store::WriteTransaction&)> apply,
      Reply<Response> reply) {
    // Every string of the request must be valid UTF-8 before anything is
    // stored (a proto3 string that is not never parses back): refused
    // INVALID_ARGUMENT naming the field, inside the write so the refusal
    // is audited like any other. The store checks the records it is given
    // as well (store.h).
    absl::Status text = domain::CheckTextFields(request, "", "request");
    if (!text.ok()) {
      check = [text = std::move(text)](store::WriteTransaction&, AuditTarget&) {
        return text;
      };
    }
    Write<Response>(caller, std::move(target), request_id,
                    RequestFingerprint(request), std::move(check),
                    std::move(apply), std::move(reply));
  }
  // The same with the request's fingerprint (record_ids.h) already taken.
  template <typename Response>
  void Write(
      const Caller& caller, AuditTarget target, const std::string& request_id,
      std::string fingerprint,
      std::function<absl::Status(store::WriteTransaction&, AuditTarget&)> check,
      std::function<absl::StatusOr<Response>(store::WriteTransaction&)> apply,
      Reply<Response> reply);

  // Records a read, or a refusal to read, in the audit log. A row that
  // cannot be written is retried a few times with backoff, then counted
  // (read_audit_losses()) and logged without patient data. With
  // `read_audit_fail_closed`, the read waits for the row to be durable and
  // fails UNAVAILABLE when it cannot be: pass the read's answer through
  // this and return what it gives.
  absl::Status AuditRead(const security::Principal& caller,
                         absl::string_view operation,
                         absl::string_view record_id,
                         const absl::Status& result);

  // Records a refused or failed change (asynchronously).
  void AuditFailure(const security::Principal& caller,
                    absl::string_view operation, absl::string_view record_id,
                    const absl::Status& result);

  // Read-audit rows given up on (fail-open mode).
  int64_t read_audit_losses() const { return read_audit_losses_.load(); }

  store::Store& store() { return store_; }
  const Clock& clock() const { return clock_; }
  const security::AuditKeyRing& audit_keys() const { return keys_; }

  // Backoff before each retry of a read-audit row (tests shorten it).
  void set_read_audit_backoff(absl::Duration d) { backoff_ = d; }

 private:
  void WriteReadAudit(const security::Principal& caller, std::string operation,
                      std::string record_id, std::string result, absl::Time at,
                      int attempt);

  store::Store& store_;
  const Clock& clock_;
  const security::AuditKeyRing& keys_;
  const bool read_audit_fail_closed_;
  absl::Duration backoff_ = absl::Milliseconds(50);
  std::atomic<int64_t> read_audit_losses_{0};
};

template <typename Response>
void AuditedWrites::Write(
    const Caller& caller, AuditTarget target, const std::string& request_id,
    std::string fingerprint,
    std::function<absl::Status(store::WriteTransaction&, AuditTarget&)> check,
    std::function<absl::StatusOr<Response>(store::WriteTransaction&)> apply,
    Reply<Response> reply) {
  auto result = std::make_shared<Response>();
  auto audited = std::make_shared<AuditTarget>(std::move(target));
  const absl::Time now = clock_.Now();
  store_.Write(
      [result, audited, check = std::move(check), apply = std::move(apply),
       request_id, hash = std::move(fingerprint), who = caller.principal, now,
       keys = &keys_](store::WriteTransaction& tx) -> absl::Status {
        // Authorise first, against the record as this transaction sees it:
        // a stranger never gets another caller's stored answer.
        RETURN_IF_ERROR(check(tx, *audited));
        const std::string& scope = audited->operation;
        ASSIGN_OR_RETURN(std::optional<store::IdempotencyRecord> existing,
                         tx.GetIdempotencyRecord(scope, request_id));
        if (existing.has_value()) {
          if (existing->request_hash != hash) {
            return WithReason(
                absl::AlreadyExistsError(absl::StrCat(
                    "request_id ", request_id, " was already used for a ",
                    "different ", scope,
                    " request; use a new request_id for a new request")),
                reason::kRequestIdReused);
          }
          if (!result->ParseFromString(existing->response)) {
            return absl::DataLossError("stored answer does not parse");
          }
          return AppendAudit(tx, *keys, who, scope, RecordIdOf(*result),
                             "OK_REPLAYED", now);
        }
        ASSIGN_OR_RETURN(*result, apply(tx));
        RETURN_IF_ERROR(
            AppendAudit(tx, *keys, who, scope, RecordIdOf(*result), "OK", now));
        return tx.PutIdempotencyRecord(
            scope, request_id,
            store::IdempotencyRecord{hash, result->SerializeAsString()});
      },
      [this, result, audited, reply = std::move(reply),
       who = caller.principal](absl::Status status) {
        if (!status.ok()) {
          // The change rolled back with its audit row; record the refusal.
          AuditFailure(who, audited->operation, audited->record_id, status);
          reply(std::move(status));
        } else {
          reply(std::move(*result));
        }
      });
}

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_AUDITED_WRITE_H_
