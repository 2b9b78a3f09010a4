#include "gateway/pathway/safety_alert_pathway.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/field_violations.h"
#include "gateway/domain/identifiers.h"
#include "gateway/domain/practitioner_rules.h"
#include "gateway/domain/safety_alert_rules.h"
#include "gateway/domain/timestamps.h"
#include "gateway/pathway/record_access.h"

namespace nhs::tobacco::pathway {
namespace {

using security::Operation;

// An acknowledgement is a person's word: the practitioner is named.
absl::Status ValidateAcknowledge(const v1::AcknowledgeSafetyAlertRequest& r,
                                 int max_text_length) {
  domain::Violations v;
  if (r.request_id().empty()) v.Add("request_id", "is required");
  if (r.alert_id().empty()) v.Add("alert_id", "is required");
  if (r.actor().practitioner().identifier().empty()) {
    v.Add("actor.practitioner.identifier",
          "is required: a person acknowledges a safety alert, not a system");
  }
  if (r.actor().practitioner().display_name().empty()) {
    v.Add("actor.practitioner.display_name",
          "is required: the timeline names who acknowledged");
  }
  if (static_cast<int>(r.note().size()) > max_text_length) {
    v.Add("note",
          absl::StrCat("is longer than ", max_text_length, " characters"));
  }
  return v.ToStatus("invalid safety alert acknowledgement");
}

}  // namespace

SafetyAlertPathway::SafetyAlertPathway(AuditedWrites& writes,
                                       PathwayOptions options)
    : writes_(writes), options_(std::move(options)) {}

absl::StatusOr<v1::ListSafetyAlertsResponse>
SafetyAlertPathway::ListSafetyAlerts(
    const Caller& caller, const v1::ListSafetyAlertsRequest& request) {
  v1::ListSafetyAlertsRequest scoped = request;
  const bool everything =
      Unrestricted(caller.principal, Operation::kReadSafetyAlerts);
  const std::string audited_id =
      scoped.referral_id().empty() ? scoped.ods_code() : scoped.referral_id();
  if (!everything && scoped.referral_id().empty()) {
    // A principal lists what concerns its own organisation only.
    if (scoped.ods_code().empty())
      scoped.set_ods_code(caller.principal.ods_code);
    if (scoped.ods_code() != caller.principal.ods_code) {
      return writes_.AuditRead(
          caller.principal,
          security::OperationName(Operation::kListSafetyAlerts),
          scoped.ods_code(),
          absl::PermissionDeniedError(
              "ListSafetyAlerts: an organisation may list only its own "
              "safety alerts"));
    }
  }
  domain::Violations v;
  if (!scoped.ods_code().empty()) {
    if (absl::Status s = domain::ValidateOdsCode(scoped.ods_code()); !s.ok()) {
      v.Add("ods_code", s.message());
    }
  }
  if (!v1::SafetyAlertState_IsValid(scoped.state())) {
    v.Add("state", "is not a known safety alert state");
  }
  if (scoped.page_size() < 0) v.Add("page_size", "must not be negative");
  v1::ListSafetyAlertsResponse response;
  absl::Status listed = v.ToStatus("invalid list request");
  if (listed.ok()) {
    store::SafetyAlertQuery query;
    query.referral_id = scoped.referral_id();
    query.ods_code = scoped.referral_id().empty() ? scoped.ods_code() : "";
    query.state = scoped.state();
    query.limit = PageSize(options_, scoped.page_size());
    query.cursor = scoped.page_token();
    listed =
        writes_.store().Read([&](store::ReadTransaction& tx) -> absl::Status {
          bool referral_reader = false;
          if (!query.referral_id.empty()) {
            // Whoever may read the referral's alerts (its referrer, its
            // service) sees them all.
            ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                             tx.GetReferral(query.referral_id));
            std::optional<security::RecordView> view;
            if (referral.has_value()) view = security::ViewOf(*referral);
            RETURN_IF_ERROR(
                AuthorizeView(caller.principal, Operation::kReadSafetyAlerts,
                              view.has_value() ? &*view : nullptr,
                              NotFound("referral", query.referral_id)));
            referral_reader = true;
          }
          ASSIGN_OR_RETURN(store::Page<v1::SafetyAlert> page,
                           tx.ListSafetyAlerts(query));
          for (v1::SafetyAlert& a : page.items) {
            if (referral_reader ||
                security::Authorize(caller.principal,
                                    Operation::kReadSafetyAlerts,
                                    security::ViewOf(a))
                    .ok()) {
              *response.add_alerts() = std::move(a);
            }
          }
          response.set_next_page_token(page.next_cursor);
          return absl::OkStatus();
        });
  }
  RETURN_IF_ERROR(writes_.AuditRead(
      caller.principal, security::OperationName(Operation::kListSafetyAlerts),
      audited_id, listed));
  return response;
}

void SafetyAlertPathway::AcknowledgeSafetyAlert(
    const Caller& caller, const v1::AcknowledgeSafetyAlertRequest& request,
    Reply<v1::SafetyAlert> reply) {
  const absl::Time now = writes_.clock().Now();
  auto actor = std::make_shared<v1::Actor>();
  writes_.Write<v1::SafetyAlert>(
      caller,
      {std::string(security::OperationName(Operation::kAcknowledgeSafetyAlert)),
       request.alert_id()},
      request.request_id(), request,
      [caller, request, actor, limit = options_.max_text_length](
          store::WriteTransaction& tx, AuditTarget&) -> absl::Status {
        ASSIGN_OR_RETURN(std::optional<v1::SafetyAlert> alert,
                         tx.GetSafetyAlert(request.alert_id()));
        RETURN_IF_ERROR(AuthorizeRecord(
            caller.principal, Operation::kAcknowledgeSafetyAlert, alert,
            absl::OkStatus()));  // an unknown alert: NOT_FOUND below
        // The console's person is its session's (issue 13): without one the
        // console is told to sign in, not to fill in the body.
        v1::AcknowledgeSafetyAlertRequest checked = request;
        *checked.mutable_actor() =
            WithCallerPractitioner(caller, request.actor());
        RETURN_IF_ERROR(domain::CheckPractitionerNamed(
            caller.adapter, true, checked.actor().practitioner()));
        RETURN_IF_ERROR(ValidateAcknowledge(checked, limit));
        if (!alert.has_value()) {
          return NotFound("safety alert", request.alert_id());
        }
        ASSIGN_OR_RETURN(
            *actor, ActorOf(caller, Operation::kAcknowledgeSafetyAlert,
                            request.actor(), "actor.organisation.ods_code"));
        return absl::OkStatus();
      },
      [request, actor,
       now](store::WriteTransaction& tx) -> absl::StatusOr<v1::SafetyAlert> {
        ASSIGN_OR_RETURN(std::optional<v1::SafetyAlert> current,
                         tx.GetSafetyAlert(request.alert_id()));
        if (!current.has_value()) {
          return NotFound("safety alert", request.alert_id());
        }
        ASSIGN_OR_RETURN(
            v1::SafetyAlertState next,
            domain::NextSafetyAlertState(
                current->state(), domain::SafetyAlertStep::kAcknowledge));
        v1::SafetyAlert updated = *current;
        updated.set_state(next);
        *updated.mutable_acknowledged_at() = domain::ToTimestamp(now);
        *updated.mutable_acknowledged_by() = *actor;
        updated.set_acknowledgement_note(request.note());
        updated.set_version(current->version() + 1);
        RETURN_IF_ERROR(tx.UpdateSafetyAlert(updated, current->version()));
        v1::TimelineEvent event;
        event.set_type(v1::EVENT_TYPE_SAFETY_ALERT_ACKNOWLEDGED);
        event.set_referral_id(updated.referral_id());
        event.set_safety_alert_id(updated.alert_id());
        *event.mutable_occurred_at() = updated.acknowledged_at();
        *event.mutable_actor() = *actor;
        event.set_reason_code(
            domain::SafetyAlertTriggerName(updated.trigger()));
        event.set_note(request.note());
        RETURN_IF_ERROR(tx.AppendEvent(event).status());
        return updated;
      },
      std::move(reply));
}

}  // namespace nhs::tobacco::pathway
