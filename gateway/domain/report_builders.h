#ifndef GATEWAY_DOMAIN_REPORT_BUILDERS_H_
#define GATEWAY_DOMAIN_REPORT_BUILDERS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "gateway/domain/deadline_policy.h"
#include "gateway/domain/report_facts.h"
#include "nhs/tobacco/v1/config.pb.h"
#include "nhs/tobacco/v1/report.pb.h"
#include "nhs/tobacco/v1/report_service.pb.h"

// The reports' arithmetic (issue 14), pure: facts in, published rows out.
// The use case scans the store, drops the facts the caller may not see, and
// feeds the rest to a builder; Finish() groups by the breakdowns, computes
// counts, rates and working-day percentiles, and applies disclosure control
// (disclosure_control.h) unless the spec asks for exact figures.
namespace nhs::tobacco::domain {

// INVALID_ARGUMENT with a field violation per fault: from/to missing or
// not YYYY-MM-DD, to before from, more than 5 years apart, a breakdown
// unspecified or repeated, an unknown disclosure.
absl::Status ValidateReportRequest(const v1::ReportRequest& request);

// Everything a builder needs besides the facts. Built by the use case from
// the validated request and the configuration.
struct ReportSpec {
  absl::CivilDay from;
  absl::CivilDay to;
  // Follow-up windows that close after this day are still open (the
  // outcome return's "lost to follow-up"): the day the report runs.
  absl::CivilDay as_of;
  std::vector<v1::ReportBreakdown> by;
  // CONTROLLED or EXACT (never UNSPECIFIED).
  v1::Disclosure disclosure = v1::DISCLOSURE_CONTROLLED;
  // With its defaults applied (ReportingDefaults).
  v1::ReportingConfig reporting;
  // With its defaults applied (the config loader's).
  v1::FollowUpConfig follow_up;
  // The working-day calendar (weekends, bank holidays). Not owned.
  const DeadlinePolicy* calendar = nullptr;
  // The organisation registry: ODS code -> name, and practice -> ICB.
  absl::flat_hash_map<std::string, std::string> organisation_names;
  absl::flat_hash_map<std::string, std::string> icb_of;
  // Decline and not-supplied reason code -> display text.
  absl::flat_hash_map<std::string, std::string> reason_displays;
};

// `config` with unset fields at their defaults (suppress_up_to 7,
// SECONDARY_ROUNDING, rounding_base 5).
v1::ReportingConfig ReportingDefaults(const v1::ReportingConfig& config);

// "counts 1 to 7 shown as *; other counts rounded to the nearest 5", or
// "exact figures" for DISCLOSURE_EXACT.
std::string DescribeDisclosure(const ReportSpec& spec);

// The outcome return. Add every fact in scope (any order), then Finish once.
class OutcomeReportBuilder {
 public:
  virtual ~OutcomeReportBuilder() = default;
  virtual void Add(const ReferralFacts& facts) = 0;
  // Rows in breakdown order (sorted by dimension values), the total last;
  // the header's from, to, by, disclosure, disclosure_rules and as_of set.
  virtual v1::OutcomeReport Finish() = 0;
};
std::unique_ptr<OutcomeReportBuilder> NewOutcomeReportBuilder(ReportSpec spec);

// Pathway performance. Add every request and dead letter in scope.
class PathwayReportBuilder {
 public:
  virtual ~PathwayReportBuilder() = default;
  virtual void Add(const PrescriptionFacts& facts) = 0;
  virtual void AddDeadLetter(const DeadLetterFacts& facts) = 0;
  virtual v1::PathwayReport Finish() = 0;
};
std::unique_ptr<PathwayReportBuilder> NewPathwayReportBuilder(ReportSpec spec);

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_REPORT_BUILDERS_H_
