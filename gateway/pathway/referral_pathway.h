#ifndef GATEWAY_PATHWAY_REFERRAL_PATHWAY_H_
#define GATEWAY_PATHWAY_REFERRAL_PATHWAY_H_

#include "gateway/pathway/audited_write.h"
#include "gateway/pathway/pathway_options.h"
#include "gateway/pathway/referral_use_cases.h"

namespace nhs::tobacco::pathway {

// The referral use cases over the store: validate -> authorise -> domain ->
// store, with the audit row (audited_write.h).
class ReferralPathway final : public ReferralUseCases {
 public:
  ReferralPathway(AuditedWrites& writes, PathwayOptions options);

  void CreateReferral(const Caller& caller,
                      const v1::CreateReferralRequest& request,
                      Reply<v1::Referral> reply) override;
  void UpdateReferralStatus(const Caller& caller,
                            const v1::UpdateReferralStatusRequest& request,
                            Reply<v1::Referral> reply) override;
  absl::Status AuthorizeSender(const Caller& caller,
                               absl::string_view sender_ods,
                               security::Role sender_role) override;
  absl::StatusOr<v1::Referral> GetReferral(
      const Caller& caller, absl::string_view referral_id) override;
  absl::StatusOr<v1::ListReferralsResponse> ListReferrals(
      const Caller& caller, const v1::ListReferralsRequest& request) override;
  // Amendment (issue 12, amend part).
  void UpdateReferral(const Caller& caller,
                      const v1::UpdateReferralRequest& request,
                      Reply<v1::Referral> reply) override;
  absl::StatusOr<v1::GetReferralTimelineResponse> GetReferralTimeline(
      const Caller& caller, absl::string_view referral_id) override;

 private:
  AuditedWrites& writes_;
  const PathwayOptions options_;
};

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_REFERRAL_PATHWAY_H_
