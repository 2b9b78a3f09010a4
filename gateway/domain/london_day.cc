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

std::optional<absl::CivilDay> ParseIsoDay(absl::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int v[3] = {0, 0, 0};
  const int starts[3] = {0, 5, 8};
  const int lengths[3] = {4, 2, 2};
  for (int k = 0; k < 3; ++k) {
    for (int i = 0; i < lengths[k]; ++i) {
      const char c = s[starts[k] + i];
      if (c < '0' || c > '9') return std::nullopt;
      v[k] = v[k] * 10 + (c - '0');
    }
  }
  return absl::CivilDay(v[0], v[1], v[2]);
}

}  // namespace nhs::tobacco::domain
