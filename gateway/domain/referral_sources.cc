#include "gateway/domain/referral_sources.h"

#include "absl/strings/str_cat.h"
#include "gateway/domain/field_violations.h"

namespace nhs::tobacco::domain {
namespace {

struct RoleSource {
  absl::string_view role;
  v1::ReferralSource source;
};

constexpr RoleSource kRoleSources[] = {
    {"talking_therapies", v1::REFERRAL_SOURCE_TALKING_THERAPIES},
    {"pharmacy", v1::REFERRAL_SOURCE_COMMUNITY_PHARMACY},
    {"local_authority", v1::REFERRAL_SOURCE_LOCAL_AUTHORITY},
    {"voluntary_sector", v1::REFERRAL_SOURCE_VOLUNTARY_SECTOR},
};

// "TALKING_THERAPIES" for REFERRAL_SOURCE_TALKING_THERAPIES.
absl::string_view ShortName(v1::ReferralSource source) {
  absl::string_view name = v1::ReferralSource_Name(source);
  name.remove_prefix(std::string_view("REFERRAL_SOURCE_").size());
  return name;
}

}  // namespace

std::optional<v1::ReferralSource> SourceOfRole(absl::string_view role) {
  for (const RoleSource& rs : kRoleSources) {
    if (rs.role == role) return rs.source;
  }
  return std::nullopt;
}

absl::StatusOr<v1::ReferralSource> ReferralSourceFor(
    absl::string_view role, v1::ReferralSource requested) {
  const std::optional<v1::ReferralSource> own = SourceOfRole(role);
  if (!own.has_value()) return requested;
  if (requested == v1::REFERRAL_SOURCE_UNSPECIFIED || requested == *own) {
    return *own;
  }
  return InvalidArgumentWithViolations(
      "invalid referral source",
      {{"referral.source",
        absl::StrCat("a ", role, " organisation refers under ", ShortName(*own),
                     v1::ReferralSource_IsValid(requested)
                         ? absl::StrCat(", not ", ShortName(requested))
                         : std::string(),
                     " (leave it unset to have it filled in)")}});
}

}  // namespace nhs::tobacco::domain
