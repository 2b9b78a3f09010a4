#ifndef GATEWAY_PATHWAY_PRESCRIPTION_USE_CASES_H_
#define GATEWAY_PATHWAY_PRESCRIPTION_USE_CASES_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/domain/prescription_state_machine.h"
#include "gateway/pathway/caller.h"
#include "gateway/pathway/pathway_options.h"
#include "nhs/tobacco/v1/prescription_service.pb.h"

namespace nhs::tobacco::pathway {

// A decision or report an organisation's message carries (FHIR
// $process-message), for ApplyMessage.
struct MessageStep {
  // The step for the route of the request it is about (a pharmacy's
  // report is Dispense on the GP route, Supply otherwise); called with
  // ROUTE_UNSPECIFIED when there is no such request.
  std::function<domain::PrescriptionAction(v1::Route)> action_for_route;
  // Our id of the request; empty when the message names it by EPS id only.
  std::string prescription_id;
  // The request as each step takes it; the step's shape is used
  // (Prescribe: `prescribe`; Decline, RecordNotSupplied: `reasoned`;
  // otherwise `transition`). Their prescription ids are filled in.
  v1::PrescribeRequest prescribe;
  v1::ReasonedTransitionRequest reasoned;
  v1::TransitionRequest transition;
  // The EPS prescription id the message quotes: the proof a dispensing
  // pharmacy holds, and how the request is found without our id.
  std::string eps_prescription_id;
  // The message's patient: must be the request's (checked only after
  // authorisation, so a refusal reveals nothing).
  std::string nhs_number;
  // The element that named the request, for NOT_FOUND.
  std::string id_path;
  // The element that carried the reason code (a decline's statusReason),
  // for a code outside the configured list; "reason_code" when empty.
  std::string reason_path;
};

// The events of one WatchEvents stream that its caller may see.
struct EventBatch {
  std::vector<v1::TimelineEvent> visible;
  // The last sequence read (visible or not): the stream's cursor moves
  // past events the caller may not see.
  int64_t last_sequence = 0;
  // How many events were read; fewer than asked means up to date.
  int read = 0;
};

// One caller's view of the timeline, for a WatchEvents stream. Not
// thread-safe: one per stream.
class EventWatch {
 public:
  virtual ~EventWatch() = default;
  // Up to `limit` events after `after_sequence`, filtered to what the
  // caller may read.
  virtual absl::StatusOr<EventBatch> Next(int64_t after_sequence,
                                          int limit) = 0;
};

// What any edge may ask about prescription requests: recommendations, every
// protocol step, reads, the timeline and the event stream. Each entry point
// authorises `caller` against the record it reads (in the transaction of
// the change, for writes), audits success and refusal, and scopes lists and
// streams to the caller; a missing request and a forbidden one give the
// same PERMISSION_DENIED. A step whose actor names another organisation
// than the caller's is INVALID_ARGUMENT. Writes are idempotent on
// (operation, request_id) and answer through `reply` once durable.
// Thread-safe.
class PrescriptionUseCases {
 public:
  virtual ~PrescriptionUseCases() = default;

  virtual void RecommendPrescription(
      const Caller& caller, const v1::RecommendPrescriptionRequest& request,
      Reply<v1::PrescriptionRequest> reply) = 0;
  // Validates the request shape for `action`, then applies it. A pharmacy
  // dispensing a GP prescription proves itself by quoting the request's
  // EPS id among `external_ids`.
  virtual void Transition(const Caller& caller,
                          domain::PrescriptionAction action,
                          const v1::TransitionRequest& request,
                          Reply<v1::PrescriptionRequest> reply) = 0;
  virtual void Transition(const Caller& caller,
                          domain::PrescriptionAction action,
                          const v1::ReasonedTransitionRequest& request,
                          Reply<v1::PrescriptionRequest> reply) = 0;
  virtual void Prescribe(const Caller& caller,
                         const v1::PrescribeRequest& request,
                         Reply<v1::PrescriptionRequest> reply) = 0;
  // A step a message carries: the message's sender (the step's actor)
  // must be the caller (PERMISSION_DENIED otherwise) and its patient the
  // request's (INVALID_ARGUMENT).
  virtual void ApplyMessage(const Caller& caller, MessageStep step,
                            Reply<v1::PrescriptionRequest> reply) = 0;

  virtual absl::StatusOr<v1::PrescriptionRequest> GetPrescription(
      const Caller& caller, absl::string_view prescription_id) = 0;
  // A restricted caller lists only its own organisation's requests, and of
  // those only the ones it may read.
  virtual absl::StatusOr<v1::ListPrescriptionsResponse> ListPrescriptions(
      const Caller& caller, const v1::ListPrescriptionsRequest& request) = 0;
  virtual absl::StatusOr<v1::GetTimelineResponse> GetTimeline(
      const Caller& caller, absl::string_view prescription_id) = 0;
  // Opens a stream of the events `request` selects, filtered to what the
  // caller may read (audited as WatchEvents).
  virtual absl::StatusOr<std::unique_ptr<EventWatch>> WatchEvents(
      const Caller& caller, const v1::WatchEventsRequest& request) = 0;

  // GP refusals (issue 12, gp): after DECLINED or NOT_SUPPLIED, a new
  // request on another route (or target) for the same referral, under
  // every rule of RecommendPrescription, linked both ways (replaces /
  // replaced_by) with an ALTERNATIVE_RECOMMENDED event on the old
  // request's timeline, in one transaction. Authorised as a
  // recommendation by the old request's service (audited as
  // RecommendAlternative); idempotent on request_id.
  virtual void RecommendAlternative(
      const Caller& caller, const v1::RecommendAlternativeRequest& request,
      Reply<v1::PrescriptionRequest> reply) = 0;
};

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_PRESCRIPTION_USE_CASES_H_
