#include "gateway/domain/referrer_registry.h"

namespace nhs::tobacco::domain {

ReferrerRegistry ReferrerRegistry::FromConfig(const v1::GatewayConfig& config) {
  ReferrerRegistry registry;
  for (const v1::OrganisationConfig& org : config.organisations()) {
    for (const std::string& referrer : org.takes_referrals_from()) {
      registry.sources_[org.ods_code()].insert(referrer);
    }
    if (org.has_mllp() && !org.mllp().service_ods_code().empty()) {
      registry.sources_[org.mllp().service_ods_code()].insert(org.ods_code());
    }
  }
  return registry;
}

bool ReferrerRegistry::TakesReferralsFrom(absl::string_view service,
                                          absl::string_view referrer) const {
  if (service == referrer) return true;
  auto it = sources_.find(service);
  return it != sources_.end() && it->second.contains(referrer);
}

}  // namespace nhs::tobacco::domain
