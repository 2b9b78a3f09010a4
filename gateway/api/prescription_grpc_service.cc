#include "gateway/api/prescription_grpc_service.h"

#include "absl/strings/str_cat.h"
#include "gateway/api/authorization.h"
#include "gateway/api/caller.h"
#include "gateway/api/grpc_status.h"
#include "gateway/api/unary_reply.h"
#include "gateway/api/watch_events_reactor.h"

namespace nhs::tobacco::api {

using domain::PrescriptionAction;
using security::Operation;

namespace {

constexpr absl::string_view kEpsOrderNumberSystem =
    "https://fhir.nhs.uk/Id/prescription-order-number";

// The caller quoted the request's EPS prescription id: what a dispensing
// pharmacy holds.
template <typename Request>
bool QuotesEpsId(const Request& request,
                 const absl::StatusOr<v1::PrescriptionRequest>& p) {
  if (!p.ok() || p->eps_prescription_id().empty()) return false;
  for (const v1::ExternalId& id : request.external_ids()) {
    if (id.system() == kEpsOrderNumberSystem &&
        id.value() == p->eps_prescription_id()) {
      return true;
    }
  }
  return false;
}

}  // namespace

template <typename Request>
absl::Status PrescriptionGrpcService::AuthorizeTransition(
    const security::Principal& caller, PrescriptionAction action,
    const Request& request) {
  if (caller.role == security::Role::kDevelopment) return absl::OkStatus();
  absl::StatusOr<v1::PrescriptionRequest> current =
      pathway_.GetPrescription(request.prescription_id());
  const bool holds_eps = QuotesEpsId(request, current);
  absl::Status allowed = AuthorizeRecord(caller, OperationFor(action),
                                         std::move(current), holds_eps)
                             .status();
  if (!allowed.ok()) {
    pathway_.Audit(caller, security::OperationName(OperationFor(action)),
                   request.prescription_id(), allowed);
  }
  return allowed;
}

template <typename Request>
grpc::ServerUnaryReactor* PrescriptionGrpcService::Transition(
    grpc::CallbackServerContext* context, PrescriptionAction action,
    const Request* request, v1::PrescriptionRequest* response) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  if (absl::Status allowed = AuthorizeTransition(*caller, action, *request);
      !allowed.ok()) {
    return FinishNow(context, response, {allowed});
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  pathway_.Transition(action, *request, FinishWith(reactor, response), *caller);
  return reactor;
}

grpc::ServerUnaryReactor* PrescriptionGrpcService::RecommendPrescription(
    grpc::CallbackServerContext* context,
    const v1::RecommendPrescriptionRequest* request,
    v1::PrescriptionRequest* response) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  if (caller->role != security::Role::kDevelopment) {
    absl::Status allowed =
        AuthorizeRecord(*caller, Operation::kRecommend,
                        pathway_.GetReferral(request->referral_id()))
            .status();
    if (!allowed.ok()) {
      pathway_.Audit(*caller, "RecommendPrescription", request->referral_id(),
                     allowed);
      return FinishNow(context, response, {allowed});
    }
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  pathway_.RecommendPrescription(*request, FinishWith(reactor, response),
                                 *caller);
  return reactor;
}

grpc::ServerUnaryReactor* PrescriptionGrpcService::GetPrescription(
    grpc::CallbackServerContext* context,
    const v1::GetPrescriptionRequest* request,
    v1::PrescriptionRequest* response) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  absl::StatusOr<v1::PrescriptionRequest> p =
      AuthorizeRecord(*caller, Operation::kReadPrescription,
                      pathway_.GetPrescription(request->prescription_id()));
  pathway_.Audit(*caller, "GetPrescription", request->prescription_id(),
                 p.status());
  return FinishNow(context, response, std::move(p));
}

grpc::ServerUnaryReactor* PrescriptionGrpcService::ListPrescriptions(
    grpc::CallbackServerContext* context,
    const v1::ListPrescriptionsRequest* request,
    v1::ListPrescriptionsResponse* response) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  v1::ListPrescriptionsRequest scoped = *request;
  const bool restricted = caller->role != security::Role::kDevelopment;
  if (restricted) {
    // A principal lists what concerns its own organisation only.
    if (scoped.ods_code().empty()) scoped.set_ods_code(caller->ods_code);
    if (scoped.ods_code() != caller->ods_code) {
      absl::Status denied = absl::PermissionDeniedError(
          "ListPrescriptions: an organisation may list only its own "
          "prescription requests");
      pathway_.Audit(*caller, "ListPrescriptions", scoped.ods_code(), denied);
      return FinishNow(context, response, {denied});
    }
  }
  absl::StatusOr<v1::ListPrescriptionsResponse> listed =
      pathway_.ListPrescriptions(scoped);
  if (listed.ok() && restricted) {
    v1::ListPrescriptionsResponse visible;
    for (const v1::PrescriptionRequest& p : listed->prescriptions()) {
      if (security::Authorize(*caller, Operation::kReadPrescription,
                              security::ViewOf(p))
              .ok()) {
        *visible.add_prescriptions() = p;
      }
    }
    visible.set_next_page_token(listed->next_page_token());
    listed = std::move(visible);
  }
  pathway_.Audit(*caller, "ListPrescriptions", scoped.ods_code(),
                 listed.status());
  return FinishNow(context, response, std::move(listed));
}

grpc::ServerUnaryReactor* PrescriptionGrpcService::MarkSent(
    grpc::CallbackServerContext* context, const v1::TransitionRequest* request,
    v1::PrescriptionRequest* response) {
  return Transition(context, PrescriptionAction::kMarkSent, request, response);
}

grpc::ServerUnaryReactor* PrescriptionGrpcService::Acknowledge(
    grpc::CallbackServerContext* context, const v1::TransitionRequest* request,
    v1::PrescriptionRequest* response) {
  return Transition(context, PrescriptionAction::kAcknowledge, request,
                    response);
}

grpc::ServerUnaryReactor* PrescriptionGrpcService::Prescribe(
    grpc::CallbackServerContext* context, const v1::PrescribeRequest* request,
    v1::PrescriptionRequest* response) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  if (absl::Status allowed = AuthorizeTransition(
          *caller, PrescriptionAction::kPrescribe, *request);
      !allowed.ok()) {
    return FinishNow(context, response, {allowed});
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  pathway_.Prescribe(*request, FinishWith(reactor, response), *caller);
  return reactor;
}

grpc::ServerUnaryReactor* PrescriptionGrpcService::Decline(
    grpc::CallbackServerContext* context,
    const v1::ReasonedTransitionRequest* request,
    v1::PrescriptionRequest* response) {
  return Transition(context, PrescriptionAction::kDecline, request, response);
}

grpc::ServerUnaryReactor* PrescriptionGrpcService::RequireAppointment(
    grpc::CallbackServerContext* context, const v1::TransitionRequest* request,
    v1::PrescriptionRequest* response) {
  return Transition(context, PrescriptionAction::kRequireAppointment, request,
                    response);
}

grpc::ServerUnaryReactor* PrescriptionGrpcService::Dispense(
    grpc::CallbackServerContext* context, const v1::TransitionRequest* request,
    v1::PrescriptionRequest* response) {
  return Transition(context, PrescriptionAction::kDispense, request, response);
}

grpc::ServerUnaryReactor* PrescriptionGrpcService::Supply(
    grpc::CallbackServerContext* context, const v1::TransitionRequest* request,
    v1::PrescriptionRequest* response) {
  return Transition(context, PrescriptionAction::kSupply, request, response);
}

grpc::ServerUnaryReactor* PrescriptionGrpcService::RecordNotSupplied(
    grpc::CallbackServerContext* context,
    const v1::ReasonedTransitionRequest* request,
    v1::PrescriptionRequest* response) {
  return Transition(context, PrescriptionAction::kRecordNotSupplied, request,
                    response);
}

grpc::ServerUnaryReactor* PrescriptionGrpcService::Cancel(
    grpc::CallbackServerContext* context,
    const v1::ReasonedTransitionRequest* request,
    v1::PrescriptionRequest* response) {
  return Transition(context, PrescriptionAction::kCancel, request, response);
}

grpc::ServerUnaryReactor* PrescriptionGrpcService::GetTimeline(
    grpc::CallbackServerContext* context, const v1::GetTimelineRequest* request,
    v1::GetTimelineResponse* response) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  absl::Status allowed =
      AuthorizeRecord(*caller, Operation::kReadPrescription,
                      pathway_.GetPrescription(request->prescription_id()))
          .status();
  absl::StatusOr<v1::GetTimelineResponse> timeline =
      allowed.ok() ? pathway_.GetTimeline(request->prescription_id())
                   : absl::StatusOr<v1::GetTimelineResponse>(allowed);
  pathway_.Audit(*caller, "GetTimeline", request->prescription_id(),
                 timeline.status());
  return FinishNow(context, response, std::move(timeline));
}

namespace {

// A stream refused before it starts (over the limit).
class RefusedStream final : public grpc::ServerWriteReactor<v1::TimelineEvent> {
 public:
  explicit RefusedStream(const grpc::Status& status) { Finish(status); }
  void OnDone() override { delete this; }
};

}  // namespace

grpc::ServerWriteReactor<v1::TimelineEvent>*
PrescriptionGrpcService::WatchEvents(grpc::CallbackServerContext* context,
                                     const v1::WatchEventsRequest* request) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) {
    return new RefusedStream(ToGrpcStatus(caller.status()));
  }
  if (request->after_sequence() < 0) {
    return new RefusedStream(
        grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                     "after_sequence must not be negative"));
  }
  if (active_watch_streams_.fetch_add(1) >= max_watch_streams_) {
    active_watch_streams_.fetch_sub(1);
    return new RefusedStream(grpc::Status(
        grpc::StatusCode::RESOURCE_EXHAUSTED,
        absl::StrCat("too many WatchEvents streams are open (limit ",
                     max_watch_streams_, "); retry later")));
  }
  pathway_.Audit(*caller, "WatchEvents", request->prescription_id(),
                 absl::OkStatus());
  return new WatchEventsReactor(pathway_, hub_, *request, *caller,
                                active_watch_streams_);
}

}  // namespace nhs::tobacco::api
