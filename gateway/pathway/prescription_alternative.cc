// RecommendAlternative (issue 12, GP refusals): after a GP declines or a
// pharmacy cannot supply, the service offers the patient another route in
// one step. The new request is a recommendation like any other (the same
// checks and insert as RecommendPrescription, so the same delivery plan);
// what is added here is the link both ways and the old timeline's event.
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/alternative_rules.h"
#include "gateway/domain/field_violations.h"
#include "gateway/domain/prescription_state_machine.h"
#include "gateway/domain/timestamps.h"
#include "gateway/pathway/prescription_pathway.h"
#include "gateway/pathway/record_access.h"

namespace nhs::tobacco::pathway {
namespace {

using security::Operation;

// The new request as RecommendPrescription takes it: the referral is the
// old request's.
v1::RecommendPrescriptionRequest AsRecommendation(
    const v1::RecommendAlternativeRequest& r, const std::string& referral_id) {
  v1::RecommendPrescriptionRequest out;
  out.set_request_id(r.request_id());
  out.set_referral_id(referral_id);
  out.set_product_id(r.product_id());
  out.set_dose_text(r.dose_text());
  if (r.has_quantity()) *out.mutable_quantity() = r.quantity();
  out.set_duration_days(r.duration_days());
  out.set_route(r.route());
  // Unset stays unset: RecommendPrescription tells "not given" from
  // "given empty".
  if (r.has_target()) *out.mutable_target() = r.target();
  if (r.has_recommended_by()) {
    *out.mutable_recommended_by() = r.recommended_by();
  }
  out.set_reason(r.reason());
  if (r.has_nominated_pharmacy()) {
    *out.mutable_nominated_pharmacy() = r.nominated_pharmacy();
  }
  return out;
}

}  // namespace

void PrescriptionPathway::RecommendAlternative(
    const Caller& caller, const v1::RecommendAlternativeRequest& request,
    Reply<v1::PrescriptionRequest> reply) {
  const absl::Time now = writes_.clock().Now();
  writes_.Write<v1::PrescriptionRequest>(
      caller,
      {std::string(security::OperationName(Operation::kRecommendAlternative)),
       request.prescription_id()},
      request.request_id(), request,
      [this, caller, request, now](store::WriteTransaction& tx,
                                   AuditTarget&) -> absl::Status {
        if (request.prescription_id().empty()) {
          return domain::InvalidArgumentWithViolations(
              "invalid alternative recommendation",
              {{"prescription_id", "is required"}});
        }
        ASSIGN_OR_RETURN(std::optional<v1::PrescriptionRequest> old,
                         tx.GetPrescription(request.prescription_id()));
        // Only the old request's service may offer an alternative; a
        // missing request and a forbidden one look the same.
        RETURN_IF_ERROR(AuthorizeRecord(
            caller.principal, Operation::kRecommendAlternative, old,
            NotFound("prescription request", request.prescription_id())));
        RETURN_IF_ERROR(domain::CheckReplaceable(*old));
        // Every rule of a recommendation, unchanged. A retry (same
        // request_id) passes these too and gets its first answer.
        return CheckRecommendation(
                   tx, caller, AsRecommendation(request, old->referral_id()),
                   now)
            .status();
      },
      [this, caller, request, now](store::WriteTransaction& tx)
          -> absl::StatusOr<v1::PrescriptionRequest> {
        ASSIGN_OR_RETURN(std::optional<v1::PrescriptionRequest> old,
                         tx.GetPrescription(request.prescription_id()));
        if (!old.has_value()) {
          return NotFound("prescription request", request.prescription_id());
        }
        RETURN_IF_ERROR(domain::CheckNotReplaced(*old));
        const v1::RecommendPrescriptionRequest recommend =
            AsRecommendation(request, old->referral_id());
        ASSIGN_OR_RETURN(domain::Recommendation checked,
                         CheckRecommendation(tx, caller, recommend, now));
        RETURN_IF_ERROR(domain::CheckAlternativeDiffers(
            *old, request.route(), checked.target.ods_code()));
        ASSIGN_OR_RETURN(v1::PrescriptionRequest created,
                         InsertRecommendation(tx, caller, recommend, now,
                                              old->prescription_id()));

        v1::PrescriptionRequest replaced = *old;
        replaced.set_replaced_by(created.prescription_id());
        replaced.set_version(old->version() + 1);
        *replaced.mutable_updated_at() = domain::ToTimestamp(now);
        RETURN_IF_ERROR(tx.UpdatePrescription(replaced, old->version()));

        v1::TimelineEvent event;
        event.set_type(v1::EVENT_TYPE_ALTERNATIVE_RECOMMENDED);
        event.set_referral_id(old->referral_id());
        event.set_prescription_id(old->prescription_id());
        event.set_from_status(old->status());
        event.set_to_status(old->status());
        *event.mutable_occurred_at() = replaced.updated_at();
        *event.mutable_actor()->mutable_organisation() = created.service();
        *event.mutable_actor()->mutable_practitioner() =
            created.recommended_by();
        event.mutable_actor()->set_adapter(caller.adapter);
        event.set_related_prescription_id(created.prescription_id());
        event.set_note(
            absl::StrCat("Alternative recommended: ", created.prescription_id(),
                         " on route ", domain::RouteName(created.route()),
                         " to ", created.target().ods_code()));
        RETURN_IF_ERROR(tx.AppendEvent(event).status());
        return created;
      },
      std::move(reply));
}

}  // namespace nhs::tobacco::pathway
