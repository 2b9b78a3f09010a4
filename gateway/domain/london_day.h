#ifndef GATEWAY_DOMAIN_LONDON_DAY_H_
#define GATEWAY_DOMAIN_LONDON_DAY_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace nhs::tobacco::domain {

// Europe/London (from tzdata; UTC if the zone cannot be loaded, at most an
// hour out around midnight): the zone every NHS date is counted in.
const absl::TimeZone& LondonZone();

// The Europe/London day `t` falls on.
absl::CivilDay LondonDay(absl::Time t);

// "YYYY-MM-DD".
std::string IsoDay(absl::CivilDay day);

// The day IsoDay wrote: exactly "YYYY-MM-DD" (digits in place); nullopt
// for anything else.
std::optional<absl::CivilDay> ParseIsoDay(absl::string_view s);

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_LONDON_DAY_H_
