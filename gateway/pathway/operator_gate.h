#ifndef GATEWAY_PATHWAY_OPERATOR_GATE_H_
#define GATEWAY_PATHWAY_OPERATOR_GATE_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/common/clock.h"
#include "gateway/pathway/reply.h"
#include "gateway/security/audit_chain.h"
#include "gateway/security/operations.h"
#include "gateway/security/principal.h"
#include "gateway/store/store.h"

namespace nhs::tobacco::pathway {

// "OK", or the status code's name ("PERMISSION_DENIED"...): the result
// column of an audit row.
std::string AuditResultName(const absl::Status& status);

// The security boundary of the operator use cases (delivery and audit):
// every call (an operator operation of security/operations.h, checked as
// kAdminister) is authorised for the admin role and leaves one audit row
// naming the caller, the operation, the record and the result - refusals
// included. An answer leaves only once its audit row is durable: an
// operator's read that the audit log could not record is not answered
// (UNAVAILABLE), so operator access never goes unrecorded; a change is
// committed with its row or not at all; a refusal stays a refusal. Replies
// run on a store thread and must not block. Thread-safe.
class OperatorGate {
 public:
  // `keys` seals the audit rows and outlives every write queued.
  OperatorGate(store::Store& store, const Clock& clock,
               const security::AuditKeyRing& keys)
      : store_(store), clock_(clock), keys_(keys) {}

  // Authorises `caller`, runs `read` on the calling thread, audits its
  // result, then replies with it.
  template <typename T>
  void Read(const security::Principal& caller, security::Operation op,
            absl::string_view record_id,
            const std::function<absl::StatusOr<T>()>& read, Reply<T> reply) {
    if (!Admitted(caller, op, record_id, reply)) return;
    const absl::string_view operation = security::OperationName(op);
    auto result = std::make_shared<absl::StatusOr<T>>(read());
    const absl::Status status = result->status();
    AuditThen(
        store_, clock_, keys_, caller, operation, record_id, status,
        [result, reply = std::move(reply)](absl::Status audited) {
          reply(audited.ok() ? std::move(*result) : absl::StatusOr<T>(audited));
        });
  }

  // Authorises `caller`, checks `invalid` (a validation error: audited,
  // nothing changed), then runs `change` in a write transaction with the
  // audit row of its success. A change that fails rolls back and its
  // failure is audited in a transaction of its own.
  template <typename T>
  void Change(
      const security::Principal& caller, security::Operation op,
      absl::string_view record_id, const absl::Status& invalid,
      std::function<absl::StatusOr<T>(store::WriteTransaction&, absl::Time now)>
          change,
      Reply<T> reply) {
    if (!Admitted(caller, op, record_id, reply)) return;
    const absl::string_view operation = security::OperationName(op);
    if (!invalid.ok()) {
      AuditThen(store_, clock_, keys_, caller, operation, record_id, invalid,
                [invalid, reply = std::move(reply)](absl::Status) {
                  reply(invalid);
                });
      return;
    }
    auto result = std::make_shared<T>();
    const absl::Time now = clock_.Now();
    store_.Write(
        [result, change = std::move(change), who = caller,
         op = std::string(operation), id = std::string(record_id), now,
         keys = &keys_](store::WriteTransaction& tx) -> absl::Status {
          absl::StatusOr<T> changed = change(tx, now);
          if (!changed.ok()) return changed.status();
          *result = *std::move(changed);
          return AppendRow(tx, *keys, who, op, id, absl::OkStatus(), now);
        },
        // The store, the clock and the keys outlive every write queued on
        // the store; this gate need not.
        [store = &store_, clock = &clock_, keys = &keys_, result,
         reply = std::move(reply), who = caller, op = std::string(operation),
         id = std::string(record_id)](absl::Status status) {
          if (status.ok()) {
            reply(std::move(*result));
            return;
          }
          AuditThen(*store, *clock, *keys, who, op, id, status,
                    [status, reply](absl::Status) { reply(status); });
        });
  }

 private:
  // True when `caller` may administer; otherwise audits the refusal, then
  // replies with it.
  template <typename T>
  bool Admitted(const security::Principal& caller, security::Operation op,
                absl::string_view record_id, const Reply<T>& reply) {
    absl::Status allowed = Authorize(caller, op);
    if (allowed.ok()) return true;
    AuditThen(store_, clock_, keys_, caller, security::OperationName(op),
              record_id, allowed,
              [allowed, reply](absl::Status) { reply(allowed); });
    return false;
  }

  static absl::Status Authorize(const security::Principal& caller,
                                security::Operation op);
  static absl::Status AppendRow(store::WriteTransaction& tx,
                                const security::AuditKeyRing& keys,
                                const security::Principal& who,
                                absl::string_view operation,
                                absl::string_view record_id,
                                const absl::Status& result, absl::Time now);

  // Writes the audit row of `result` in a transaction of its own, then calls
  // `done` with OK, or with UNAVAILABLE when the row could not be written
  // (logged, without patient data).
  static void AuditThen(store::Store& store, const Clock& clock,
                        const security::AuditKeyRing& keys,
                        const security::Principal& who,
                        absl::string_view operation,
                        absl::string_view record_id, const absl::Status& result,
                        std::function<void(absl::Status)> done);

  store::Store& store_;
  const Clock& clock_;
  const security::AuditKeyRing& keys_;
};

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_OPERATOR_GATE_H_
