#ifndef TESTS_TESTING_STORED_AUDIT_H_
#define TESTS_TESTING_STORED_AUDIT_H_

#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "gateway/security/audit_chain.h"
#include "gateway/store/store.h"
#include "nhs/tobacco/v1/admin_service.pb.h"

namespace nhs::tobacco::testing {

// The audit key use-case tests seal rows with (a fixed test secret; never
// one a gateway runs with).
inline const security::AuditKeyRing& TestAuditKeys() {
  static const auto* const keys = new security::AuditKeyRing(
      security::AuditKey{"test", "audit-key-for-unit-tests-only-0123456789"});
  return *keys;
}

// The first `limit` audit rows as the store holds them, oldest first. Tests
// read the log here rather than through the audit use case, whose every
// read is itself audited and would add rows to what the test counts.
inline absl::StatusOr<v1::ListAuditRecordsResponse> StoredAuditRecords(
    store::Store& store, int limit) {
  v1::ListAuditRecordsResponse response;
  absl::Status read = store.Read([&](store::ReadTransaction& tx) {
    absl::StatusOr<std::vector<v1::AuditRecord>> rows =
        tx.ListAuditRecords(0, limit);
    if (!rows.ok()) return rows.status();
    for (auto& r : *rows) *response.add_records() = std::move(r);
    return absl::OkStatus();
  });
  if (!read.ok()) return read;
  return response;
}

}  // namespace nhs::tobacco::testing

#endif  // TESTS_TESTING_STORED_AUDIT_H_
