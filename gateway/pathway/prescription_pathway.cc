#include "gateway/pathway/prescription_pathway.h"

#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/cyp1a2_medicines.h"
#include "gateway/domain/field_violations.h"
#include "gateway/domain/identifiers.h"
#include "gateway/domain/recommendation_rules.h"
#include "gateway/domain/referral_state_machine.h"
#include "gateway/domain/referrer_redaction.h"
#include "gateway/domain/request_validation.h"
#include "gateway/domain/timestamps.h"
#include "gateway/pathway/consent_withdrawal.h"
#include "gateway/pathway/outbox_queue.h"
#include "gateway/pathway/record_access.h"
#include "gateway/pathway/record_ids.h"
#include "gateway/pathway/referrer_view.h"
#include "gateway/pathway/safety_alerts.h"

namespace nhs::tobacco::pathway {
namespace {

using security::Operation;

// One WatchEvents stream's filter: events about records the caller may
// read, with the answer cached per record.
class ScopedEventWatch final : public EventWatch {
 public:
  ScopedEventWatch(store::Store& store, security::Principal caller,
                   const v1::WatchEventsRequest& request)
      : store_(store),
        caller_(std::move(caller)),
        prescription_id_(request.prescription_id()),
        referral_id_(request.referral_id()),
        everything_(Unrestricted(caller_, Operation::kReadPrescription) &&
                    Unrestricted(caller_, Operation::kReadReferral)) {}

  absl::StatusOr<EventBatch> Next(int64_t after_sequence, int limit) override {
    EventBatch batch;
    batch.last_sequence = after_sequence;
    RETURN_IF_ERROR(
        store_.Read([&](store::ReadTransaction& tx) -> absl::Status {
          store::EventQuery query;
          query.after_sequence = after_sequence;
          query.prescription_id = prescription_id_;
          query.referral_id = referral_id_;
          query.limit = limit;
          ASSIGN_OR_RETURN(std::vector<v1::TimelineEvent> events,
                           tx.ListEvents(query));
          batch.read = static_cast<int>(events.size());
          PrescriptionViews views(tx);
          for (v1::TimelineEvent& e : events) {
            batch.last_sequence = e.sequence();
            ASSIGN_OR_RETURN(Seen seen, Visible(tx, views, e));
            if (seen == Seen::kHidden) continue;
            if (seen == Seen::kAsReferrer) domain::RedactForReferrer(e);
            batch.visible.push_back(std::move(e));
          }
          return absl::OkStatus();
        }));
    return batch;
  }

 private:
  // How the caller sees an event: not at all, in full, or as the referrer
  // of a prescription request it only referred (without the notes).
  enum class Seen { kHidden, kFull, kAsReferrer };

  absl::StatusOr<Seen> Visible(store::ReadTransaction& tx,
                               PrescriptionViews& views,
                               const v1::TimelineEvent& event) {
    if (everything_) return Seen::kFull;
    const bool about_prescription = !event.prescription_id().empty();
    const std::string& id =
        about_prescription ? event.prescription_id() : event.referral_id();
    auto cached = visible_.find(id);
    if (cached != visible_.end()) return cached->second;
    Seen visible = Seen::kHidden;
    if (about_prescription) {
      ASSIGN_OR_RETURN(std::optional<v1::PrescriptionRequest> p,
                       tx.GetPrescription(id));
      if (p.has_value()) {
        ASSIGN_OR_RETURN(security::RecordView view, views.Of(*p));
        if (security::Authorize(caller_, Operation::kReadPrescription, view)
                .ok()) {
          visible = security::RelatesOnlyAsReferrer(caller_, view)
                        ? Seen::kAsReferrer
                        : Seen::kFull;
        }
      }
    } else {
      ASSIGN_OR_RETURN(std::optional<v1::Referral> r, tx.GetReferral(id));
      if (AuthorizeRecord(caller_, Operation::kReadReferral, r,
                          absl::NotFoundError(""))
              .ok()) {
        visible = Seen::kFull;
      }
    }
    // Bounded memory: forget everything rather than grow without limit.
    if (visible_.size() > 10000) visible_.clear();
    visible_[id] = visible;
    return visible;
  }

  store::Store& store_;
  const security::Principal caller_;
  const std::string prescription_id_;
  const std::string referral_id_;
  const bool everything_;
  absl::flat_hash_map<std::string, Seen> visible_;
};

}  // namespace

PrescriptionPathway::PrescriptionPathway(AuditedWrites& writes,
                                         domain::Formulary formulary,
                                         domain::DeadlinePolicy deadlines,
                                         PathwayOptions options)
    : writes_(writes),
      formulary_(std::move(formulary)),
      deadlines_(std::move(deadlines)),
      options_(std::move(options)) {}

void PrescriptionPathway::RecommendPrescription(
    const Caller& caller, const v1::RecommendPrescriptionRequest& request,
    Reply<v1::PrescriptionRequest> reply) {
  const absl::Time now = writes_.clock().Now();
  writes_.Write<v1::PrescriptionRequest>(
      caller,
      {std::string(security::OperationName(Operation::kRecommend)),
       request.referral_id()},
      request.request_id(), request,
      [this, caller, request, now](store::WriteTransaction& tx,
                                   AuditTarget&) -> absl::Status {
        return CheckRecommendation(tx, caller, request, now).status();
      },
      [this, caller, request, now](store::WriteTransaction& tx)
          -> absl::StatusOr<v1::PrescriptionRequest> {
        return InsertRecommendation(tx, caller, request, now, "");
      },
      std::move(reply));
}

absl::StatusOr<domain::Recommendation> PrescriptionPathway::CheckRecommendation(
    store::WriteTransaction& tx, const Caller& caller,
    const v1::RecommendPrescriptionRequest& request, absl::Time now) const {
  ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                   tx.GetReferral(request.referral_id()));
  RETURN_IF_ERROR(AuthorizeRecord(
      caller.principal, Operation::kRecommend, referral,
      absl::OkStatus()));  // an unknown referral: NOT_FOUND below
  RETURN_IF_ERROR(domain::ValidateRecommendPrescription(
      request,
      {options_.max_text_length, absl::ToCivilDay(now, absl::UTCTimeZone())}));
  ASSIGN_OR_RETURN(v1::Product product,
                   domain::CheckProductAndRoute(request, formulary_));
  if (!referral.has_value()) {
    return NotFound("referral", request.referral_id());
  }
  return domain::CheckRecommendationForReferral(*referral, request,
                                                std::move(product));
}

absl::StatusOr<v1::PrescriptionRequest>
PrescriptionPathway::InsertRecommendation(
    store::WriteTransaction& tx, const Caller& caller,
    const v1::RecommendPrescriptionRequest& request, absl::Time now,
    const std::string& replaces) const {
  ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                   tx.GetReferral(request.referral_id()));
  if (!referral.has_value()) {
    return NotFound("referral", request.referral_id());
  }
  ASSIGN_OR_RETURN(v1::Product product,
                   domain::CheckProductAndRoute(request, formulary_));
  ASSIGN_OR_RETURN(domain::Recommendation recommendation,
                   domain::CheckRecommendationForReferral(*referral, request,
                                                          std::move(product)));
  // The referral's first recommendation is when treatment starts.
  store::PrescriptionQuery earlier;
  earlier.referral_id = referral->referral_id();
  earlier.limit = 1;
  ASSIGN_OR_RETURN(store::Page<v1::PrescriptionRequest> existing,
                   tx.ListPrescriptions(earlier));
  const bool first_for_referral = existing.items.empty();
  v1::PrescriptionRequest p;
  p.set_prescription_id(NewRecordId("rx"));
  p.set_referral_id(referral->referral_id());
  *p.mutable_patient() = referral->patient();
  *p.mutable_product() = recommendation.product;
  p.set_dose_text(request.dose_text());
  *p.mutable_quantity() = request.quantity();
  p.set_duration_days(request.duration_days());
  p.set_route(request.route());
  *p.mutable_target() = recommendation.target;
  *p.mutable_service() = referral->service();
  // The practice only with consent to share with it: the access policy
  // lets it read the request (consent_withdrawal.h).
  *p.mutable_gp_practice() = SharedPractice(*referral);
  *p.mutable_recommended_by() = request.recommended_by();
  if (request.route() == v1::ROUTE_GP_PRESCRIPTION) {
    // The request's pharmacy, else the one the patient nominated.
    *p.mutable_nominated_pharmacy() = request.has_nominated_pharmacy()
                                          ? request.nominated_pharmacy()
                                          : referral->nominated_pharmacy();
  }
  p.set_reason(request.reason());
  p.set_status(v1::PRESCRIPTION_STATUS_RECOMMENDED);
  *p.mutable_created_at() = domain::ToTimestamp(now);
  *p.mutable_updated_at() = domain::ToTimestamp(now);
  p.set_version(1);
  p.set_replaces(replaces);
  const bool sensitive = recommendation.cyp1a2_safety_alert;
  p.set_cyp1a2_safety_alert(sensitive);
  SetDueAt(p, deadlines_, now);
  RETURN_IF_ERROR(tx.InsertPrescription(p));

  v1::TimelineEvent event;
  event.set_type(v1::EVENT_TYPE_PRESCRIPTION_RECOMMENDED);
  event.set_referral_id(p.referral_id());
  event.set_prescription_id(p.prescription_id());
  event.set_to_status(p.status());
  *event.mutable_occurred_at() = p.created_at();
  // The service recommends: for any caller but an unrestricted one,
  // the authorisation above made that the caller.
  *event.mutable_actor()->mutable_organisation() = p.service();
  *event.mutable_actor()->mutable_practitioner() = p.recommended_by();
  event.mutable_actor()->set_adapter(caller.adapter);
  if (!replaces.empty()) {
    // An alternative names the request it replaces on its own timeline.
    event.set_related_prescription_id(replaces);
    event.set_note(absl::StrCat("Recommended instead of ", replaces));
  }
  RETURN_IF_ERROR(tx.AppendEvent(event).status());
  // safety: the first recommendation for a patient on a CYP1A2-sensitive
  // medicine raises the safety alert (a record of its own, sent to the
  // prescriber); later ones note it again.
  v1::PrescriptionRequest snapshot = p;
  if (sensitive && first_for_referral) {
    SafetyAlertCause cause;
    cause.trigger = v1::SAFETY_ALERT_TRIGGER_FIRST_RECOMMENDATION;
    cause.trigger_date =
        absl::FormatCivilTime(absl::ToCivilDay(now, absl::UTCTimeZone()));
    cause.prescription = &p;
    cause.actor = event.actor();
    RETURN_IF_ERROR(RaiseSafetyAlert(tx, *referral, cause, options_.routes,
                                     options_.safety_acknowledge_within, now)
                        .status());
  } else if (sensitive) {
    // The medicine class, never the patient.
    v1::TimelineEvent alert = event;
    alert.set_type(v1::EVENT_TYPE_SAFETY_ALERT);
    alert.clear_to_status();
    alert.clear_related_prescription_id();
    alert.set_reason_code(std::string(domain::kCyp1a2AlertReasonCode));
    alert.set_note(std::string(domain::kCyp1a2AlertNote));
    RETURN_IF_ERROR(tx.AppendEvent(alert).status());
  }
  if (sensitive) {
    // The letter and supply request say only what happened.
    ASSIGN_OR_RETURN(std::optional<v1::SafetyAlertNotice> notice,
                     SafetyAlertNoticeFor(tx, p.referral_id()));
    if (notice.has_value()) {
      *snapshot.mutable_safety_alert_notice() = *notice;
    }
  }
  RETURN_IF_ERROR(
      QueueMessages(tx,
                    domain::PlanRecommendation(p, *referral, first_for_referral,
                                               options_.routes),
                    {.referral = &*referral, .prescription = &snapshot}, now));
  return p;
}

absl::StatusOr<v1::PrescriptionRequest> PrescriptionPathway::GetPrescription(
    const Caller& caller, absl::string_view prescription_id) {
  std::optional<v1::PrescriptionRequest> found;
  absl::Status read =
      writes_.store().Read([&](store::ReadTransaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(found, tx.GetPrescription(prescription_id));
        if (!found.has_value()) {
          return AuthorizeView(
              caller.principal, Operation::kReadPrescription, nullptr,
              NotFound("prescription request", prescription_id));
        }
        ASSIGN_OR_RETURN(security::RecordView view,
                         PrescriptionViews(tx).Of(*found));
        RETURN_IF_ERROR(security::Authorize(
            caller.principal, Operation::kReadPrescription, view));
        ShowTo(caller.principal, view, *found);
        return absl::OkStatus();
      });
  RETURN_IF_ERROR(writes_.AuditRead(
      caller.principal, security::OperationName(Operation::kGetPrescription),
      prescription_id, read));
  return *std::move(found);
}

absl::StatusOr<v1::ListPrescriptionsResponse>
PrescriptionPathway::ListPrescriptions(
    const Caller& caller, const v1::ListPrescriptionsRequest& request) {
  v1::ListPrescriptionsRequest scoped = request;
  if (!Unrestricted(caller.principal, Operation::kReadPrescription)) {
    // A principal lists what concerns its own organisation only.
    if (scoped.ods_code().empty())
      scoped.set_ods_code(caller.principal.ods_code);
    if (scoped.ods_code() != caller.principal.ods_code) {
      return writes_.AuditRead(
          caller.principal,
          security::OperationName(Operation::kListPrescriptions),
          scoped.ods_code(),
          absl::PermissionDeniedError(
              "ListPrescriptions: an organisation may list only its own "
              "prescription requests"));
    }
  }
  domain::Violations v;
  if (!scoped.ods_code().empty()) {
    if (absl::Status s = domain::ValidateOdsCode(scoped.ods_code()); !s.ok()) {
      v.Add("ods_code", s.message());
    }
  }
  if (!v1::PrescriptionStatus_IsValid(scoped.status())) {
    v.Add("status", "is not a known prescription status");
  }
  if (scoped.page_size() < 0) v.Add("page_size", "must not be negative");
  v1::ListPrescriptionsResponse response;
  absl::Status listed = v.ToStatus("invalid list request");
  if (listed.ok()) {
    store::PrescriptionQuery query;
    query.ods_code = scoped.ods_code();
    query.status = scoped.status();
    query.overdue_only = scoped.overdue_only();
    query.referral_id = scoped.referral_id();
    query.limit = PageSize(options_, scoped.page_size());
    query.cursor = scoped.page_token();
    listed =
        writes_.store().Read([&](store::ReadTransaction& tx) -> absl::Status {
          ASSIGN_OR_RETURN(store::Page<v1::PrescriptionRequest> page,
                           tx.ListPrescriptions(query));
          PrescriptionViews views(tx);
          for (auto& p : page.items) {
            ASSIGN_OR_RETURN(security::RecordView view, views.Of(p));
            if (security::Authorize(caller.principal,
                                    Operation::kReadPrescription, view)
                    .ok()) {
              ShowTo(caller.principal, view, p);
              *response.add_prescriptions() = std::move(p);
            }
          }
          response.set_next_page_token(page.next_cursor);
          response.set_unreadable_skipped(
              static_cast<int32_t>(page.unreadable_ids.size()));
          return absl::OkStatus();
        });
  }
  RETURN_IF_ERROR(writes_.AuditRead(
      caller.principal, security::OperationName(Operation::kListPrescriptions),
      scoped.ods_code(), listed));
  return response;
}

absl::StatusOr<v1::GetTimelineResponse> PrescriptionPathway::GetTimeline(
    const Caller& caller, absl::string_view prescription_id) {
  v1::GetTimelineResponse response;
  absl::Status read =
      writes_.store().Read([&](store::ReadTransaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(std::optional<v1::PrescriptionRequest> p,
                         tx.GetPrescription(prescription_id));
        if (!p.has_value()) {
          return AuthorizeView(
              caller.principal, Operation::kReadPrescription, nullptr,
              NotFound("prescription request", prescription_id));
        }
        ASSIGN_OR_RETURN(security::RecordView view,
                         PrescriptionViews(tx).Of(*p));
        RETURN_IF_ERROR(security::Authorize(
            caller.principal, Operation::kReadPrescription, view));
        store::EventQuery query;
        query.prescription_id = std::string(prescription_id);
        query.limit = 10000;
        ASSIGN_OR_RETURN(std::vector<v1::TimelineEvent> events,
                         tx.ListEvents(query));
        for (auto& e : events) {
          ShowTo(caller.principal, view, e);
          *response.add_events() = std::move(e);
        }
        return absl::OkStatus();
      });
  RETURN_IF_ERROR(writes_.AuditRead(
      caller.principal, security::OperationName(Operation::kGetTimeline),
      prescription_id, read));
  return response;
}

absl::StatusOr<std::unique_ptr<EventWatch>> PrescriptionPathway::WatchEvents(
    const Caller& caller, const v1::WatchEventsRequest& request) {
  RETURN_IF_ERROR(writes_.AuditRead(
      caller.principal, security::OperationName(Operation::kWatchEvents),
      request.prescription_id(), absl::OkStatus()));
  return std::make_unique<ScopedEventWatch>(writes_.store(), caller.principal,
                                            request);
}

}  // namespace nhs::tobacco::pathway
