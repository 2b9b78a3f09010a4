#include "gateway/pathway/pathway.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/cyp1a2_medicines.h"
#include "gateway/domain/field_violations.h"
#include "gateway/domain/identifiers.h"
#include "gateway/domain/referral_state_machine.h"
#include "gateway/domain/request_validation.h"
#include "gateway/domain/timestamps.h"
#include "gateway/pathway/outbox_queue.h"
#include "gateway/pathway/record_ids.h"
#include "gateway/pathway/record_stamps.h"
#include "gateway/security/audit_chain.h"

namespace nhs::tobacco::pathway {
namespace {

using domain::PrescriptionAction;

std::string ResultName(const absl::Status& status) {
  return status.ok() ? "OK" : absl::StatusCodeToString(status.code());
}

}  // namespace

const security::Principal& GatewayPrincipal() {
  return security::GatewayPrincipal();
}

void Pathway::Audit(const security::Principal& caller,
                    absl::string_view operation, absl::string_view record_id,
                    const absl::Status& result) {
  const absl::Time now = clock_.Now();
  store_.Write(
      [who = caller, operation = std::string(operation),
       record_id = std::string(record_id), result = ResultName(result),
       now](store::WriteTransaction& tx) {
        return AppendAudit(tx, who, operation, record_id, result, now);
      },
      [](absl::Status) {});
}

absl::StatusOr<v1::VerifyAuditChainResponse> Pathway::VerifyAuditChain() {
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

absl::StatusOr<v1::ListAuditRecordsResponse> Pathway::ListAuditRecords(
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

Pathway::Pathway(store::Store& store, domain::Formulary formulary,
                 domain::DeadlinePolicy deadlines, PathwayOptions options,
                 const Clock& clock)
    : store_(store),
      formulary_(std::move(formulary)),
      deadlines_(std::move(deadlines)),
      options_(std::move(options)),
      clock_(clock) {}

int Pathway::PageSize(int requested) const {
  if (requested <= 0) {
    return std::min(options_.default_page_size, options_.max_page_size);
  }
  return std::min(requested, options_.max_page_size);
}

absl::StatusOr<int> Pathway::ScanDeadlines() {
  const absl::Time now = clock_.Now();
  auto changed = std::make_shared<int>(0);
  RETURN_IF_ERROR(store_.WriteAndWait(
      [this, now, changed](store::WriteTransaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(
            std::vector<v1::PrescriptionRequest> candidates,
            tx.ListDeadlineCandidates(now, deadlines_.ExpiryCutoff(now),
                                      /*limit=*/1000));
        for (const v1::PrescriptionRequest& p : candidates) {
          const domain::DeadlineVerdict verdict = deadlines_.Evaluate(p, now);
          if (verdict == domain::DeadlineVerdict::kNone) continue;
          v1::PrescriptionRequest updated = p;
          updated.set_version(p.version() + 1);
          *updated.mutable_updated_at() = domain::ToTimestamp(now);
          v1::TimelineEvent event;
          event.set_referral_id(p.referral_id());
          event.set_prescription_id(p.prescription_id());
          event.set_from_status(p.status());
          *event.mutable_occurred_at() = updated.updated_at();
          event.mutable_actor()->set_adapter("gateway");
          if (verdict == domain::DeadlineVerdict::kOverdue) {
            updated.set_overdue(true);
            event.set_type(v1::EVENT_TYPE_OVERDUE);
            event.set_to_status(p.status());
            *event.mutable_due_at() = p.due_at();
            *event.mutable_actor()->mutable_organisation() = p.target();
            event.set_note(absl::StrCat("No response while ",
                                        domain::StatusName(p.status()),
                                        " before the deadline"));
          } else {
            ASSIGN_OR_RETURN(v1::PrescriptionStatus next,
                             domain::NextStatus(p.status(), p.route(),
                                                PrescriptionAction::kExpire));
            updated.set_status(next);
            updated.set_status_reason("EXPIRED_NOT_ACTED_ON");
            updated.clear_due_at();
            event.set_type(v1::EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED);
            event.set_to_status(next);
            event.set_reason_code("EXPIRED_NOT_ACTED_ON");
          }
          RETURN_IF_ERROR(tx.UpdatePrescription(updated, p.version()));
          RETURN_IF_ERROR(tx.AppendEvent(event).status());
          if (verdict == domain::DeadlineVerdict::kOverdue) {
            // Escalate to the recommending service on its channel too;
            // watchers already see the OVERDUE event.
            RETURN_IF_ERROR(QueueMessages(
                tx, domain::PlanOverdue(updated, options_.routes),
                {.prescription = &updated, .note = event.note()}, now));
          }
          ++*changed;
        }
        return absl::OkStatus();
      }));
  return *changed;
}

}  // namespace nhs::tobacco::pathway
