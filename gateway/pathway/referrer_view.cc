#include "gateway/pathway/referrer_view.h"

#include <optional>

#include "gateway/common/status_macros.h"
#include "gateway/domain/referrer_redaction.h"

namespace nhs::tobacco::pathway {

absl::StatusOr<security::RecordView> PrescriptionViews::Of(
    const v1::PrescriptionRequest& p) {
  auto it = referrer_of_.find(p.referral_id());
  if (it == referrer_of_.end()) {
    ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                     tx_.GetReferral(p.referral_id()));
    // No referral (never the case: the store keeps the reference): no
    // referrer, so no one is entitled as one.
    it = referrer_of_
             .emplace(p.referral_id(), referral.has_value()
                                           ? referral->referrer().ods_code()
                                           : std::string())
             .first;
  }
  return security::ViewOf(p, it->second);
}

void ShowTo(const security::Principal& caller, const security::RecordView& view,
            v1::PrescriptionRequest& request) {
  if (security::RelatesOnlyAsReferrer(caller, view)) {
    domain::RedactForReferrer(request);
  }
}

void ShowTo(const security::Principal& caller, const security::RecordView& view,
            v1::TimelineEvent& event) {
  if (security::RelatesOnlyAsReferrer(caller, view)) {
    domain::RedactForReferrer(event);
  }
}

}  // namespace nhs::tobacco::pathway
