#include "gateway/pathway/audit_pathway.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gateway/common/status_macros.h"
#include "gateway/pathway/audit_chain_walk.h"
#include "gateway/security/audit_chain.h"
#include "gateway/security/audit_checkpoint.h"

namespace nhs::tobacco::pathway {

void AuditPathway::VerifyAuditChain(const security::Principal& caller,
                                    const v1::VerifyAuditChainRequest& request,
                                    Reply<v1::VerifyAuditChainResponse> reply) {
  gate_.Read<v1::VerifyAuditChainResponse>(
      caller, security::Operation::kVerifyAuditChain, "",
      [&] { return Verify(request); }, std::move(reply));
}

void AuditPathway::ListAuditRecords(const security::Principal& caller,
                                    const v1::ListAuditRecordsRequest& request,
                                    Reply<v1::ListAuditRecordsResponse> reply) {
  gate_.Read<v1::ListAuditRecordsResponse>(
      caller, security::Operation::kListAuditRecords, "",
      [&] { return List(request); }, std::move(reply));
}

namespace {

// Fills what the verifier saw; `status` is its verdict.
void Report(const security::AuditChainVerifier& verifier,
            const absl::Status& status, v1::VerifyAuditChainResponse& out) {
  out.set_intact(status.ok());
  out.set_rows_checked(verifier.rows_checked());
  out.set_head_sequence(verifier.head_sequence());
  if (verifier.head_sequence() > 0) {
    out.set_head_hash(verifier.head_hash());
    out.set_head_key_id(verifier.head_key_id());
  }
  out.set_first_keyed_sequence(verifier.first_keyed_sequence());
  if (const security::AuditCheckpoint* newest = verifier.newest_checkpoint()) {
    out.set_checkpoint_sequence(newest->sequence);
  }
  if (!status.ok()) {
    out.set_fault(verifier.finding().fault);
    out.set_first_broken_sequence(verifier.finding().sequence);
    out.set_problem(verifier.finding().problem);
  }
}

}  // namespace

absl::StatusOr<v1::VerifyAuditChainResponse> AuditPathway::Verify(
    const v1::VerifyAuditChainRequest& request) {
  v1::VerifyAuditChainResponse response;
  std::vector<security::AuditCheckpoint> checkpoints;
  if (!request.checkpoint().empty()) {
    // The operator's own copy (e.g. from the SIEM): a line that does not
    // parse is their mistake, not a fault of the chain.
    absl::StatusOr<std::vector<security::AuditCheckpoint>> given =
        security::ParseAuditCheckpoints(request.checkpoint());
    if (!given.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("checkpoint: ", given.status().message()));
    }
    if (given->empty()) {
      return absl::InvalidArgumentError("checkpoint: no checkpoint line");
    }
    checkpoints = *std::move(given);
    response.set_checkpoint_source("request");
  } else if (checkpoints_.read) {
    response.set_checkpoint_source(checkpoints_.name);
    absl::StatusOr<std::string> text = checkpoints_.read();
    absl::StatusOr<std::vector<security::AuditCheckpoint>> parsed =
        text.ok() ? security::ParseAuditCheckpoints(*text)
                  : absl::StatusOr<std::vector<security::AuditCheckpoint>>(
                        text.status());
    if (!parsed.ok() && !absl::IsNotFound(parsed.status())) {
      response.set_intact(false);
      response.set_fault(v1::AUDIT_CHAIN_FAULT_CHECKPOINT_UNREADABLE);
      response.set_problem(absl::StrCat("checkpoint file ", checkpoints_.name,
                                        ": ", parsed.status().message()));
      return response;
    }
    if (parsed.ok()) checkpoints = *std::move(parsed);
  }
  response.set_checkpoints_checked(static_cast<int>(checkpoints.size()));

  security::AuditChainVerifier verifier(keys_);
  verifier.ExpectCheckpoints(checkpoints);
  absl::Status verdict;
  RETURN_IF_ERROR(WalkAuditChain(store_, verifier, verdict));
  Report(verifier, verdict, response);
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
