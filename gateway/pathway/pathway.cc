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

namespace nhs::tobacco::pathway {
namespace {

using domain::PrescriptionAction;

constexpr absl::string_view kEpsOrderNumberSystem =
    "https://fhir.nhs.uk/Id/prescription-order-number";

absl::Status NotFound(absl::string_view what, absl::string_view id) {
  return absl::NotFoundError(absl::StrCat(what, " ", id, " not found"));
}

// The edge sends these only where the action needs them.
absl::string_view OperationName(PrescriptionAction action) {
  switch (action) {
    case PrescriptionAction::kMarkSent:
      return "MarkSent";
    case PrescriptionAction::kAcknowledge:
      return "Acknowledge";
    case PrescriptionAction::kPrescribe:
      return "Prescribe";
    case PrescriptionAction::kDecline:
      return "Decline";
    case PrescriptionAction::kRequireAppointment:
      return "RequireAppointment";
    case PrescriptionAction::kDispense:
      return "Dispense";
    case PrescriptionAction::kSupply:
      return "Supply";
    case PrescriptionAction::kRecordNotSupplied:
      return "RecordNotSupplied";
    case PrescriptionAction::kCancel:
      return "Cancel";
    case PrescriptionAction::kExpire:
      return "Expire";
  }
  return "Unknown";
}

bool NeedsReason(PrescriptionAction action) {
  return action == PrescriptionAction::kDecline ||
         action == PrescriptionAction::kRecordNotSupplied ||
         action == PrescriptionAction::kCancel;
}

std::string RecordIdOf(const v1::Referral& r) { return r.referral_id(); }
std::string RecordIdOf(const v1::PrescriptionRequest& p) {
  return p.prescription_id();
}
std::string RecordIdOf(const v1::Outcome& o) { return o.outcome_id(); }

std::string ResultName(const absl::Status& status) {
  return status.ok() ? "OK" : absl::StatusCodeToString(status.code());
}

}  // namespace

const security::Principal& GatewayPrincipal() {
  static const security::Principal* gateway = new security::Principal{
      "GATEWAY", security::Role::kDevelopment, "the gateway itself"};
  return *gateway;
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

template <typename Response>
void Pathway::IdempotentWrite(
    absl::string_view operation, const std::string& request_id,
    const google::protobuf::Message& request,
    std::function<absl::StatusOr<Response>(store::WriteTransaction&)> body,
    Reply<Response> reply, const security::Principal& caller,
    absl::string_view request_record_id) {
  auto result = std::make_shared<Response>();
  const absl::Time now = clock_.Now();
  store_.Write(
      [result, body = std::move(body), scope = std::string(operation),
       request_id, hash = RequestFingerprint(request), who = caller,
       now](store::WriteTransaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(std::optional<store::IdempotencyRecord> existing,
                         tx.GetIdempotencyRecord(scope, request_id));
        if (existing.has_value()) {
          if (existing->request_hash != hash) {
            return absl::AlreadyExistsError(absl::StrCat(
                "request_id ", request_id, " was already used for a ",
                "different ", scope,
                " request; use a new request_id for a new request"));
          }
          if (!result->ParseFromString(existing->response)) {
            return absl::DataLossError("stored answer does not parse");
          }
          return AppendAudit(tx, who, scope, RecordIdOf(*result), "OK_REPLAYED",
                             now);
        }
        ASSIGN_OR_RETURN(*result, body(tx));
        RETURN_IF_ERROR(
            AppendAudit(tx, who, scope, RecordIdOf(*result), "OK", now));
        return tx.PutIdempotencyRecord(
            scope, request_id,
            store::IdempotencyRecord{hash, result->SerializeAsString()});
      },
      [this, result, reply = std::move(reply), who = caller,
       scope = std::string(operation),
       record = std::string(request_record_id)](absl::Status status) {
        if (!status.ok()) {
          // The change rolled back with its audit row; record the refusal.
          Audit(who, scope, record, status);
          reply(std::move(status));
        } else {
          reply(std::move(*result));
        }
      });
}

void Pathway::CreateReferral(const v1::CreateReferralRequest& request,
                             Reply<v1::Referral> reply,
                             const security::Principal& caller,
                             absl::string_view adapter) {
  const absl::Time now = clock_.Now();
  const domain::ValidationLimits limits{
      options_.max_text_length,
      absl::CivilDay(absl::ToCivilDay(now, absl::UTCTimeZone()))};
  if (absl::Status s = domain::ValidateCreateReferral(request, limits);
      !s.ok()) {
    reply(s);
    return;
  }
  v1::Referral referral = request.referral();
  referral.mutable_patient()->set_nhs_number(
      domain::NormaliseNhsNumber(referral.patient().nhs_number()));
  domain::FlagCyp1a2Medicines(*referral.mutable_mental_health(),
                              options_.cyp1a2_medicines);
  referral.set_referral_id(NewRecordId("ref"));
  referral.set_status(v1::REFERRAL_STATUS_RECEIVED);
  referral.clear_status_reason();
  *referral.mutable_created_at() = domain::ToTimestamp(now);
  *referral.mutable_updated_at() = domain::ToTimestamp(now);
  IdempotentWrite<v1::Referral>(
      "CreateReferral", request.request_id(), request,
      [referral, adapter = std::string(adapter)](
          store::WriteTransaction& tx) -> absl::StatusOr<v1::Referral> {
        RETURN_IF_ERROR(tx.InsertReferral(referral));
        v1::TimelineEvent event;
        event.set_type(v1::EVENT_TYPE_REFERRAL_CREATED);
        event.set_referral_id(referral.referral_id());
        event.set_referral_status(referral.status());
        *event.mutable_occurred_at() = referral.created_at();
        *event.mutable_actor()->mutable_organisation() = referral.referrer();
        *event.mutable_actor()->mutable_practitioner() =
            referral.referring_practitioner();
        event.mutable_actor()->set_adapter(adapter);
        RETURN_IF_ERROR(tx.AppendEvent(event).status());
        return referral;
      },
      std::move(reply), caller, "");
}

void Pathway::UpdateReferralStatus(
    const v1::UpdateReferralStatusRequest& request, Reply<v1::Referral> reply,
    const security::Principal& caller) {
  const absl::Time now = clock_.Now();
  if (absl::Status s = domain::ValidateUpdateReferralStatus(
          request, {options_.max_text_length,
                    absl::ToCivilDay(now, absl::UTCTimeZone())});
      !s.ok()) {
    reply(s);
    return;
  }
  IdempotentWrite<v1::Referral>(
      "UpdateReferralStatus", request.request_id(), request,
      [this, request,
       now](store::WriteTransaction& tx) -> absl::StatusOr<v1::Referral> {
        ASSIGN_OR_RETURN(std::optional<v1::Referral> current,
                         tx.GetReferral(request.referral_id()));
        if (!current.has_value()) {
          return NotFound("referral", request.referral_id());
        }
        RETURN_IF_ERROR(domain::CheckReferralTransition(current->status(),
                                                        request.status()));
        v1::Referral updated = *current;
        updated.set_status(request.status());
        updated.set_status_reason(request.reason());
        *updated.mutable_updated_at() = domain::ToTimestamp(now);
        RETURN_IF_ERROR(tx.UpdateReferral(updated));
        v1::TimelineEvent event;
        event.set_type(v1::EVENT_TYPE_REFERRAL_STATUS_CHANGED);
        event.set_referral_id(updated.referral_id());
        event.set_referral_status(updated.status());
        *event.mutable_occurred_at() = updated.updated_at();
        *event.mutable_actor() = request.actor();
        event.set_note(request.reason());
        RETURN_IF_ERROR(tx.AppendEvent(event).status());
        RETURN_IF_ERROR(QueueMessages(
            tx, domain::PlanReferralStatusChange(updated, options_.routes),
            {.referral = &updated}, now));
        return updated;
      },
      std::move(reply), caller, request.referral_id());
}

absl::StatusOr<v1::Referral> Pathway::GetReferral(
    absl::string_view referral_id) {
  std::optional<v1::Referral> found;
  RETURN_IF_ERROR(store_.Read([&](store::ReadTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(found, tx.GetReferral(referral_id));
    return absl::OkStatus();
  }));
  if (!found.has_value()) return NotFound("referral", referral_id);
  return *std::move(found);
}

absl::StatusOr<v1::ListReferralsResponse> Pathway::ListReferrals(
    const v1::ListReferralsRequest& request) {
  domain::Violations v;
  if (!request.ods_code().empty()) {
    if (absl::Status s = domain::ValidateOdsCode(request.ods_code()); !s.ok()) {
      v.Add("ods_code", s.message());
    }
  }
  if (!v1::ReferralStatus_IsValid(request.status())) {
    v.Add("status", "is not a known referral status");
  }
  if (request.page_size() < 0) v.Add("page_size", "must not be negative");
  RETURN_IF_ERROR(v.ToStatus("invalid list request"));
  store::ReferralQuery query;
  query.ods_code = request.ods_code();
  query.status = request.status();
  query.limit = PageSize(request.page_size());
  query.cursor = request.page_token();
  v1::ListReferralsResponse response;
  RETURN_IF_ERROR(store_.Read([&](store::ReadTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::Page<v1::Referral> page, tx.ListReferrals(query));
    for (auto& r : page.items) *response.add_referrals() = std::move(r);
    response.set_next_page_token(page.next_cursor);
    return absl::OkStatus();
  }));
  return response;
}

void Pathway::RecommendPrescription(
    const v1::RecommendPrescriptionRequest& request,
    Reply<v1::PrescriptionRequest> reply, const security::Principal& caller,
    absl::string_view adapter) {
  const absl::Time now = clock_.Now();
  if (absl::Status s = domain::ValidateRecommendPrescription(
          request, {options_.max_text_length,
                    absl::ToCivilDay(now, absl::UTCTimeZone())});
      !s.ok()) {
    reply(s);
    return;
  }
  const v1::FormularyEntry* entry = formulary_.Find(request.product_id());
  if (entry == nullptr) {
    reply(domain::InvalidArgumentWithViolations(
        "invalid prescription recommendation",
        {{"product_id", "is not in the gateway's formulary"}}));
    return;
  }
  if (!domain::Formulary::AllowsRoute(*entry, request.route())) {
    std::vector<std::string> allowed;
    for (int r : entry->routes()) {
      allowed.push_back(domain::RouteName(static_cast<v1::Route>(r)));
    }
    reply(domain::InvalidArgumentWithViolations(
        "invalid prescription recommendation",
        {{"route",
          absl::StrCat("product ", request.product_id(), " may not take route ",
                       domain::RouteName(request.route()),
                       "; allowed: ", absl::StrJoin(allowed, ", "))}}));
    return;
  }
  IdempotentWrite<v1::PrescriptionRequest>(
      "RecommendPrescription", request.request_id(), request,
      [this, request, product = entry->product(), now,
       adapter = std::string(adapter)](store::WriteTransaction& tx)
          -> absl::StatusOr<v1::PrescriptionRequest> {
        ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                         tx.GetReferral(request.referral_id()));
        if (!referral.has_value()) {
          return NotFound("referral", request.referral_id());
        }
        const v1::ReferralStatus rs = referral->status();
        if (rs == v1::REFERRAL_STATUS_DECLINED ||
            rs == v1::REFERRAL_STATUS_COMPLETED ||
            rs == v1::REFERRAL_STATUS_WITHDRAWN) {
          return absl::FailedPreconditionError(
              absl::StrCat("cannot recommend: referral is ",
                           domain::ReferralStatusName(rs)));
        }
        v1::Organisation target = request.target();
        if (request.route() == v1::ROUTE_GP_PRESCRIPTION) {
          if (target.ods_code().empty()) target = referral->gp_practice();
          if (target.ods_code().empty()) {
            return domain::InvalidArgumentWithViolations(
                "invalid prescription recommendation",
                {{"target.ods_code",
                  "is required: the referral names no GP practice"}});
          }
          if (!referral->consent().share_with_gp()) {
            return absl::FailedPreconditionError(
                "cannot recommend on route GP_PRESCRIPTION: the patient has "
                "not consented to sharing with their GP "
                "(referral.consent.share_with_gp)");
          }
        }
        if (request.route() == v1::ROUTE_PHARMACY_SUPPLY &&
            !referral->consent().share_with_pharmacy()) {
          return absl::FailedPreconditionError(
              "cannot recommend on route PHARMACY_SUPPLY: the patient has "
              "not consented to sharing with a pharmacy "
              "(referral.consent.share_with_pharmacy)");
        }
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
        *p.mutable_product() = product;
        p.set_dose_text(request.dose_text());
        *p.mutable_quantity() = request.quantity();
        p.set_duration_days(request.duration_days());
        p.set_route(request.route());
        *p.mutable_target() = target;
        *p.mutable_service() = referral->service();
        *p.mutable_gp_practice() = referral->gp_practice();
        *p.mutable_recommended_by() = request.recommended_by();
        if (request.route() == v1::ROUTE_GP_PRESCRIPTION) {
          *p.mutable_nominated_pharmacy() = request.nominated_pharmacy();
        }
        p.set_reason(request.reason());
        p.set_status(v1::PRESCRIPTION_STATUS_RECOMMENDED);
        *p.mutable_created_at() = domain::ToTimestamp(now);
        *p.mutable_updated_at() = domain::ToTimestamp(now);
        p.set_version(1);
        bool sensitive = false;
        for (const auto& m : referral->mental_health().medicines()) {
          sensitive = sensitive || m.cyp1a2_sensitive();
        }
        p.set_cyp1a2_safety_alert(sensitive);
        SetDueAt(p, deadlines_, now);
        RETURN_IF_ERROR(tx.InsertPrescription(p));

        v1::TimelineEvent event;
        event.set_type(v1::EVENT_TYPE_PRESCRIPTION_RECOMMENDED);
        event.set_referral_id(p.referral_id());
        event.set_prescription_id(p.prescription_id());
        event.set_to_status(p.status());
        *event.mutable_occurred_at() = p.created_at();
        *event.mutable_actor()->mutable_organisation() = p.service();
        *event.mutable_actor()->mutable_practitioner() = p.recommended_by();
        event.mutable_actor()->set_adapter(adapter);
        RETURN_IF_ERROR(tx.AppendEvent(event).status());
        if (sensitive) {
          // Starting treatment changes CYP1A2 induction: the prescriber and
          // mental health team must review levels. The note names the
          // medicine class, never the patient.
          v1::TimelineEvent alert = event;
          alert.set_type(v1::EVENT_TYPE_SAFETY_ALERT);
          alert.clear_to_status();
          alert.set_reason_code("CYP1A2_LEVEL_REVIEW");
          alert.set_note(
              "Patient takes a medicine whose level rises when smoking "
              "stops (e.g. clozapine, olanzapine): the prescriber and "
              "mental health team should review levels.");
          RETURN_IF_ERROR(tx.AppendEvent(alert).status());
        }
        RETURN_IF_ERROR(QueueMessages(
            tx,
            domain::PlanRecommendation(p, *referral, first_for_referral,
                                       options_.routes),
            {.referral = &*referral, .prescription = &p}, now));
        return p;
      },
      std::move(reply), caller, request.referral_id());
}

void Pathway::ApplyTransition(PrescriptionAction action,
                              absl::string_view operation,
                              const google::protobuf::Message& request,
                              TransitionCommand command,
                              Reply<v1::PrescriptionRequest> reply,
                              const security::Principal& caller) {
  const absl::Time now = clock_.Now();
  const std::string request_id = command.request_id;
  const std::string prescription_id = command.prescription_id;
  IdempotentWrite<v1::PrescriptionRequest>(
      operation, request_id, request,
      [this, action, command = std::move(command),
       now](store::WriteTransaction& tx)
          -> absl::StatusOr<v1::PrescriptionRequest> {
        ASSIGN_OR_RETURN(std::optional<v1::PrescriptionRequest> current,
                         tx.GetPrescription(command.prescription_id));
        if (!current.has_value()) {
          return NotFound("prescription request", command.prescription_id);
        }
        ASSIGN_OR_RETURN(
            v1::PrescriptionStatus next,
            domain::NextStatus(current->status(), current->route(), action));
        v1::PrescriptionRequest updated =
            Advanced(*current, next, deadlines_, now);
        if (!command.eps_prescription_id.empty()) {
          updated.set_eps_prescription_id(command.eps_prescription_id);
        }
        if (!command.reason_code.empty()) {
          updated.set_status_reason(command.reason_code);
        }
        RETURN_IF_ERROR(tx.UpdatePrescription(updated, current->version()));

        v1::TimelineEvent event;
        event.set_type(v1::EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED);
        event.set_referral_id(updated.referral_id());
        event.set_prescription_id(updated.prescription_id());
        event.set_from_status(current->status());
        event.set_to_status(next);
        *event.mutable_occurred_at() = updated.updated_at();
        *event.mutable_actor() = command.actor;
        for (const v1::ExternalId& id : command.external_ids) {
          *event.add_external_ids() = id;
        }
        if (!command.eps_prescription_id.empty()) {
          v1::ExternalId* eps = event.add_external_ids();
          eps->set_system(std::string(kEpsOrderNumberSystem));
          eps->set_value(command.eps_prescription_id);
        }
        event.set_reason_code(command.reason_code);
        event.set_note(command.note);
        RETURN_IF_ERROR(tx.AppendEvent(event).status());
        // Only a prescribed request with a nominated pharmacy, or a
        // cancelled one, owes anyone a message; skip the referral read
        // otherwise.
        if ((next == v1::PRESCRIPTION_STATUS_PRESCRIBED &&
             !updated.nominated_pharmacy().ods_code().empty()) ||
            next == v1::PRESCRIPTION_STATUS_CANCELLED) {
          ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                           tx.GetReferral(updated.referral_id()));
          if (referral.has_value()) {
            RETURN_IF_ERROR(QueueMessages(
                tx,
                domain::PlanPrescriptionChange(*current, updated, *referral,
                                               options_.routes),
                {.referral = &*referral, .prescription = &updated}, now));
          }
        }
        return updated;
      },
      std::move(reply), caller, prescription_id);
}

namespace {

template <typename Request>
TransitionCommand CommandFrom(const Request& request) {
  TransitionCommand c;
  c.request_id = request.request_id();
  c.prescription_id = request.prescription_id();
  c.actor = request.actor();
  if (c.actor.adapter().empty()) c.actor.set_adapter("grpc");
  c.note = request.note();
  c.external_ids.assign(request.external_ids().begin(),
                        request.external_ids().end());
  return c;
}

}  // namespace

void Pathway::Transition(PrescriptionAction action,
                         const v1::TransitionRequest& request,
                         Reply<v1::PrescriptionRequest> reply,
                         const security::Principal& caller) {
  if (NeedsReason(action) || action == PrescriptionAction::kPrescribe ||
      action == PrescriptionAction::kExpire) {
    reply(absl::InternalError("this action needs a different request shape"));
    return;
  }
  if (absl::Status s =
          domain::ValidateTransition(request, {options_.max_text_length, {}});
      !s.ok()) {
    reply(s);
    return;
  }
  ApplyTransition(action, OperationName(action), request, CommandFrom(request),
                  std::move(reply), caller);
}

void Pathway::Transition(PrescriptionAction action,
                         const v1::ReasonedTransitionRequest& request,
                         Reply<v1::PrescriptionRequest> reply,
                         const security::Principal& caller) {
  if (!NeedsReason(action)) {
    reply(absl::InternalError("this action takes no reason"));
    return;
  }
  if (absl::Status s = domain::ValidateReasonedTransition(
          request, {options_.max_text_length, {}});
      !s.ok()) {
    reply(s);
    return;
  }
  TransitionCommand command = CommandFrom(request);
  command.reason_code = request.reason_code();
  ApplyTransition(action, OperationName(action), request, std::move(command),
                  std::move(reply), caller);
}

void Pathway::Prescribe(const v1::PrescribeRequest& request,
                        Reply<v1::PrescriptionRequest> reply,
                        const security::Principal& caller) {
  if (absl::Status s =
          domain::ValidatePrescribe(request, {options_.max_text_length, {}});
      !s.ok()) {
    reply(s);
    return;
  }
  TransitionCommand command = CommandFrom(request);
  command.eps_prescription_id = request.eps_prescription_id();
  ApplyTransition(PrescriptionAction::kPrescribe, "Prescribe", request,
                  std::move(command), std::move(reply), caller);
}

absl::StatusOr<v1::PrescriptionRequest> Pathway::GetPrescription(
    absl::string_view prescription_id) {
  std::optional<v1::PrescriptionRequest> found;
  RETURN_IF_ERROR(store_.Read([&](store::ReadTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(found, tx.GetPrescription(prescription_id));
    return absl::OkStatus();
  }));
  if (!found.has_value()) {
    return NotFound("prescription request", prescription_id);
  }
  return *std::move(found);
}

absl::StatusOr<v1::PrescriptionRequest> Pathway::GetPrescriptionByEpsId(
    absl::string_view eps_prescription_id) {
  std::optional<v1::PrescriptionRequest> found;
  RETURN_IF_ERROR(store_.Read([&](store::ReadTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(found, tx.GetPrescriptionByEpsId(eps_prescription_id));
    return absl::OkStatus();
  }));
  if (!found.has_value()) {
    return NotFound("prescription request with EPS id", eps_prescription_id);
  }
  return *std::move(found);
}

absl::StatusOr<v1::ListPrescriptionsResponse> Pathway::ListPrescriptions(
    const v1::ListPrescriptionsRequest& request) {
  domain::Violations v;
  if (!request.ods_code().empty()) {
    if (absl::Status s = domain::ValidateOdsCode(request.ods_code()); !s.ok()) {
      v.Add("ods_code", s.message());
    }
  }
  if (!v1::PrescriptionStatus_IsValid(request.status())) {
    v.Add("status", "is not a known prescription status");
  }
  if (request.page_size() < 0) v.Add("page_size", "must not be negative");
  RETURN_IF_ERROR(v.ToStatus("invalid list request"));
  store::PrescriptionQuery query;
  query.ods_code = request.ods_code();
  query.status = request.status();
  query.overdue_only = request.overdue_only();
  query.referral_id = request.referral_id();
  query.limit = PageSize(request.page_size());
  query.cursor = request.page_token();
  v1::ListPrescriptionsResponse response;
  RETURN_IF_ERROR(store_.Read([&](store::ReadTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::Page<v1::PrescriptionRequest> page,
                     tx.ListPrescriptions(query));
    for (auto& p : page.items) *response.add_prescriptions() = std::move(p);
    response.set_next_page_token(page.next_cursor);
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<v1::GetTimelineResponse> Pathway::GetTimeline(
    absl::string_view prescription_id) {
  v1::GetTimelineResponse response;
  bool exists = false;
  RETURN_IF_ERROR(store_.Read([&](store::ReadTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto p, tx.GetPrescription(prescription_id));
    exists = p.has_value();
    if (!exists) return absl::OkStatus();
    store::EventQuery query;
    query.prescription_id = std::string(prescription_id);
    query.limit = 10000;
    ASSIGN_OR_RETURN(std::vector<v1::TimelineEvent> events,
                     tx.ListEvents(query));
    for (auto& e : events) *response.add_events() = std::move(e);
    return absl::OkStatus();
  }));
  if (!exists) return NotFound("prescription request", prescription_id);
  return response;
}

absl::StatusOr<std::vector<v1::TimelineEvent>> Pathway::ReadEvents(
    const store::EventQuery& query) {
  std::vector<v1::TimelineEvent> events;
  RETURN_IF_ERROR(store_.Read([&](store::ReadTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(events, tx.ListEvents(query));
    return absl::OkStatus();
  }));
  return events;
}

void Pathway::RecordOutcome(const v1::RecordOutcomeRequest& request,
                            Reply<v1::Outcome> reply,
                            const security::Principal& caller) {
  const absl::Time now = clock_.Now();
  if (absl::Status s = domain::ValidateRecordOutcome(
          request, {options_.max_text_length,
                    absl::ToCivilDay(now, absl::UTCTimeZone())});
      !s.ok()) {
    reply(s);
    return;
  }
  v1::Outcome outcome = request.outcome();
  outcome.set_outcome_id(NewRecordId("out"));
  *outcome.mutable_created_at() = domain::ToTimestamp(now);
  if (outcome.recorded_by().adapter().empty()) {
    outcome.mutable_recorded_by()->set_adapter("grpc");
  }
  IdempotentWrite<v1::Outcome>(
      "RecordOutcome", request.request_id(), request,
      [this, outcome,
       now](store::WriteTransaction& tx) -> absl::StatusOr<v1::Outcome> {
        ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                         tx.GetReferral(outcome.referral_id()));
        if (!referral.has_value()) {
          return NotFound("referral", outcome.referral_id());
        }
        RETURN_IF_ERROR(tx.InsertOutcome(outcome));
        v1::TimelineEvent event;
        event.set_type(v1::EVENT_TYPE_OUTCOME_RECORDED);
        event.set_referral_id(outcome.referral_id());
        event.set_outcome_id(outcome.outcome_id());
        *event.mutable_occurred_at() = outcome.created_at();
        *event.mutable_actor() = outcome.recorded_by();
        event.set_reason_code(std::string(absl::StripPrefix(
            v1::OutcomeStatus_Name(outcome.status()), "OUTCOME_STATUS_")));
        RETURN_IF_ERROR(tx.AppendEvent(event).status());
        RETURN_IF_ERROR(
            QueueMessages(tx, domain::PlanOutcome(*referral, options_.routes),
                          {.referral = &*referral, .outcome = &outcome}, now));
        return outcome;
      },
      std::move(reply), caller, outcome.referral_id());
}

absl::StatusOr<v1::ListOutcomesResponse> Pathway::ListOutcomes(
    const v1::ListOutcomesRequest& request) {
  if (request.referral_id().empty()) {
    return domain::InvalidArgumentWithViolations(
        "invalid list request", {{"referral_id", "is required"}});
  }
  v1::ListOutcomesResponse response;
  bool exists = false;
  RETURN_IF_ERROR(store_.Read([&](store::ReadTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto referral, tx.GetReferral(request.referral_id()));
    exists = referral.has_value();
    if (!exists) return absl::OkStatus();
    ASSIGN_OR_RETURN(std::vector<v1::Outcome> outcomes,
                     tx.ListOutcomes(request.referral_id()));
    for (auto& o : outcomes) *response.add_outcomes() = std::move(o);
    return absl::OkStatus();
  }));
  if (!exists) return NotFound("referral", request.referral_id());
  return response;
}

}  // namespace nhs::tobacco::pathway
