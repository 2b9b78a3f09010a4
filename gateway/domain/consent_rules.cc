#include "gateway/domain/consent_rules.h"

#include "gateway/domain/delivery_plan.h"

namespace nhs::tobacco::domain {

ConsentParty ConsentPartyOf(v1::MessageKind kind) {
  switch (kind) {
    case v1::MESSAGE_KIND_REFERRAL_RESPONSE:
    case v1::MESSAGE_KIND_TRUST_OUTCOME:
    case v1::MESSAGE_KIND_SAFETY_ALERT:
      return ConsentParty::kMentalHealthTeam;
    case v1::MESSAGE_KIND_GP_RECOMMENDATION:
    case v1::MESSAGE_KIND_GP_OUTCOME:
    case v1::MESSAGE_KIND_GP_REMINDER:
      return ConsentParty::kGp;
    case v1::MESSAGE_KIND_PHARMACY_SUPPLY_REQUEST:
    case v1::MESSAGE_KIND_PRESCRIPTION_NOTICE:
      return ConsentParty::kPharmacy;
    case v1::MESSAGE_KIND_OVERDUE_ESCALATION:
    case v1::MESSAGE_KIND_CANCELLATION_NOTICE:
      return ConsentParty::kNone;
    default:
      return ChannelOf(kind) == v1::DELIVERY_CHANNEL_HL7V2_MLLP
                 ? ConsentParty::kMentalHealthTeam
                 : ConsentParty::kNone;
  }
}

bool ConsentAllows(const v1::Consent& consent, ConsentParty party) {
  switch (party) {
    case ConsentParty::kNone:
      return true;
    case ConsentParty::kGp:
      return consent.share_with_gp();
    case ConsentParty::kPharmacy:
      return consent.share_with_pharmacy();
    case ConsentParty::kMentalHealthTeam:
      return consent.share_with_mental_health_team();
  }
  return false;
}

std::vector<ConsentParty> WithdrawnParties(const v1::Consent& before,
                                           const v1::Consent& after) {
  std::vector<ConsentParty> withdrawn;
  for (ConsentParty p : {ConsentParty::kGp, ConsentParty::kPharmacy,
                         ConsentParty::kMentalHealthTeam}) {
    if (ConsentAllows(before, p) && !ConsentAllows(after, p)) {
      withdrawn.push_back(p);
    }
  }
  return withdrawn;
}

std::vector<std::string> PartyOrganisations(const v1::Referral& referral,
                                            ConsentParty party) {
  std::string ods;
  switch (party) {
    case ConsentParty::kGp:
      ods = referral.gp_practice().ods_code();
      break;
    case ConsentParty::kPharmacy:
      ods = referral.nominated_pharmacy().ods_code();
      break;
    case ConsentParty::kMentalHealthTeam:
      ods = referral.referrer().ods_code();
      break;
    case ConsentParty::kNone:
      break;
  }
  if (ods.empty()) return {};
  return {ods};
}

bool CancelledByWithdrawal(const v1::PrescriptionRequest& request,
                           ConsentParty party) {
  switch (request.status()) {
    case v1::PRESCRIPTION_STATUS_RECOMMENDED:
    case v1::PRESCRIPTION_STATUS_SENT:
    case v1::PRESCRIPTION_STATUS_ACKNOWLEDGED:
    case v1::PRESCRIPTION_STATUS_APPOINTMENT_REQUIRED:
      break;
    default:
      return false;  // decided, final, or prescribed by the GP
  }
  return (party == ConsentParty::kGp &&
          request.route() == v1::ROUTE_GP_PRESCRIPTION) ||
         (party == ConsentParty::kPharmacy &&
          request.route() == v1::ROUTE_PHARMACY_SUPPLY);
}

std::string PartyTargetOf(const v1::PrescriptionRequest& request,
                          ConsentParty party) {
  if ((party == ConsentParty::kGp &&
       request.route() == v1::ROUTE_GP_PRESCRIPTION) ||
      (party == ConsentParty::kPharmacy &&
       request.route() == v1::ROUTE_PHARMACY_SUPPLY)) {
    return request.target().ods_code();
  }
  if (party == ConsentParty::kPharmacy &&
      request.route() == v1::ROUTE_GP_PRESCRIPTION) {
    return request.nominated_pharmacy().ods_code();
  }
  return "";
}

absl::string_view ConsentPartyName(ConsentParty party) {
  switch (party) {
    case ConsentParty::kGp:
      return "gp";
    case ConsentParty::kPharmacy:
      return "pharmacy";
    case ConsentParty::kMentalHealthTeam:
      return "mental-health";
    case ConsentParty::kNone:
      break;
  }
  return "none";
}

}  // namespace nhs::tobacco::domain
