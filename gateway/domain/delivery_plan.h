#ifndef GATEWAY_DOMAIN_DELIVERY_PLAN_H_
#define GATEWAY_DOMAIN_DELIVERY_PLAN_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "nhs/tobacco/v1/delivery.pb.h"
#include "nhs/tobacco/v1/outcome.pb.h"
#include "nhs/tobacco/v1/prescription.pb.h"
#include "nhs/tobacco/v1/referral.pb.h"
#include "nhs/tobacco/v1/safety_alert.pb.h"

namespace nhs::tobacco::domain {

// Which organisations take messages on which channel: a trust with an
// outbound MLLP address, a GP practice or pharmacy with a FHIR endpoint, a
// practice with a MESH mailbox. An organisation without a route reads the
// gRPC API instead; nothing is queued for it.
class DeliveryRoutes {
 public:
  void Add(absl::string_view ods_code, v1::DeliveryChannel channel);
  bool Has(absl::string_view ods_code, v1::DeliveryChannel channel) const;
  bool empty() const { return routes_.empty(); }
  // The channel `kind` goes to `ods_code` on, UNSPECIFIED when there is no
  // route: the kind's own channel (ChannelOf), except that a letter
  // (IsLetter) goes over MESH to an organisation with a MESH route, which
  // is how GP practices receive documents.
  v1::DeliveryChannel ChannelFor(absl::string_view ods_code,
                                 v1::MessageKind kind) const;

 private:
  absl::flat_hash_set<std::string> routes_;
};

struct PlannedMessage {
  v1::MessageKind kind;
  std::string destination_ods;
  // UNSPECIFIED = the kind's own channel (ChannelOf); MESH when the
  // destination takes letters over MESH (DeliveryRoutes::ChannelFor).
  v1::DeliveryChannel channel = v1::DELIVERY_CHANNEL_UNSPECIFIED;

  bool operator==(const PlannedMessage&) const = default;
};

// Each kind's own channel (delivery.proto); letters may go over MESH
// instead (DeliveryRoutes::ChannelFor).
v1::DeliveryChannel ChannelOf(v1::MessageKind kind);

// The kinds a person reads as a letter (the GP's recommendation, reminder,
// outcome and a cancellation): over MESH they travel as a GP Connect Send
// Document with the letter as a PDF.
bool IsLetter(v1::MessageKind kind);

// The channel a planned message is queued on.
v1::DeliveryChannel ChannelOf(const PlannedMessage& planned);

// `kind` for `ods_code` on the channel its routes give (ChannelFor);
// nullopt when the code is empty or it has no route for the kind.
std::optional<PlannedMessage> RoutedMessage(v1::MessageKind kind,
                                            absl::string_view ods_code,
                                            const DeliveryRoutes& routes);

// What each change owes whom. Pure: the pathway queues the result in the
// change's own transaction. Every rule checks entitlement (the patient's
// consent, the organisation's part in the care) before a route; every plan
// about a referral drops what its consent does not allow, by kind
// (consent_rules.h: share_with_mental_health_team gates every message to
// the trust, share_with_gp the GP's, share_with_pharmacy a pharmacy's).

// Accepted/declined: RRI^I12 back to the referring trust.
std::vector<PlannedMessage> PlanReferralStatusChange(
    const v1::Referral& referral, const DeliveryRoutes& routes);

// A new recommendation: the letter to the GP (GP route) or the supply
// request to the pharmacy (pharmacy route). The CYP1A2 safety alert its
// first one raises is planned with PlanSafetyAlert.
std::vector<PlannedMessage> PlanRecommendation(
    const v1::PrescriptionRequest& request, const v1::Referral& referral,
    bool first_for_referral, const DeliveryRoutes& routes);

// A status change: when the GP prescribes, the nominated pharmacy is told a
// prescription is coming (with the patient's consent to share with a
// pharmacy); when the service cancels a request the GP practice or
// pharmacy already holds, they are told not to act on it.
std::vector<PlannedMessage> PlanPrescriptionChange(
    const v1::PrescriptionRequest& before, const v1::PrescriptionRequest& after,
    const v1::Referral& referral, const DeliveryRoutes& routes);

// An outcome: ORU^R01 to the referring trust; an Observation to the GP
// record with consent to share with the GP.
std::vector<PlannedMessage> PlanOutcome(const v1::Referral& referral,
                                        const DeliveryRoutes& routes);

// safety: a CYP1A2 safety alert goes to the patient's mental health
// prescriber (alert.prescriber, empty when none) over HL7 v2.
std::vector<PlannedMessage> PlanSafetyAlert(const v1::SafetyAlert& alert,
                                            const DeliveryRoutes& routes);
// safety: an alert nobody acknowledged in time: the treating service is
// told.
std::vector<PlannedMessage> PlanSafetyAlertOverdue(
    const v1::SafetyAlert& alert, const DeliveryRoutes& routes);

// A missed deadline: the recommending service is told.
std::vector<PlannedMessage> PlanOverdue(const v1::PrescriptionRequest& request,
                                        const DeliveryRoutes& routes);

// The kinds that carry the protocol itself: their delivery moves the request
// RECOMMENDED -> SENT (handed over) -> ACKNOWLEDGED (receiver confirmed).
bool AdvancesProtocol(v1::MessageKind kind);

// "GP_RECOMMENDATION" etc., for notes and tables.
std::string MessageKindName(v1::MessageKind kind);

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_DELIVERY_PLAN_H_
