#ifndef GATEWAY_DOMAIN_REFERRER_REGISTRY_H_
#define GATEWAY_DOMAIN_REFERRER_REGISTRY_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "nhs/tobacco/v1/config.pb.h"

namespace nhs::tobacco::domain {

// Which organisations each tobacco dependence service takes referrals from,
// as the organisation registry (config `organisations`) says: a referral a
// service files may name as referrer only one of them, so that a service
// cannot put a referral in front of an organisation that never made it.
//
// A service takes referrals from:
//   - itself (self-referrals, drop-ins);
//   - every organisation its entry lists in `takes_referrals_from`;
//   - every organisation whose `mllp.service_ods_code` names it (that field
//     already says "this trust's referrals go to that service", so configs
//     written before `takes_referrals_from` keep their trusts).
class ReferrerRegistry {
 public:
  ReferrerRegistry() = default;
  static ReferrerRegistry FromConfig(const v1::GatewayConfig& config);

  bool TakesReferralsFrom(absl::string_view service,
                          absl::string_view referrer) const;

 private:
  absl::flat_hash_map<std::string, absl::flat_hash_set<std::string>> sources_;
};

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_REFERRER_REGISTRY_H_
