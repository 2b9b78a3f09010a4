#ifndef GATEWAY_PATHWAY_REPORT_USE_CASES_H_
#define GATEWAY_PATHWAY_REPORT_USE_CASES_H_

#include "absl/status/statusor.h"
#include "gateway/pathway/caller.h"
#include "nhs/tobacco/v1/report.pb.h"
#include "nhs/tobacco/v1/report_service.pb.h"

namespace nhs::tobacco::pathway {

// The outcome return and pathway performance (issue 14). Scoped inside the
// use case: a tobacco dependency service gets its own referrals, a GP
// practice its patients (with consent to share with it), an ICB
// commissioner every organisation mapped to its ICB in the registry;
// everyone else is refused (admin included: small counts are patient
// data). Audited like reads. Exact figures only for a service's own
// console (a named practitioner); every export is disclosure-controlled.
// Runs on the calling thread (reads only). Thread-safe.
class ReportUseCases {
 public:
  virtual ~ReportUseCases() = default;

  virtual absl::StatusOr<v1::OutcomeReport> GetOutcomeReport(
      const Caller& caller, const v1::ReportRequest& request) = 0;
  virtual absl::StatusOr<v1::PathwayReport> GetPathwayReport(
      const Caller& caller, const v1::ReportRequest& request) = 0;
};

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_REPORT_USE_CASES_H_
