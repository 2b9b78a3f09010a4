#include "gateway/domain/london_day.h"

#include "absl/strings/str_format.h"

namespace nhs::tobacco::domain {

const absl::TimeZone& LondonZone() {
  static const absl::TimeZone* const zone = [] {
    auto* z = new absl::TimeZone();
    if (!absl::LoadTimeZone("Europe/London", z)) *z = absl::UTCTimeZone();
    return z;
  }();
  return *zone;
}

absl::CivilDay LondonDay(absl::Time t) {
  return absl::ToCivilDay(t, LondonZone());
}

std::string IsoDay(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

}  // namespace nhs::tobacco::domain
