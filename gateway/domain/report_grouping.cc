#include "gateway/domain/report_grouping.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "gateway/domain/london_day.h"
#include "gateway/domain/report_quarters.h"

namespace nhs::tobacco::domain {
namespace {

constexpr absl::string_view kNone = "NONE";
constexpr absl::string_view kUnmapped = "UNMAPPED";

std::string OrNone(absl::string_view ods) {
  return ods.empty() ? std::string(kNone) : std::string(ods);
}

std::string SourceWords(absl::string_view code) {
  static const std::pair<absl::string_view, absl::string_view> kWords[] = {
      {"GP", "GP practice"},
      {"COMMUNITY_MENTAL_HEALTH", "Community mental health"},
      {"INPATIENT_MENTAL_HEALTH", "Inpatient mental health"},
      {"TALKING_THERAPIES", "NHS Talking Therapies"},
      {"ACUTE_TRUST", "Acute trust"},
      {"SELF", "Self-referral"},
      {"COMMUNITY_PHARMACY", "Community pharmacy"},
      {"LOCAL_AUTHORITY", "Local authority"},
      {"VOLUNTARY_SECTOR", "Voluntary sector"},
      {"UNSPECIFIED", "Not stated"},
  };
  for (const auto& [c, w] : kWords) {
    if (c == code) return std::string(w);
  }
  return "";
}

std::string DiagnosisWords(absl::string_view code) {
  static const std::pair<absl::string_view, absl::string_view> kWords[] = {
      {"SCHIZOPHRENIA", "Schizophrenia"},
      {"BIPOLAR_DISORDER", "Bipolar disorder"},
      {"OTHER_PSYCHOSIS", "Other psychosis"},
      {"DEPRESSION", "Depression"},
      {"ANXIETY", "Anxiety"},
      {"PERSONALITY_DISORDER", "Personality disorder"},
      {"EATING_DISORDER", "Eating disorder"},
      {"SUBSTANCE_USE", "Substance use"},
      {"OTHER", "Other diagnosis"},
      {"NONE", "No mental health diagnosis"},
      {"UNSPECIFIED", "Not stated"},
  };
  for (const auto& [c, w] : kWords) {
    if (c == code) return std::string(w);
  }
  return "";
}

std::string RouteWords(absl::string_view code) {
  if (code == "GP_PRESCRIPTION") return "GP prescription";
  if (code == "PHARMACY_SUPPLY") return "Community pharmacy supply";
  if (code == "SERVICE_SUPPLY") return "Supplied by the service";
  if (code == kNone) return "No prescription request";
  return "";
}

std::string ProductWords(absl::string_view code) {
  if (code == "NRT") return "Nicotine replacement therapy";
  if (code == "VARENICLINE") return "Varenicline";
  if (code == "CYTISINE") return "Cytisine";
  if (code == "BUPROPION") return "Bupropion";
  if (code == "VAPE") return "Vape";
  if (code == kNone) return "No prescription request";
  return "";
}

}  // namespace

std::string EnumCode(absl::string_view name, absl::string_view prefix) {
  if (absl::StartsWith(name, prefix)) name.remove_prefix(prefix.size());
  return std::string(name);
}

std::string OrganisationName(const ReportSpec& spec, absl::string_view ods) {
  auto it = spec.organisation_names.find(ods);
  return it == spec.organisation_names.end() ? "" : it->second;
}

std::string ReasonDisplay(const ReportSpec& spec, absl::string_view code) {
  auto it = spec.reason_displays.find(code);
  if (it != spec.reason_displays.end()) return it->second;
  if (code == kNone) return "No reason recorded";
  return "";
}

std::string BreakdownValue(const ReportSpec& spec, v1::ReportBreakdown by,
                           const FactDimensions& f) {
  const ReportSubject& s = *f.subject;
  switch (by) {
    case v1::REPORT_BREAKDOWN_SOURCE:
      return EnumCode(v1::ReferralSource_Name(s.source), "REFERRAL_SOURCE_");
    case v1::REPORT_BREAKDOWN_SMI:
      return s.smi ? "SMI" : "NOT_SMI";
    case v1::REPORT_BREAKDOWN_DIAGNOSIS:
      return EnumCode(v1::DiagnosisCategory_Name(s.diagnosis),
                      "DIAGNOSIS_CATEGORY_");
    case v1::REPORT_BREAKDOWN_ROUTE:
      if (f.route == v1::ROUTE_UNSPECIFIED) return std::string(kNone);
      return EnumCode(v1::Route_Name(f.route), "ROUTE_");
    case v1::REPORT_BREAKDOWN_PRODUCT_KIND:
      if (f.product_kind == v1::PRODUCT_KIND_UNSPECIFIED) {
        return std::string(kNone);
      }
      return EnumCode(v1::ProductKind_Name(f.product_kind), "PRODUCT_KIND_");
    case v1::REPORT_BREAKDOWN_GP_PRACTICE:
      return OrNone(s.gp_ods);
    case v1::REPORT_BREAKDOWN_PHARMACY:
      return OrNone(f.pharmacy_ods);
    case v1::REPORT_BREAKDOWN_SERVICE:
      return OrNone(s.service_ods);
    case v1::REPORT_BREAKDOWN_ICB: {
      auto it = spec.icb_of.find(s.gp_ods);
      if (s.gp_ods.empty() || it == spec.icb_of.end() || it->second.empty()) {
        return std::string(kUnmapped);
      }
      return it->second;
    }
    case v1::REPORT_BREAKDOWN_QUARTER:
      return FinancialQuarterOf(f.day).label;
    default:
      return "";
  }
}

int32_t GroupKeys::Intern(absl::string_view value) {
  auto it = ids_.find(value);
  if (it != ids_.end()) return it->second;
  int32_t id = static_cast<int32_t>(values_.size());
  values_.emplace_back(value);
  ids_.emplace(std::string(value), id);
  return id;
}

int32_t GroupKeys::ValueId(int index, v1::ReportBreakdown by,
                           const FactDimensions& f) {
  const ReportSubject& s = *f.subject;
  int64_t number = -1;
  switch (by) {
    case v1::REPORT_BREAKDOWN_SOURCE:
      number = s.source;
      break;
    case v1::REPORT_BREAKDOWN_SMI:
      number = s.smi ? 1 : 0;
      break;
    case v1::REPORT_BREAKDOWN_DIAGNOSIS:
      number = s.diagnosis;
      break;
    case v1::REPORT_BREAKDOWN_ROUTE:
      number = f.route;
      break;
    case v1::REPORT_BREAKDOWN_PRODUCT_KIND:
      number = f.product_kind;
      break;
    case v1::REPORT_BREAKDOWN_QUARTER:
      // Months map to quarters: cache by month.
      number = f.day.year() * 12 + f.day.month();
      break;
    case v1::REPORT_BREAKDOWN_GP_PRACTICE:
      return Intern(s.gp_ods.empty() ? kNone : absl::string_view(s.gp_ods));
    case v1::REPORT_BREAKDOWN_PHARMACY:
      return Intern(f.pharmacy_ods.empty() ? kNone : f.pharmacy_ods);
    case v1::REPORT_BREAKDOWN_SERVICE:
      return Intern(s.service_ods.empty() ? kNone
                                          : absl::string_view(s.service_ods));
    case v1::REPORT_BREAKDOWN_ICB: {
      auto& cache = by_text_[index];
      auto it = cache.find(s.gp_ods);
      if (it != cache.end()) return it->second;
      int32_t id = Intern(BreakdownValue(*spec_, by, f));
      cache.emplace(s.gp_ods, id);
      return id;
    }
    default:
      return Intern("");
  }
  auto& cache = by_number_[index];
  auto it = cache.find(number);
  if (it != cache.end()) return it->second;
  int32_t id = Intern(BreakdownValue(*spec_, by, f));
  cache.emplace(number, id);
  return id;
}

GroupKeys::Key GroupKeys::KeyOf(const FactDimensions& facts) {
  Key key;
  key.fill(-1);
  const int n = std::min<int>(spec_->by.size(), kMaxBreakdowns);
  for (int i = 0; i < n; ++i) key[i] = ValueId(i, spec_->by[i], facts);
  return key;
}

GroupKey GroupKeys::Values(const Key& key) const {
  GroupKey out;
  const int n = std::min<int>(spec_->by.size(), kMaxBreakdowns);
  for (int i = 0; i < n; ++i) out.push_back(values_[key[i]]);
  return out;
}

std::string BreakdownDisplay(const ReportSpec& spec, v1::ReportBreakdown by,
                             absl::string_view value) {
  switch (by) {
    case v1::REPORT_BREAKDOWN_SOURCE:
      return SourceWords(value);
    case v1::REPORT_BREAKDOWN_SMI:
      return value == "SMI" ? "On the SMI register" : "Not on the SMI register";
    case v1::REPORT_BREAKDOWN_DIAGNOSIS:
      return DiagnosisWords(value);
    case v1::REPORT_BREAKDOWN_ROUTE:
      return RouteWords(value);
    case v1::REPORT_BREAKDOWN_PRODUCT_KIND:
      return ProductWords(value);
    case v1::REPORT_BREAKDOWN_GP_PRACTICE:
    case v1::REPORT_BREAKDOWN_PHARMACY:
    case v1::REPORT_BREAKDOWN_SERVICE:
      if (value == kNone) return "None";
      return OrganisationName(spec, value);
    case v1::REPORT_BREAKDOWN_ICB:
      if (value == kUnmapped) return "Not mapped to an ICB";
      return OrganisationName(spec, value);
    case v1::REPORT_BREAKDOWN_QUARTER: {
      std::optional<FinancialQuarter> q = ParseFinancialQuarter(value);
      return q ? QuarterDisplay(*q) : "";
    }
    default:
      return "";
  }
}

RowFrame MakeRowFrame(const ReportSpec& spec, const GroupKey& key) {
  RowFrame frame;
  absl::CivilDay start = spec.from;
  absl::CivilDay end = spec.to;
  for (size_t i = 0; i < spec.by.size() && i < key.size(); ++i) {
    v1::ReportDimension d;
    d.set_breakdown(spec.by[i]);
    d.set_value(key[i]);
    d.set_display(BreakdownDisplay(spec, spec.by[i], key[i]));
    frame.dimensions.push_back(std::move(d));
    if (spec.by[i] == v1::REPORT_BREAKDOWN_QUARTER) {
      if (std::optional<FinancialQuarter> q = ParseFinancialQuarter(key[i])) {
        start = std::max(start, q->first);
        end = std::min(end, q->last);
      }
    }
  }
  frame.period_start = IsoDay(start);
  frame.period_end = IsoDay(end);
  return frame;
}

RowFrame TotalRowFrame(const ReportSpec& spec) {
  RowFrame frame;
  frame.period_start = IsoDay(spec.from);
  frame.period_end = IsoDay(spec.to);
  frame.total = true;
  return frame;
}

void FillReportHeader(const ReportSpec& spec, v1::ReportHeader* header) {
  header->set_from(IsoDay(spec.from));
  header->set_to(IsoDay(spec.to));
  header->clear_by();
  for (v1::ReportBreakdown by : spec.by) header->add_by(by);
  header->set_disclosure(spec.disclosure == v1::DISCLOSURE_EXACT
                             ? v1::DISCLOSURE_EXACT
                             : v1::DISCLOSURE_CONTROLLED);
  header->set_disclosure_rules(DescribeDisclosure(spec));
  header->set_as_of(IsoDay(spec.as_of));
}

}  // namespace nhs::tobacco::domain
