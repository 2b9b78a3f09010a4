#ifndef GATEWAY_PATHWAY_REPORT_PATHWAY_H_
#define GATEWAY_PATHWAY_REPORT_PATHWAY_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "gateway/domain/deadline_policy.h"
#include "gateway/domain/report_builders.h"
#include "gateway/pathway/audited_write.h"
#include "gateway/pathway/report_use_cases.h"
#include "gateway/security/operations.h"
#include "nhs/tobacco/v1/config.pb.h"

namespace nhs::tobacco::pathway {

// What the reports need of the configuration, made once at start.
struct ReportOptions {
  // config.reporting (defaults applied here) and config.follow_up (the
  // loader's defaults applied).
  v1::ReportingConfig reporting;
  v1::FollowUpConfig follow_up;
  // The working-day calendar (deadlines: weekends, bank holidays).
  domain::DeadlinePolicy calendar;
  // The organisation registry: ODS code -> name, and -> its ICB's ODS code.
  absl::flat_hash_map<std::string, std::string> organisation_names;
  absl::flat_hash_map<std::string, std::string> icb_of;
  // Decline and not-supplied reason code -> display text.
  absl::flat_hash_map<std::string, std::string> reason_displays;

  // From the loaded configuration (organisations, reporting, follow_up,
  // decline_reasons, not_supplied_reasons) and the calendar.
  static ReportOptions FromConfig(const v1::GatewayConfig& config,
                                  domain::DeadlinePolicy calendar);
};

// The report use cases over the store (report_use_cases.h): validate,
// refuse what the caller may not ask for, scan the reporting columns with a
// prefilter of the caller's organisations, keep the facts the access
// policy lets the caller read (security::Authorize with kReadReports, per
// referral: that is the scoping), add them up with the domain's builders,
// and audit one read row per report ("report:outcomes", "report:pathway"),
// refusals included.
class ReportPathway final : public ReportUseCases {
 public:
  ReportPathway(AuditedWrites& writes, ReportOptions options);

  absl::StatusOr<v1::OutcomeReport> GetOutcomeReport(
      const Caller& caller, const v1::ReportRequest& request) override;
  absl::StatusOr<v1::PathwayReport> GetPathwayReport(
      const Caller& caller, const v1::ReportRequest& request) override;

  // The audit log's record ids of the two reports.
  static constexpr char kOutcomeRecordId[] = "report:outcomes";
  static constexpr char kPathwayRecordId[] = "report:pathway";

 private:
  // Whose data a caller's report covers.
  struct Scope {
    // The scan's prefilter: empty = every row (development).
    std::vector<std::string> ods_codes;
    // No organisation at all (an ICB with nothing mapped to it): nothing
    // to scan.
    bool nothing = false;
    // For the header: "service TDS01", "ICB QE1 (3 organisations)".
    std::string text;
  };

  // Refusals (role, exact figures) and validation, then the spec.
  absl::StatusOr<domain::ReportSpec> Prepare(
      const Caller& caller, security::Operation op,
      const v1::ReportRequest& request) const;
  Scope ScopeOf(const security::Principal& principal) const;
  // Whether the access policy lets `principal` count this referral.
  bool InScope(const security::Principal& principal, security::Operation op,
               const domain::ReportSubject& subject) const;
  void FillHeader(const Scope& scope, v1::ReportHeader& header) const;

  absl::StatusOr<v1::OutcomeReport> BuildOutcomeReport(
      const Caller& caller, const v1::ReportRequest& request);
  absl::StatusOr<v1::PathwayReport> BuildPathwayReport(
      const Caller& caller, const v1::ReportRequest& request);

  AuditedWrites& writes_;
  const ReportOptions options_;
};

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_REPORT_PATHWAY_H_
