#ifndef GATEWAY_PATHWAY_OUTCOME_USE_CASES_H_
#define GATEWAY_PATHWAY_OUTCOME_USE_CASES_H_

#include "absl/status/statusor.h"
#include "gateway/pathway/caller.h"
#include "gateway/pathway/pathway_options.h"
#include "nhs/tobacco/v1/outcome_service.pb.h"

namespace nhs::tobacco::pathway {

// What any edge may ask about treatment outcomes; authorised against the
// referral they belong to, audited, as ReferralUseCases describes.
// Thread-safe.
class OutcomeUseCases {
 public:
  virtual ~OutcomeUseCases() = default;

  // INVALID_ARGUMENT when outcome.recorded_by names another organisation.
  virtual void RecordOutcome(const Caller& caller,
                             const v1::RecordOutcomeRequest& request,
                             Reply<v1::Outcome> reply) = 0;
  virtual absl::StatusOr<v1::ListOutcomesResponse> ListOutcomes(
      const Caller& caller, const v1::ListOutcomesRequest& request) = 0;
};

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_OUTCOME_USE_CASES_H_
