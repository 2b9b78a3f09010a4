#ifndef GATEWAY_API_PRESCRIPTION_GRPC_SERVICE_H_
#define GATEWAY_API_PRESCRIPTION_GRPC_SERVICE_H_

#include <memory>

#include "gateway/api/caller.h"
#include "gateway/api/stream_slots.h"
#include "gateway/pathway/event_hub.h"
#include "gateway/pathway/prescription_use_cases.h"
#include "nhs/tobacco/v1/prescription_service.grpc.pb.h"

namespace nhs::tobacco::api {

// PrescriptionService over the callback API: recommendations, every protocol
// transition, the timeline and the WatchEvents stream. Authenticates, then
// hands each call to the use case with the caller (which authorises,
// audits and scopes).
class PrescriptionGrpcService final
    : public v1::PrescriptionService::CallbackService {
 public:
  // `guard` authenticates callers and applies the rate limit; `streams`
  // caps WatchEvents streams in total and per organisation (shared with
  // every other streaming edge).
  PrescriptionGrpcService(pathway::PrescriptionUseCases& prescriptions,
                          pathway::EventHub& hub, StreamSlots& streams,
                          CallerGuard& guard)
      : prescriptions_(prescriptions),
        hub_(hub),
        streams_(streams),
        guard_(guard) {}

  grpc::ServerUnaryReactor* RecommendPrescription(
      grpc::CallbackServerContext* context,
      const v1::RecommendPrescriptionRequest* request,
      v1::PrescriptionRequest* response) override;
  grpc::ServerUnaryReactor* GetPrescription(
      grpc::CallbackServerContext* context,
      const v1::GetPrescriptionRequest* request,
      v1::PrescriptionRequest* response) override;
  grpc::ServerUnaryReactor* ListPrescriptions(
      grpc::CallbackServerContext* context,
      const v1::ListPrescriptionsRequest* request,
      v1::ListPrescriptionsResponse* response) override;
  grpc::ServerUnaryReactor* MarkSent(
      grpc::CallbackServerContext* context,
      const v1::TransitionRequest* request,
      v1::PrescriptionRequest* response) override;
  grpc::ServerUnaryReactor* Acknowledge(
      grpc::CallbackServerContext* context,
      const v1::TransitionRequest* request,
      v1::PrescriptionRequest* response) override;
  grpc::ServerUnaryReactor* Prescribe(
      grpc::CallbackServerContext* context, const v1::PrescribeRequest* request,
      v1::PrescriptionRequest* response) override;
  grpc::ServerUnaryReactor* Decline(
      grpc::CallbackServerContext* context,
      const v1::ReasonedTransitionRequest* request,
      v1::PrescriptionRequest* response) override;
  grpc::ServerUnaryReactor* RequireAppointment(
      grpc::CallbackServerContext* context,
      const v1::TransitionRequest* request,
      v1::PrescriptionRequest* response) override;
  grpc::ServerUnaryReactor* Dispense(
      grpc::CallbackServerContext* context,
      const v1::TransitionRequest* request,
      v1::PrescriptionRequest* response) override;
  grpc::ServerUnaryReactor* Supply(grpc::CallbackServerContext* context,
                                   const v1::TransitionRequest* request,
                                   v1::PrescriptionRequest* response) override;
  grpc::ServerUnaryReactor* RecordNotSupplied(
      grpc::CallbackServerContext* context,
      const v1::ReasonedTransitionRequest* request,
      v1::PrescriptionRequest* response) override;
  grpc::ServerUnaryReactor* Cancel(grpc::CallbackServerContext* context,
                                   const v1::ReasonedTransitionRequest* request,
                                   v1::PrescriptionRequest* response) override;
  grpc::ServerUnaryReactor* GetTimeline(
      grpc::CallbackServerContext* context,
      const v1::GetTimelineRequest* request,
      v1::GetTimelineResponse* response) override;
  grpc::ServerWriteReactor<v1::TimelineEvent>* WatchEvents(
      grpc::CallbackServerContext* context,
      const v1::WatchEventsRequest* request) override;
  // GP refusals (issue 12, gp).
  grpc::ServerUnaryReactor* RecommendAlternative(
      grpc::CallbackServerContext* context,
      const v1::RecommendAlternativeRequest* request,
      v1::PrescriptionRequest* response) override;

 private:
  template <typename Request>
  grpc::ServerUnaryReactor* Transition(grpc::CallbackServerContext* context,
                                       domain::PrescriptionAction action,
                                       const Request* request,
                                       v1::PrescriptionRequest* response);

  pathway::PrescriptionUseCases& prescriptions_;
  pathway::EventHub& hub_;
  StreamSlots& streams_;
  CallerGuard& guard_;
};

}  // namespace nhs::tobacco::api

#endif  // GATEWAY_API_PRESCRIPTION_GRPC_SERVICE_H_
