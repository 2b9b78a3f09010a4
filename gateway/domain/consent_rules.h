#ifndef GATEWAY_DOMAIN_CONSENT_RULES_H_
#define GATEWAY_DOMAIN_CONSENT_RULES_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "nhs/tobacco/v1/delivery.pb.h"
#include "nhs/tobacco/v1/prescription.pb.h"
#include "nhs/tobacco/v1/referral.pb.h"

namespace nhs::tobacco::domain {

// The parties a patient consents to share with (Referral.consent), and what
// consent means for the messages the gateway sends them.
enum class ConsentParty {
  kNone,  // needs no consent: the service itself, or a notice to stop
  kGp,
  kPharmacy,
  kMentalHealthTeam,
};

// Whose consent a message of `kind` needs. Every HL7 v2 kind goes to a
// trust (the mental health team); FHIR kinds name the GP practice or a
// pharmacy. The cancellation notice needs none: it only tells a party that
// already holds a request not to act on it, which a withdrawal of consent
// must be able to do. A kind this table does not know is treated by its
// channel (HL7 v2: the trust), so a new trust message is gated by default.
ConsentParty ConsentPartyOf(v1::MessageKind kind);

// Whether `consent` lets a message go to `party`.
bool ConsentAllows(const v1::Consent& consent, ConsentParty party);

// The parties whose consent is true in `before` and false in `after`.
std::vector<ConsentParty> WithdrawnParties(const v1::Consent& before,
                                           const v1::Consent& after);

// The ODS codes that hear as `party` about `referral`: the GP practice, the
// referring organisation for the mental health team, the nominated pharmacy
// for a pharmacy (pharmacy-route targets are found on the requests).
std::vector<std::string> PartyOrganisations(const v1::Referral& referral,
                                            ConsentParty party);

// Whether a withdrawal of `party`'s consent cancels `request` (reason
// kConsentWithdrawnReason): a GP-route request the GP has not yet decided
// when GP consent goes, a pharmacy-route request not yet final when
// pharmacy consent goes. A prescription the GP already issued stays: it is
// the patient's, and the nominated pharmacy notice needs pharmacy consent.
bool CancelledByWithdrawal(const v1::PrescriptionRequest& request,
                           ConsentParty party);

// The organisation a pharmacy-route or GP-route request asks to act, when
// it belongs to `party` (empty otherwise).
std::string PartyTargetOf(const v1::PrescriptionRequest& request,
                          ConsentParty party);

inline constexpr absl::string_view kConsentWithdrawnReason =
    "CONSENT_WITHDRAWN";
// The reason an undelivered message carries when it is discarded.
inline constexpr absl::string_view kConsentWithdrawnNote = "consent withdrawn";

// "gp", "pharmacy", "mental-health" (the CLI's spelling too).
absl::string_view ConsentPartyName(ConsentParty party);

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_CONSENT_RULES_H_
