#ifndef GATEWAY_PATHWAY_PATHWAY_H_
#define GATEWAY_PATHWAY_PATHWAY_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gateway/common/clock.h"
#include "gateway/domain/deadline_policy.h"
#include "gateway/domain/delivery_plan.h"
#include "gateway/domain/formulary.h"
#include "gateway/domain/prescription_state_machine.h"
#include "gateway/pathway/reply.h"
#include "gateway/security/principal.h"
#include "gateway/store/store.h"
#include "nhs/tobacco/v1/admin_service.pb.h"
#include "nhs/tobacco/v1/outcome_service.pb.h"
#include "nhs/tobacco/v1/prescription_service.pb.h"
#include "nhs/tobacco/v1/referral_service.pb.h"

namespace nhs::tobacco::pathway {

struct PathwayOptions {
  int max_page_size = 500;
  int default_page_size = 50;
  int max_text_length = 2000;
  std::vector<std::string> cyp1a2_medicines;
  // Who takes outbound messages on which channel; empty = nothing queued.
  domain::DeliveryRoutes routes;
};

// The gateway acting on its own behalf (deadline scans, adapters before
// they know the sending organisation), as the audit log records it.
const security::Principal& GatewayPrincipal();

// Actor.adapter values: which edge a change came through.
inline constexpr absl::string_view kGrpcAdapter = "grpc";
inline constexpr absl::string_view kHl7v2Adapter = "hl7v2";

// A step of the prescription protocol, whatever transport asked for it.
struct TransitionCommand {
  std::string request_id;
  std::string prescription_id;
  v1::Actor actor;
  std::string note;
  std::vector<v1::ExternalId> external_ids;
  std::string reason_code;
  std::string eps_prescription_id;
};

// The gateway's use cases, shared by every edge (gRPC today; HL7 v2 and FHIR
// adapters next): validate -> domain -> store, transport-neutral.
//
// Writes are idempotent on (operation, request_id): a retry returns the
// first answer and changes nothing; the same request_id with a different
// body is refused with ALREADY_EXISTS. `reply` is called once, after the
// change is durable, on a store thread: it must not block. Reads return on
// the calling thread. Thread-safe.
class Pathway {
 public:
  Pathway(store::Store& store, domain::Formulary formulary,
          domain::DeadlinePolicy deadlines, PathwayOptions options,
          const Clock& clock);

  // Writes record the caller in the audit log, in the same transaction as
  // the change (failures in a transaction of their own). `adapter` names
  // the edge the request came through ("grpc", "hl7v2", "fhir") for the
  // timeline event's actor: the edge knows it, the request body does not,
  // and a client must not be able to claim another.
  void CreateReferral(const v1::CreateReferralRequest& request,
                      Reply<v1::Referral> reply,
                      const security::Principal& caller = GatewayPrincipal(),
                      absl::string_view adapter = kGrpcAdapter);
  void UpdateReferralStatus(
      const v1::UpdateReferralStatusRequest& request, Reply<v1::Referral> reply,
      const security::Principal& caller = GatewayPrincipal());
  absl::StatusOr<v1::Referral> GetReferral(absl::string_view referral_id);
  absl::StatusOr<v1::ListReferralsResponse> ListReferrals(
      const v1::ListReferralsRequest& request);

  void RecommendPrescription(
      const v1::RecommendPrescriptionRequest& request,
      Reply<v1::PrescriptionRequest> reply,
      const security::Principal& caller = GatewayPrincipal(),
      absl::string_view adapter = kGrpcAdapter);
  // Validates the request shape for `action`, then applies it.
  void Transition(domain::PrescriptionAction action,
                  const v1::TransitionRequest& request,
                  Reply<v1::PrescriptionRequest> reply,
                  const security::Principal& caller = GatewayPrincipal());
  void Transition(domain::PrescriptionAction action,
                  const v1::ReasonedTransitionRequest& request,
                  Reply<v1::PrescriptionRequest> reply,
                  const security::Principal& caller = GatewayPrincipal());
  void Prescribe(const v1::PrescribeRequest& request,
                 Reply<v1::PrescriptionRequest> reply,
                 const security::Principal& caller = GatewayPrincipal());
  absl::StatusOr<v1::PrescriptionRequest> GetPrescription(
      absl::string_view prescription_id);
  // The request a GP prescribed under this EPS prescription id; NOT_FOUND
  // when none did.
  absl::StatusOr<v1::PrescriptionRequest> GetPrescriptionByEpsId(
      absl::string_view eps_prescription_id);
  absl::StatusOr<v1::ListPrescriptionsResponse> ListPrescriptions(
      const v1::ListPrescriptionsRequest& request);
  absl::StatusOr<v1::GetTimelineResponse> GetTimeline(
      absl::string_view prescription_id);
  // Events after the query's sequence, for Watch.
  absl::StatusOr<std::vector<v1::TimelineEvent>> ReadEvents(
      const store::EventQuery& query);

  void RecordOutcome(const v1::RecordOutcomeRequest& request,
                     Reply<v1::Outcome> reply,
                     const security::Principal& caller = GatewayPrincipal());
  absl::StatusOr<v1::ListOutcomesResponse> ListOutcomes(
      const v1::ListOutcomesRequest& request);

  // Records a read, or a refusal, in the audit log (asynchronously: the
  // caller's answer does not wait for it).
  void Audit(const security::Principal& caller, absl::string_view operation,
             absl::string_view record_id, const absl::Status& result);

 private:
  template <typename Response>
  void IdempotentWrite(
      absl::string_view operation, const std::string& request_id,
      const google::protobuf::Message& request,
      std::function<absl::StatusOr<Response>(store::WriteTransaction&)> body,
      Reply<Response> reply, const security::Principal& caller,
      absl::string_view request_record_id);

  void ApplyTransition(domain::PrescriptionAction action,
                       absl::string_view operation,
                       const google::protobuf::Message& request,
                       TransitionCommand command,
                       Reply<v1::PrescriptionRequest> reply,
                       const security::Principal& caller);

  int PageSize(int requested) const;

  store::Store& store_;
  const domain::Formulary formulary_;
  const domain::DeadlinePolicy deadlines_;
  const PathwayOptions options_;
  const Clock& clock_;
};

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_PATHWAY_H_
