#include "gateway/api/prescription_grpc_service.h"

#include "absl/strings/str_cat.h"
#include "gateway/api/caller.h"
#include "gateway/api/grpc_status.h"
#include "gateway/api/unary_reply.h"
#include "gateway/api/watch_events_reactor.h"

namespace nhs::tobacco::api {

using domain::PrescriptionAction;
using pathway::Caller;
using pathway::kGrpcAdapter;

template <typename Request>
grpc::ServerUnaryReactor* PrescriptionGrpcService::Transition(
    grpc::CallbackServerContext* context, PrescriptionAction action,
    const Request* request, v1::PrescriptionRequest* response) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  prescriptions_.Transition(Caller(*caller, kGrpcAdapter), action, *request,
                            FinishWith(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* PrescriptionGrpcService::RecommendPrescription(
    grpc::CallbackServerContext* context,
    const v1::RecommendPrescriptionRequest* request,
    v1::PrescriptionRequest* response) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  prescriptions_.RecommendPrescription(Caller(*caller, kGrpcAdapter), *request,
                                       FinishWith(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* PrescriptionGrpcService::RecommendAlternative(
    grpc::CallbackServerContext* context,
    const v1::RecommendAlternativeRequest* request,
    v1::PrescriptionRequest* response) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  prescriptions_.RecommendAlternative(Caller(*caller, kGrpcAdapter), *request,
                                      FinishWith(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* PrescriptionGrpcService::GetPrescription(
    grpc::CallbackServerContext* context,
    const v1::GetPrescriptionRequest* request,
    v1::PrescriptionRequest* response) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  return FinishNow(context, response,
                   prescriptions_.GetPrescription(Caller(*caller, kGrpcAdapter),
                                                  request->prescription_id()));
}

grpc::ServerUnaryReactor* PrescriptionGrpcService::ListPrescriptions(
    grpc::CallbackServerContext* context,
    const v1::ListPrescriptionsRequest* request,
    v1::ListPrescriptionsResponse* response) {
  absl::StatusOr<security::Principal> caller = guard_.Authenticate(*context);
  if (!caller.ok()) return FinishNow(context, response, {caller.status()});
  return FinishNow(context, response,
                   prescriptions_.ListPrescriptions(
                       Caller(*caller, kGrpcAdapter), *request));
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
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  prescriptions_.Prescribe(Caller(*caller, kGrpcAdapter), *request,
                           FinishWith(reactor, response));
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
  return FinishNow(context, response,
                   prescriptions_.GetTimeline(Caller(*caller, kGrpcAdapter),
                                              request->prescription_id()));
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
  // The caller's organisation holds the slot: the principal comes from the
  // certificate, so one organisation cannot fill another's share.
  absl::StatusOr<StreamSlots::Slot> slot = streams_.Acquire(caller->ods_code);
  if (!slot.ok()) return new RefusedStream(ToGrpcStatus(slot.status()));
  absl::StatusOr<std::unique_ptr<pathway::EventWatch>> watch =
      prescriptions_.WatchEvents(Caller(*caller, kGrpcAdapter), *request);
  if (!watch.ok()) return new RefusedStream(ToGrpcStatus(watch.status()));
  return new WatchEventsReactor(*std::move(watch), hub_, *request,
                                *std::move(slot));
}

}  // namespace nhs::tobacco::api
