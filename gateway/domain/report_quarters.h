#ifndef GATEWAY_DOMAIN_REPORT_QUARTERS_H_
#define GATEWAY_DOMAIN_REPORT_QUARTERS_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

// NHS financial-year quarters for the reports' QUARTER breakdown (issue 14):
// the year runs April to March; Q1 April-June, Q2 July-September, Q3
// October-December, Q4 January-March.
namespace nhs::tobacco::domain {

struct FinancialQuarter {
  // "2026-27 Q1".
  std::string label;
  absl::CivilDay first;
  absl::CivilDay last;
};

FinancialQuarter FinancialQuarterOf(absl::CivilDay day);

// The quarter a label names; nullopt if it is not one.
std::optional<FinancialQuarter> ParseFinancialQuarter(absl::string_view label);

// For people: "April to June 2026".
std::string QuarterDisplay(const FinancialQuarter& quarter);

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_REPORT_QUARTERS_H_
