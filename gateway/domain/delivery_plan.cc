#include "gateway/domain/delivery_plan.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gateway/domain/consent_rules.h"

namespace nhs::tobacco::domain {
namespace {

std::string Key(absl::string_view ods_code, v1::DeliveryChannel channel) {
  return absl::StrCat(ods_code, "/", static_cast<int>(channel));
}

// Adds `kind` for `ods_code` when it has a route for it.
void AddIfRouted(std::vector<PlannedMessage>& plan, v1::MessageKind kind,
                 absl::string_view ods_code, const DeliveryRoutes& routes) {
  std::optional<PlannedMessage> planned = RoutedMessage(kind, ods_code, routes);
  if (planned.has_value()) plan.push_back(*std::move(planned));
}

// Every plan about a referral ends here: a message goes only to a party the
// patient consents to share with (consent_rules.h), whatever the kind.
std::vector<PlannedMessage> WithConsent(std::vector<PlannedMessage> plan,
                                        const v1::Referral& referral) {
  std::erase_if(plan, [&](const PlannedMessage& m) {
    return !ConsentAllows(referral.consent(), ConsentPartyOf(m.kind));
  });
  return plan;
}

}  // namespace

void DeliveryRoutes::Add(absl::string_view ods_code,
                         v1::DeliveryChannel channel) {
  routes_.insert(Key(ods_code, channel));
}

bool DeliveryRoutes::Has(absl::string_view ods_code,
                         v1::DeliveryChannel channel) const {
  return routes_.contains(Key(ods_code, channel));
}

v1::DeliveryChannel DeliveryRoutes::ChannelFor(absl::string_view ods_code,
                                               v1::MessageKind kind) const {
  if (IsLetter(kind) && Has(ods_code, v1::DELIVERY_CHANNEL_MESH)) {
    return v1::DELIVERY_CHANNEL_MESH;
  }
  const v1::DeliveryChannel own = ChannelOf(kind);
  return Has(ods_code, own) ? own : v1::DELIVERY_CHANNEL_UNSPECIFIED;
}

std::optional<PlannedMessage> RoutedMessage(v1::MessageKind kind,
                                            absl::string_view ods_code,
                                            const DeliveryRoutes& routes) {
  if (ods_code.empty()) return std::nullopt;
  const v1::DeliveryChannel channel = routes.ChannelFor(ods_code, kind);
  if (channel == v1::DELIVERY_CHANNEL_UNSPECIFIED) return std::nullopt;
  PlannedMessage planned{kind, std::string(ods_code)};
  if (channel != ChannelOf(kind)) planned.channel = channel;
  return planned;
}

bool IsLetter(v1::MessageKind kind) {
  return kind == v1::MESSAGE_KIND_GP_RECOMMENDATION ||
         kind == v1::MESSAGE_KIND_GP_REMINDER ||
         kind == v1::MESSAGE_KIND_GP_OUTCOME ||
         kind == v1::MESSAGE_KIND_CANCELLATION_NOTICE;
}

v1::DeliveryChannel ChannelOf(const PlannedMessage& planned) {
  return planned.channel != v1::DELIVERY_CHANNEL_UNSPECIFIED
             ? planned.channel
             : ChannelOf(planned.kind);
}

v1::DeliveryChannel ChannelOf(v1::MessageKind kind) {
  switch (kind) {
    case v1::MESSAGE_KIND_REFERRAL_RESPONSE:
    case v1::MESSAGE_KIND_TRUST_OUTCOME:
    case v1::MESSAGE_KIND_SAFETY_ALERT:
      return v1::DELIVERY_CHANNEL_HL7V2_MLLP;
    case v1::MESSAGE_KIND_GP_RECOMMENDATION:
    case v1::MESSAGE_KIND_PHARMACY_SUPPLY_REQUEST:
    case v1::MESSAGE_KIND_PRESCRIPTION_NOTICE:
    case v1::MESSAGE_KIND_GP_OUTCOME:
    case v1::MESSAGE_KIND_OVERDUE_ESCALATION:
    case v1::MESSAGE_KIND_CANCELLATION_NOTICE:
    case v1::MESSAGE_KIND_GP_REMINDER:
    case v1::MESSAGE_KIND_SAFETY_ALERT_ESCALATION:
      return v1::DELIVERY_CHANNEL_FHIR_HTTPS;
    default:
      return v1::DELIVERY_CHANNEL_UNSPECIFIED;
  }
}

std::vector<PlannedMessage> PlanReferralStatusChange(
    const v1::Referral& referral, const DeliveryRoutes& routes) {
  std::vector<PlannedMessage> plan;
  if (referral.status() == v1::REFERRAL_STATUS_ACCEPTED ||
      referral.status() == v1::REFERRAL_STATUS_DECLINED) {
    AddIfRouted(plan, v1::MESSAGE_KIND_REFERRAL_RESPONSE,
                referral.referrer().ods_code(), routes);
  }
  return WithConsent(std::move(plan), referral);
}

std::vector<PlannedMessage> PlanRecommendation(
    const v1::PrescriptionRequest& request, const v1::Referral& referral,
    bool first_for_referral, const DeliveryRoutes& routes) {
  std::vector<PlannedMessage> plan;
  // Consent for the route was checked before the request was accepted.
  if (request.route() == v1::ROUTE_GP_PRESCRIPTION) {
    AddIfRouted(plan, v1::MESSAGE_KIND_GP_RECOMMENDATION,
                request.target().ods_code(), routes);
  } else if (request.route() == v1::ROUTE_PHARMACY_SUPPLY) {
    AddIfRouted(plan, v1::MESSAGE_KIND_PHARMACY_SUPPLY_REQUEST,
                request.target().ods_code(), routes);
  }
  // The safety alert is a record of its own (PlanSafetyAlert).
  (void)first_for_referral;
  return WithConsent(std::move(plan), referral);
}

std::vector<PlannedMessage> PlanSafetyAlert(const v1::SafetyAlert& alert,
                                            const DeliveryRoutes& routes) {
  std::vector<PlannedMessage> plan;
  AddIfRouted(plan, v1::MESSAGE_KIND_SAFETY_ALERT,
              alert.prescriber().ods_code(), routes);
  return plan;
}

std::vector<PlannedMessage> PlanSafetyAlertOverdue(
    const v1::SafetyAlert& alert, const DeliveryRoutes& routes) {
  std::vector<PlannedMessage> plan;
  AddIfRouted(plan, v1::MESSAGE_KIND_SAFETY_ALERT_ESCALATION,
              alert.service().ods_code(), routes);
  return plan;
}

std::vector<PlannedMessage> PlanPrescriptionChange(
    const v1::PrescriptionRequest& before, const v1::PrescriptionRequest& after,
    const v1::Referral& referral, const DeliveryRoutes& routes) {
  std::vector<PlannedMessage> plan;
  if (after.status() == v1::PRESCRIPTION_STATUS_PRESCRIBED &&
      before.status() != v1::PRESCRIPTION_STATUS_PRESCRIBED &&
      after.route() == v1::ROUTE_GP_PRESCRIPTION &&
      referral.consent().share_with_pharmacy()) {
    AddIfRouted(plan, v1::MESSAGE_KIND_PRESCRIPTION_NOTICE,
                after.nominated_pharmacy().ods_code(), routes);
  }
  // A cancelled request that its GP practice or pharmacy already holds
  // (it left RECOMMENDED only once delivered) is withdrawn there; one still
  // RECOMMENDED was never delivered, and the outbox discards it unsent. A
  // nominated pharmacy told of a prescription hears too.
  if (after.status() == v1::PRESCRIPTION_STATUS_CANCELLED &&
      before.status() != v1::PRESCRIPTION_STATUS_RECOMMENDED) {
    AddIfRouted(plan, v1::MESSAGE_KIND_CANCELLATION_NOTICE,
                after.target().ods_code(), routes);
    if (before.status() == v1::PRESCRIPTION_STATUS_PRESCRIBED &&
        after.route() == v1::ROUTE_GP_PRESCRIPTION &&
        referral.consent().share_with_pharmacy()) {
      AddIfRouted(plan, v1::MESSAGE_KIND_CANCELLATION_NOTICE,
                  after.nominated_pharmacy().ods_code(), routes);
    }
  }
  return WithConsent(std::move(plan), referral);
}

std::vector<PlannedMessage> PlanOutcome(const v1::Referral& referral,
                                        const DeliveryRoutes& routes) {
  std::vector<PlannedMessage> plan;
  AddIfRouted(plan, v1::MESSAGE_KIND_TRUST_OUTCOME,
              referral.referrer().ods_code(), routes);
  if (referral.consent().share_with_gp()) {
    AddIfRouted(plan, v1::MESSAGE_KIND_GP_OUTCOME,
                referral.gp_practice().ods_code(), routes);
  }
  return WithConsent(std::move(plan), referral);
}

std::vector<PlannedMessage> PlanOverdue(const v1::PrescriptionRequest& request,
                                        const DeliveryRoutes& routes) {
  std::vector<PlannedMessage> plan;
  AddIfRouted(plan, v1::MESSAGE_KIND_OVERDUE_ESCALATION,
              request.service().ods_code(), routes);
  return plan;
}

bool AdvancesProtocol(v1::MessageKind kind) {
  return kind == v1::MESSAGE_KIND_GP_RECOMMENDATION ||
         kind == v1::MESSAGE_KIND_PHARMACY_SUPPLY_REQUEST;
}

std::string MessageKindName(v1::MessageKind kind) {
  return std::string(
      absl::StripPrefix(v1::MessageKind_Name(kind), "MESSAGE_KIND_"));
}

}  // namespace nhs::tobacco::domain
