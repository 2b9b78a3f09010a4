#ifndef GATEWAY_DOMAIN_REPORT_GROUPING_H_
#define GATEWAY_DOMAIN_REPORT_GROUPING_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "gateway/domain/report_builders.h"
#include "gateway/domain/report_facts.h"
#include "nhs/tobacco/v1/report.pb.h"

// How report facts are grouped into rows (issue 14): the value each
// breakdown takes (report.proto), the words shown beside it, the row's
// period, and the header fields the domain knows.
namespace nhs::tobacco::domain {

// What one fact contributes to the breakdowns.
struct FactDimensions {
  const ReportSubject* subject = nullptr;
  // UNSPECIFIED / empty: "NONE".
  v1::Route route = v1::ROUTE_UNSPECIFIED;
  v1::ProductKind product_kind = v1::PRODUCT_KIND_UNSPECIFIED;
  absl::string_view pharmacy_ods;
  // The day that places the fact in a quarter.
  absl::CivilDay day;
};

// One value per breakdown of spec.by, in its order. Rows sort by it.
using GroupKey = std::vector<std::string>;

// Builds the keys: a report adds up millions of facts, so each value is
// interned once and a fact's key is a few integers. Sort by the values
// (Values) when the rows are written. Not thread-safe.
class GroupKeys {
 public:
  static constexpr int kMaxBreakdowns = 10;
  using Key = std::array<int32_t, kMaxBreakdowns>;

  // `spec` is not owned.
  explicit GroupKeys(const ReportSpec* spec) : spec_(spec) {}

  Key KeyOf(const FactDimensions& facts);
  GroupKey Values(const Key& key) const;

 private:
  int32_t Intern(absl::string_view value);
  int32_t ValueId(int index, v1::ReportBreakdown by, const FactDimensions& f);

  const ReportSpec* spec_;
  absl::flat_hash_map<std::string, int32_t> ids_;
  std::vector<std::string> values_;
  // Per breakdown position: enum value, Europe/London month or registered
  // practice -> interned value.
  std::array<absl::flat_hash_map<int64_t, int32_t>, kMaxBreakdowns> by_number_;
  std::array<absl::flat_hash_map<std::string, int32_t>, kMaxBreakdowns>
      by_text_;
};

// The breakdown value of one fact ("TALKING_THERAPIES", "Y90001", "NONE",
// "UNMAPPED", "2026-27 Q1").
std::string BreakdownValue(const ReportSpec& spec, v1::ReportBreakdown by,
                           const FactDimensions& facts);

// For people: the organisation's name, the code's words, the quarter's
// months. Empty when there are none.
std::string BreakdownDisplay(const ReportSpec& spec, v1::ReportBreakdown by,
                             absl::string_view value);

// An enum value's name without its prefix: REFERRAL_SOURCE_GP -> "GP".
std::string EnumCode(absl::string_view name, absl::string_view prefix);

// The organisation's name from the registry, or empty.
std::string OrganisationName(const ReportSpec& spec, absl::string_view ods);

// The reason's display text from the configuration, or empty.
std::string ReasonDisplay(const ReportSpec& spec, absl::string_view code);

// A row's period and dimensions: the whole period, or with the quarter
// breakdown the quarter's days inside it.
struct RowFrame {
  std::string period_start;
  std::string period_end;
  std::vector<v1::ReportDimension> dimensions;
  bool total = false;
};
RowFrame MakeRowFrame(const ReportSpec& spec, const GroupKey& key);
RowFrame TotalRowFrame(const ReportSpec& spec);

template <typename Row>
void ApplyRowFrame(const RowFrame& frame, Row* row) {
  row->set_period_start(frame.period_start);
  row->set_period_end(frame.period_end);
  for (const v1::ReportDimension& d : frame.dimensions) {
    *row->add_dimensions() = d;
  }
  row->set_total(frame.total);
}

// from, to, by, disclosure, disclosure_rules, as_of.
void FillReportHeader(const ReportSpec& spec, v1::ReportHeader* header);

// Whether `day` is inside the spec's period.
inline bool InPeriod(const ReportSpec& spec, absl::CivilDay day) {
  return day >= spec.from && day <= spec.to;
}

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_REPORT_GROUPING_H_
