#include "gateway/domain/recommendation_rules.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gateway/common/error_reason.h"
#include "gateway/domain/cyp1a2_medicines.h"
#include "gateway/domain/field_violations.h"
#include "gateway/domain/prescription_state_machine.h"
#include "gateway/domain/referral_state_machine.h"

namespace nhs::tobacco::domain {

namespace {

// Every refusal of this kind carries reason::kConsentRequired (README "Error
// reasons").
absl::Status ConsentRequired(absl::string_view message) {
  return WithReason(absl::FailedPreconditionError(message),
                    reason::kConsentRequired);
}

}  // namespace

namespace {

constexpr absl::string_view kInvalidRecommendation =
    "invalid prescription recommendation";

// A closed referral takes no new treatment.
bool AllowsRecommendation(v1::ReferralStatus status) {
  return status != v1::REFERRAL_STATUS_DECLINED &&
         status != v1::REFERRAL_STATUS_COMPLETED &&
         status != v1::REFERRAL_STATUS_WITHDRAWN;
}

}  // namespace

absl::StatusOr<v1::Product> CheckProductAndRoute(
    const v1::RecommendPrescriptionRequest& request,
    const Formulary& formulary) {
  const v1::FormularyEntry* entry = formulary.Find(request.product_id());
  if (entry == nullptr) {
    return InvalidArgumentWithViolations(
        kInvalidRecommendation,
        {{"product_id", "is not in the gateway's formulary"}});
  }
  if (!Formulary::AllowsRoute(*entry, request.route())) {
    std::vector<std::string> allowed;
    for (int r : entry->routes()) {
      allowed.push_back(RouteName(static_cast<v1::Route>(r)));
    }
    return InvalidArgumentWithViolations(
        kInvalidRecommendation,
        {{"route",
          absl::StrCat("product ", request.product_id(), " may not take route ",
                       RouteName(request.route()),
                       "; allowed: ", absl::StrJoin(allowed, ", "))}});
  }
  return entry->product();
}

absl::StatusOr<Recommendation> CheckRecommendationForReferral(
    const v1::Referral& referral,
    const v1::RecommendPrescriptionRequest& request, v1::Product product) {
  if (!AllowsRecommendation(referral.status())) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot recommend: referral is ",
                     ReferralStatusName(referral.status())));
  }
  Recommendation result;
  result.product = std::move(product);
  result.target = request.target();
  if (request.route() == v1::ROUTE_GP_PRESCRIPTION) {
    if (result.target.ods_code().empty())
      result.target = referral.gp_practice();
    if (result.target.ods_code().empty()) {
      return InvalidArgumentWithViolations(
          kInvalidRecommendation,
          {{"target.ods_code",
            "is required: the referral names no GP practice"}});
    }
    if (!referral.consent().share_with_gp()) {
      return ConsentRequired(
          "cannot recommend on route GP_PRESCRIPTION: the patient has not "
          "consented to sharing with their GP "
          "(referral.consent.share_with_gp)");
    }
  }
  if (request.route() == v1::ROUTE_PHARMACY_SUPPLY &&
      !referral.consent().share_with_pharmacy()) {
    return ConsentRequired(
        "cannot recommend on route PHARMACY_SUPPLY: the patient has not "
        "consented to sharing with a pharmacy "
        "(referral.consent.share_with_pharmacy)");
  }
  result.cyp1a2_safety_alert = NeedsCyp1a2SafetyAlert(referral);
  return result;
}

}  // namespace nhs::tobacco::domain
