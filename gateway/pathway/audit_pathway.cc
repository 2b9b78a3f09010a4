#include "gateway/pathway/audit_pathway.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "gateway/common/status_macros.h"
#include "gateway/security/audit_chain.h"

namespace nhs::tobacco::pathway {

void AuditPathway::VerifyAuditChain(const security::Principal& caller,
                                    const v1::VerifyAuditChainRequest&,
                                    Reply<v1::VerifyAuditChainResponse> reply) {
  gate_.Read<v1::VerifyAuditChainResponse>(
      caller, security::Operation::kVerifyAuditChain, "",
      [this] { return Verify(); }, std::move(reply));
}

void AuditPathway::ListAuditRecords(const security::Principal& caller,
                                    const v1::ListAuditRecordsRequest& request,
                                    Reply<v1::ListAuditRecordsResponse> reply) {
  gate_.Read<v1::ListAuditRecordsResponse>(
      caller, security::Operation::kListAuditRecords, "",
      [&] { return List(request); }, std::move(reply));
}

absl::StatusOr<v1::VerifyAuditChainResponse> AuditPathway::Verify() {
  security::AuditChainVerifier verifier;
  int64_t after = 0;
  v1::VerifyAuditChainResponse response;
  while (true) {
    std::vector<v1::AuditRecord> rows;
    RETURN_IF_ERROR(
        store_.Read([&](store::ReadTransaction& tx) -> absl::Status {
          ASSIGN_OR_RETURN(rows, tx.ListAuditRecords(after, 1000));
          return absl::OkStatus();
        }));
    if (rows.empty()) break;
    for (const v1::AuditRecord& row : rows) {
      absl::Status s = verifier.Next(row);
      if (!s.ok()) {
        response.set_intact(false);
        response.set_rows_checked(verifier.rows_checked());
        response.set_first_broken_sequence(verifier.first_broken_sequence());
        response.set_problem(std::string(s.message()));
        return response;
      }
      after = row.sequence();
    }
  }
  response.set_intact(true);
  response.set_rows_checked(verifier.rows_checked());
  return response;
}

absl::StatusOr<v1::ListAuditRecordsResponse> AuditPathway::List(
    const v1::ListAuditRecordsRequest& request) {
  const int limit =
      request.limit() <= 0 ? 100 : std::min(request.limit(), 1000);
  v1::ListAuditRecordsResponse response;
  RETURN_IF_ERROR(store_.Read([&](store::ReadTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<v1::AuditRecord> rows,
                     tx.ListAuditRecords(request.after_sequence(), limit));
    for (auto& r : rows) *response.add_records() = std::move(r);
    return absl::OkStatus();
  }));
  return response;
}

}  // namespace nhs::tobacco::pathway
