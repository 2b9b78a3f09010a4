// ValidateReportRequest, ReportingDefaults and DescribeDisclosure
// (report_builders.h).
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gateway/domain/field_violations.h"
#include "gateway/domain/identifiers.h"
#include "gateway/domain/report_builders.h"

namespace nhs::tobacco::domain {
namespace {

constexpr int kMaxYears = 5;
constexpr int kDefaultSuppressUpTo = 7;
constexpr int kDefaultRoundingBase = 5;

// The day `text` names, or nullopt after adding why it does not.
std::optional<absl::CivilDay> CheckDay(absl::string_view field,
                                       absl::string_view text, Violations& v) {
  if (text.empty()) {
    v.Add(field, "is required (YYYY-MM-DD)");
    return std::nullopt;
  }
  absl::Status s = ValidateIsoDate(text);
  absl::CivilDay day;
  if (!s.ok()) {
    v.Add(field, s.message());
    return std::nullopt;
  }
  if (!absl::ParseCivilTime(text, &day)) {
    v.Add(field, "must be a date (YYYY-MM-DD)");
    return std::nullopt;
  }
  return day;
}

}  // namespace

absl::Status ValidateReportRequest(const v1::ReportRequest& request) {
  Violations v;
  std::optional<absl::CivilDay> from = CheckDay("from", request.from(), v);
  std::optional<absl::CivilDay> to = CheckDay("to", request.to(), v);
  if (from && to) {
    if (*to < *from) {
      v.Add("to", "must not be before from");
    } else {
      absl::CivilDay limit(from->year() + kMaxYears, from->month(),
                           from->day());
      if (*to > limit) {
        v.Add("to",
              absl::StrCat("must be at most ", kMaxYears, " years after from"));
      }
    }
  }
  absl::flat_hash_set<int> seen;
  for (int i = 0; i < request.by_size(); ++i) {
    std::string field = absl::StrCat("by[", i, "]");
    int b = request.by(i);
    if (b == v1::REPORT_BREAKDOWN_UNSPECIFIED) {
      v.Add(field, "must name a breakdown");
    } else if (!v1::ReportBreakdown_IsValid(b)) {
      v.Add(field, "is not a known breakdown");
    } else if (!seen.insert(b).second) {
      v.Add(field, "repeats a breakdown listed before it");
    }
  }
  if (!v1::Disclosure_IsValid(request.disclosure())) {
    v.Add("disclosure", "is not a known disclosure");
  }
  return v.ToStatus("report request");
}

v1::ReportingConfig ReportingDefaults(const v1::ReportingConfig& config) {
  v1::ReportingConfig out = config;
  if (out.suppress_up_to() <= 0) out.set_suppress_up_to(kDefaultSuppressUpTo);
  if (out.secondary() == v1::ReportingConfig::SECONDARY_UNSPECIFIED) {
    out.set_secondary(v1::ReportingConfig::SECONDARY_ROUNDING);
  }
  if (out.rounding_base() <= 0) out.set_rounding_base(kDefaultRoundingBase);
  return out;
}

std::string DescribeDisclosure(const ReportSpec& spec) {
  if (spec.disclosure == v1::DISCLOSURE_EXACT) return "exact figures";
  v1::ReportingConfig r = ReportingDefaults(spec.reporting);
  std::string primary =
      r.suppress_up_to() == 1
          ? std::string("counts of 1 shown as *")
          : absl::StrCat("counts 1 to ", r.suppress_up_to(), " shown as *");
  if (r.secondary() == v1::ReportingConfig::SECONDARY_SUPPRESSION) {
    return absl::StrCat(primary,
                        "; further counts shown as * so that none can be "
                        "derived from the totals");
  }
  if (r.rounding_base() == 1)
    return absl::StrCat(primary, "; other counts exact");
  return absl::StrCat(primary, "; other counts rounded to the nearest ",
                      r.rounding_base());
}

}  // namespace nhs::tobacco::domain
