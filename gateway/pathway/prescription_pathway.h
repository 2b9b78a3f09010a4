#ifndef GATEWAY_PATHWAY_PRESCRIPTION_PATHWAY_H_
#define GATEWAY_PATHWAY_PRESCRIPTION_PATHWAY_H_

#include <memory>
#include <string>
#include <vector>

#include "gateway/domain/deadline_policy.h"
#include "gateway/domain/formulary.h"
#include "gateway/domain/recommendation_rules.h"
#include "gateway/pathway/audited_write.h"
#include "gateway/pathway/pathway_options.h"
#include "gateway/pathway/prescription_use_cases.h"

namespace nhs::tobacco::pathway {

// A protocol step as the store applies it, whatever transport asked.
struct TransitionCommand {
  std::string request_id;
  std::string prescription_id;
  v1::Actor actor;
  std::string note;
  std::vector<v1::ExternalId> external_ids;
  std::string reason_code;
  std::string eps_prescription_id;
};

// The prescription use cases over the store (audited_write.h): the
// recommendation and reads here, the protocol steps in
// prescription_steps.cc.
class PrescriptionPathway final : public PrescriptionUseCases {
 public:
  PrescriptionPathway(AuditedWrites& writes, domain::Formulary formulary,
                      domain::DeadlinePolicy deadlines, PathwayOptions options);

  void RecommendPrescription(const Caller& caller,
                             const v1::RecommendPrescriptionRequest& request,
                             Reply<v1::PrescriptionRequest> reply) override;
  void Transition(const Caller& caller, domain::PrescriptionAction action,
                  const v1::TransitionRequest& request,
                  Reply<v1::PrescriptionRequest> reply) override;
  void Transition(const Caller& caller, domain::PrescriptionAction action,
                  const v1::ReasonedTransitionRequest& request,
                  Reply<v1::PrescriptionRequest> reply) override;
  void Prescribe(const Caller& caller, const v1::PrescribeRequest& request,
                 Reply<v1::PrescriptionRequest> reply) override;
  void ApplyMessage(const Caller& caller, MessageStep step,
                    Reply<v1::PrescriptionRequest> reply) override;
  absl::StatusOr<v1::PrescriptionRequest> GetPrescription(
      const Caller& caller, absl::string_view prescription_id) override;
  absl::StatusOr<v1::ListPrescriptionsResponse> ListPrescriptions(
      const Caller& caller,
      const v1::ListPrescriptionsRequest& request) override;
  absl::StatusOr<v1::GetTimelineResponse> GetTimeline(
      const Caller& caller, absl::string_view prescription_id) override;
  absl::StatusOr<std::unique_ptr<EventWatch>> WatchEvents(
      const Caller& caller, const v1::WatchEventsRequest& request) override;
  // GP refusals (issue 12, gp): prescription_alternative.cc.
  void RecommendAlternative(const Caller& caller,
                            const v1::RecommendAlternativeRequest& request,
                            Reply<v1::PrescriptionRequest> reply) override;

 private:
  // Every rule of a recommendation, in the change's transaction: the
  // caller may recommend on the referral, the request is well formed, the
  // formulary allows the product on the route, the referral allows it.
  // Shared by RecommendPrescription and RecommendAlternative.
  absl::StatusOr<domain::Recommendation> CheckRecommendation(
      store::WriteTransaction& tx, const Caller& caller,
      const v1::RecommendPrescriptionRequest& request, absl::Time now) const;
  // Stores the checked recommendation (with `replaces`, for an
  // alternative), its timeline events and the messages it owes.
  absl::StatusOr<v1::PrescriptionRequest> InsertRecommendation(
      store::WriteTransaction& tx, const Caller& caller,
      const v1::RecommendPrescriptionRequest& request, absl::Time now,
      const std::string& replaces) const;
  // What a step's check settles for its apply: the action (a message's
  // depends on the route) and the command with its actor resolved.
  struct Step {
    domain::PrescriptionAction action;
    TransitionCommand command;
  };
  // Checks a step from a gRPC-style request: authorise against the request
  // as the transaction reads it, then `validate`, then the actor.
  template <typename Request>
  void ApplyRequest(const Caller& caller, domain::PrescriptionAction action,
                    const Request& request, TransitionCommand command,
                    std::function<absl::Status()> validate,
                    Reply<v1::PrescriptionRequest> reply);
  // Applies a checked step in the change's transaction.
  absl::StatusOr<v1::PrescriptionRequest> Apply(store::WriteTransaction& tx,
                                                const Step& step,
                                                absl::Time now) const;

  AuditedWrites& writes_;
  const domain::Formulary formulary_;
  const domain::DeadlinePolicy deadlines_;
  const PathwayOptions options_;
};

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_PRESCRIPTION_PATHWAY_H_
