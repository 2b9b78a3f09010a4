#ifndef GATEWAY_DOMAIN_REFERRAL_SOURCES_H_
#define GATEWAY_DOMAIN_REFERRAL_SOURCES_H_

#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nhs/tobacco/v1/referral.pb.h"

namespace nhs::tobacco::domain {

// The one referral source an organisation of `role` (the role name its
// client certificate carries in OU) refers under, for the roles that are
// one kind of referrer: talking_therapies, pharmacy (a community pharmacy),
// local_authority and voluntary_sector. Empty for the others: a trust may
// be community, inpatient or acute; a GP practice, an integrator or a
// tobacco service files referrals of several kinds (self-referrals
// included), so their source stays what the request says.
std::optional<v1::ReferralSource> SourceOfRole(absl::string_view role);

// The source a referral filed by a caller of `role` takes: the role's own
// source when `requested` is unspecified; `requested` when it agrees or the
// role has no source of its own. A role with a source of its own naming
// another is INVALID_ARGUMENT on referral.source (kept, it would count the
// referral under the wrong source in the outcome returns).
absl::StatusOr<v1::ReferralSource> ReferralSourceFor(
    absl::string_view role, v1::ReferralSource requested);

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_REFERRAL_SOURCES_H_
