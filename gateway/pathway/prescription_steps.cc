// The protocol steps of a prescription request (PrescriptionPathway): the
// gRPC-shaped requests and the steps a message carries share one check
// (authorise against the request as the change's transaction reads it,
// then validate, then the actor) and one Apply.
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/field_violations.h"
#include "gateway/domain/identifier_systems.h"
#include "gateway/domain/practitioner_rules.h"
#include "gateway/domain/request_validation.h"
#include "gateway/domain/timestamps.h"
#include "gateway/pathway/outbox_queue.h"
#include "gateway/pathway/prescription_pathway.h"
#include "gateway/pathway/record_access.h"
#include "gateway/pathway/record_stamps.h"

namespace nhs::tobacco::pathway {
namespace {

using domain::PrescriptionAction;

using domain::kEpsOrderNumberSystem;

bool NeedsReason(PrescriptionAction action) {
  return action == PrescriptionAction::kDecline ||
         action == PrescriptionAction::kRecordNotSupplied ||
         action == PrescriptionAction::kCancel;
}

// GP refusals (issue 12): the configured code list a reasoned step takes
// its reason from, or null when the reason is free (Cancel).
const domain::ReasonCodeList* ReasonsFor(const PathwayOptions& options,
                                         PrescriptionAction action) {
  switch (action) {
    case PrescriptionAction::kDecline:
      return &options.decline_reasons;
    case PrescriptionAction::kRecordNotSupplied:
      return &options.not_supplied_reasons;
    default:
      return nullptr;
  }
}

// The shape check of a reasoned step, then its code against the list
// (violation on `reason_field`): the list is checked only for a well-formed
// code, so one error names one problem.
absl::Status ValidateReasoned(const PathwayOptions& options,
                              PrescriptionAction action,
                              const v1::ReasonedTransitionRequest& request,
                              absl::string_view reason_field) {
  RETURN_IF_ERROR(domain::ValidateReasonedTransition(
      request, {options.max_text_length, {}}));
  const domain::ReasonCodeList* list = ReasonsFor(options, action);
  if (list == nullptr) return absl::OkStatus();
  return list->Check(
      request.reason_code(), reason_field,
      action == PrescriptionAction::kDecline ? "decline" : "not-supplied");
}

template <typename Request>
TransitionCommand CommandFrom(const Request& request) {
  TransitionCommand c;
  c.request_id = request.request_id();
  c.prescription_id = request.prescription_id();
  c.actor = request.actor();
  c.note = request.note();
  c.external_ids.assign(request.external_ids().begin(),
                        request.external_ids().end());
  return c;
}

// A restricted caller acts in its own name: a request that names no acting
// organisation is the caller's (naming another is refused by ActorOf). The
// unrestricted development caller must say who acts.
template <typename Request>
Request WithCallerAsActor(const Caller& caller, PrescriptionAction action,
                          Request request) {
  if (request.actor().organisation().ods_code().empty() &&
      !Unrestricted(caller.principal, OperationFor(action))) {
    request.mutable_actor()->mutable_organisation()->set_ods_code(
        caller.principal.ods_code);
  }
  return request;
}

// The caller quoted the request's EPS prescription id among its external
// ids: what a dispensing pharmacy holds.
bool QuotesEpsId(const std::vector<v1::ExternalId>& ids,
                 const std::optional<v1::PrescriptionRequest>& p) {
  if (!p.has_value() || p->eps_prescription_id().empty()) return false;
  for (const v1::ExternalId& id : ids) {
    if (id.system() == kEpsOrderNumberSystem &&
        id.value() == p->eps_prescription_id()) {
      return true;
    }
  }
  return false;
}

// A message naming another patient than the request's is unprocessable.
absl::Status SamePatient(const v1::PrescriptionRequest& found,
                         const std::string& nhs_number) {
  if (found.patient().nhs_number() == nhs_number) return absl::OkStatus();
  domain::Violations v;
  v.Add("Bundle.entry.resource.subject",
        "the patient is not the patient of this prescription request");
  return v.ToStatus("patient mismatch");
}

}  // namespace

template <typename Request>
void PrescriptionPathway::ApplyRequest(const Caller& caller,
                                       PrescriptionAction action,
                                       const Request& request,
                                       TransitionCommand command,
                                       std::function<absl::Status()> validate,
                                       Reply<v1::PrescriptionRequest> reply) {
  const absl::Time now = writes_.clock().Now();
  auto step = std::make_shared<Step>(Step{action, std::move(command)});
  const security::Operation op = OperationFor(action);
  writes_.Write<v1::PrescriptionRequest>(
      caller,
      {std::string(security::OperationName(OperationFor(action))),
       request.prescription_id()},
      request.request_id(), request,
      [caller, op, step, validate = std::move(validate)](
          store::WriteTransaction& tx, AuditTarget&) -> absl::Status {
        ASSIGN_OR_RETURN(std::optional<v1::PrescriptionRequest> current,
                         tx.GetPrescription(step->command.prescription_id));
        // An unknown request is NOT_FOUND only after validation, as the
        // unrestricted development caller always saw it.
        RETURN_IF_ERROR(
            AuthorizeRecord(caller.principal, op, current, absl::OkStatus(),
                            QuotesEpsId(step->command.external_ids, current)));
        RETURN_IF_ERROR(validate());
        ASSIGN_OR_RETURN(step->command.actor,
                         ActorOf(caller, op, step->command.actor,
                                 "actor.organisation.ods_code"));
        // In the console a named person answers for a clinical act.
        return domain::CheckPractitionerNamed(
            caller.adapter, domain::IsPractitionerAct(step->action),
            step->command.actor.practitioner());
      },
      [this, step, now](store::WriteTransaction& tx) {
        return Apply(tx, *step, now);
      },
      std::move(reply));
}

void PrescriptionPathway::Transition(const Caller& caller,
                                     PrescriptionAction action,
                                     const v1::TransitionRequest& given,
                                     Reply<v1::PrescriptionRequest> reply) {
  if (NeedsReason(action) || action == PrescriptionAction::kPrescribe ||
      action == PrescriptionAction::kExpire) {
    reply(absl::InternalError("this action needs a different request shape"));
    return;
  }
  const v1::TransitionRequest request =
      WithCallerAsActor(caller, action, given);
  ApplyRequest(
      caller, action, request, CommandFrom(request),
      [request, limit = options_.max_text_length] {
        return domain::ValidateTransition(request, {limit, {}});
      },
      std::move(reply));
}

void PrescriptionPathway::Transition(const Caller& caller,
                                     PrescriptionAction action,
                                     const v1::ReasonedTransitionRequest& given,
                                     Reply<v1::PrescriptionRequest> reply) {
  if (!NeedsReason(action)) {
    reply(absl::InternalError("this action takes no reason"));
    return;
  }
  const v1::ReasonedTransitionRequest request =
      WithCallerAsActor(caller, action, given);
  TransitionCommand command = CommandFrom(request);
  command.reason_code = request.reason_code();
  ApplyRequest(
      caller, action, request, std::move(command),
      [request, action, options = &options_] {
        return ValidateReasoned(*options, action, request, "reason_code");
      },
      std::move(reply));
}

void PrescriptionPathway::Prescribe(const Caller& caller,
                                    const v1::PrescribeRequest& given,
                                    Reply<v1::PrescriptionRequest> reply) {
  const v1::PrescribeRequest request =
      WithCallerAsActor(caller, PrescriptionAction::kPrescribe, given);
  TransitionCommand command = CommandFrom(request);
  command.eps_prescription_id = request.eps_prescription_id();
  ApplyRequest(
      caller, PrescriptionAction::kPrescribe, request, std::move(command),
      [request, limit = options_.max_text_length] {
        return domain::ValidatePrescribe(request, {limit, {}});
      },
      std::move(reply));
}

void PrescriptionPathway::ApplyMessage(const Caller& caller, MessageStep msg,
                                       Reply<v1::PrescriptionRequest> reply) {
  const absl::Time now = writes_.clock().Now();
  // Every shape the step may take: a resent message fingerprints the same.
  const std::string fingerprint = absl::StrCat(
      RequestFingerprint(msg.prescribe), RequestFingerprint(msg.reasoned),
      RequestFingerprint(msg.transition), ":", msg.eps_prescription_id);
  const std::string request_id =
      msg.transition.request_id().empty()
          ? (msg.reasoned.request_id().empty() ? msg.prescribe.request_id()
                                               : msg.reasoned.request_id())
          : msg.transition.request_id();
  auto step = std::make_shared<Step>();
  auto message = std::make_shared<const MessageStep>(std::move(msg));
  writes_.Write<v1::PrescriptionRequest>(
      caller, {"", message->prescription_id}, request_id, fingerprint,
      [caller, step, message, options = &options_,
       limit = options_.max_text_length](store::WriteTransaction& tx,
                                         AuditTarget& target) -> absl::Status {
        std::string id = message->prescription_id;
        if (id.empty()) {
          // A pharmacy dispensing a GP prescription knows it by its EPS id.
          ASSIGN_OR_RETURN(
              std::optional<v1::PrescriptionRequest> by_eps,
              tx.GetPrescriptionByEpsId(message->eps_prescription_id));
          if (by_eps.has_value()) id = by_eps->prescription_id();
        }
        // An unknown EPS id is audited under the id the pharmacy quoted.
        const std::string named =
            id.empty() ? message->eps_prescription_id : id;
        target.record_id = named;
        std::optional<v1::PrescriptionRequest> current;
        if (!id.empty()) {
          ASSIGN_OR_RETURN(current, tx.GetPrescription(id));
        }
        const PrescriptionAction action = message->action_for_route(
            current.has_value() ? current->route() : v1::ROUTE_UNSPECIFIED);
        const security::Operation op = OperationFor(action);
        target.operation =
            std::string(security::OperationName(OperationFor(action)));
        // On the GP route the patient chose the pharmacy through EPS:
        // quoting the request's EPS id is what entitles it to dispense.
        const bool holds_eps_id =
            current.has_value() && !current->eps_prescription_id().empty() &&
            message->eps_prescription_id == current->eps_prescription_id();
        RETURN_IF_ERROR(AuthorizeRecord(
            caller.principal, op, current,
            absl::NotFoundError(absl::StrCat(
                message->id_path, ": no prescription request ", named)),
            holds_eps_id));
        TransitionCommand command;
        absl::Status valid;
        if (action == PrescriptionAction::kPrescribe) {
          v1::PrescribeRequest r = message->prescribe;
          r.set_prescription_id(id);
          command = CommandFrom(r);
          command.eps_prescription_id = r.eps_prescription_id();
          valid = domain::ValidatePrescribe(r, {limit, {}});
        } else if (NeedsReason(action)) {
          v1::ReasonedTransitionRequest r = message->reasoned;
          r.set_prescription_id(id);
          command = CommandFrom(r);
          command.reason_code = r.reason_code();
          valid = ValidateReasoned(*options, action, r,
                                   message->reason_path.empty()
                                       ? "reason_code"
                                       : message->reason_path);
        } else {
          v1::TransitionRequest r = message->transition;
          r.set_prescription_id(id);
          command = CommandFrom(r);
          valid = domain::ValidateTransition(r, {limit, {}});
        }
        // The timeline records the sender the message names; it must be
        // the organisation that proved itself in the handshake.
        if (!Unrestricted(caller.principal, op) &&
            command.actor.organisation().ods_code() !=
                caller.principal.ods_code) {
          return absl::PermissionDeniedError(absl::StrCat(
              security::OperationName(op), " refused for ",
              caller.principal.ods_code,
              ": the message's sender (MessageHeader.sender / performer) "
              "must be the organisation of the client certificate"));
        }
        // Only now may the message's patient be compared: a refusal above
        // must not reveal whose request it is.
        RETURN_IF_ERROR(SamePatient(*current, message->nhs_number));
        RETURN_IF_ERROR(valid);
        ASSIGN_OR_RETURN(command.actor, ActorOf(caller, op, command.actor,
                                                "actor.organisation.ods_code"));
        *step = Step{action, std::move(command)};
        return absl::OkStatus();
      },
      [this, step, now](store::WriteTransaction& tx) {
        return Apply(tx, *step, now);
      },
      std::move(reply));
}

absl::StatusOr<v1::PrescriptionRequest> PrescriptionPathway::Apply(
    store::WriteTransaction& tx, const Step& step, absl::Time now) const {
  const TransitionCommand& command = step.command;
  ASSIGN_OR_RETURN(std::optional<v1::PrescriptionRequest> current,
                   tx.GetPrescription(command.prescription_id));
  if (!current.has_value()) {
    return NotFound("prescription request", command.prescription_id);
  }
  ASSIGN_OR_RETURN(
      v1::PrescriptionStatus next,
      domain::NextStatus(current->status(), current->route(), step.action));
  v1::PrescriptionRequest updated = Advanced(*current, next, deadlines_, now);
  if (!command.eps_prescription_id.empty()) {
    updated.set_eps_prescription_id(command.eps_prescription_id);
  }
  // The code's text from its list goes with it wherever it is shown.
  std::string reason_display;
  if (const domain::ReasonCodeList* list = ReasonsFor(options_, step.action);
      list != nullptr) {
    reason_display = list->Display(command.reason_code);
  }
  if (!command.reason_code.empty()) {
    updated.set_status_reason(command.reason_code);
    updated.set_status_reason_display(reason_display);
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
  event.set_reason_display(reason_display);
  event.set_note(command.note);
  RETURN_IF_ERROR(tx.AppendEvent(event).status());
  // Only a prescribed request with a nominated pharmacy, or a cancelled
  // one, owes anyone a message; skip the referral read otherwise.
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
}

}  // namespace nhs::tobacco::pathway
