#ifndef GATEWAY_PATHWAY_OUTCOME_PATHWAY_H_
#define GATEWAY_PATHWAY_OUTCOME_PATHWAY_H_

#include "gateway/pathway/audited_write.h"
#include "gateway/pathway/outcome_use_cases.h"
#include "gateway/pathway/pathway_options.h"

namespace nhs::tobacco::pathway {

// The outcome use cases over the store (audited_write.h).
class OutcomePathway final : public OutcomeUseCases {
 public:
  OutcomePathway(AuditedWrites& writes, PathwayOptions options);

  void RecordOutcome(const Caller& caller,
                     const v1::RecordOutcomeRequest& request,
                     Reply<v1::Outcome> reply) override;
  absl::StatusOr<v1::ListOutcomesResponse> ListOutcomes(
      const Caller& caller, const v1::ListOutcomesRequest& request) override;

 private:
  AuditedWrites& writes_;
  const PathwayOptions options_;
};

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_OUTCOME_PATHWAY_H_
