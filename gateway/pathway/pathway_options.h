#ifndef GATEWAY_PATHWAY_PATHWAY_OPTIONS_H_
#define GATEWAY_PATHWAY_PATHWAY_OPTIONS_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/domain/delivery_attempt.h"
#include "gateway/domain/delivery_plan.h"
#include "gateway/domain/outcome_rules.h"
#include "gateway/domain/reason_codes.h"
#include "gateway/domain/referrer_registry.h"
#include "gateway/pathway/reply.h"

namespace nhs::tobacco::pathway {

// Limits and wiring every use case of the pathway shares.
struct PathwayOptions {
  int max_page_size = 500;
  int default_page_size = 50;
  int max_text_length = 2000;
  std::vector<std::string> cyp1a2_medicines;
  // Who takes outbound messages on which channel; empty = nothing queued.
  domain::DeliveryRoutes routes;
  // Whom each tobacco service takes referrals from (the registry).
  domain::ReferrerRegistry referrers;
  // A read whose audit row cannot be written fails (UNAVAILABLE) instead of
  // answering; the read then waits for its audit row to be durable.
  bool read_audit_fail_closed = false;
  // GP refusals (issue 12, gp): the codes Decline and RecordNotSupplied
  // take (empty = any well-formed code).
  domain::ReasonCodeList decline_reasons;
  domain::ReasonCodeList not_supplied_reasons;
  // care: which days after the quit date count as each follow-up.
  domain::FollowUpWindows follow_up;
  // safety: how long a CYP1A2 safety alert waits for a person's
  // acknowledgement before it goes OVERDUE (config.safety).
  absl::Duration safety_acknowledge_within = absl::Hours(48);
};

// The page size a list uses for `requested` (0 = the default).
inline int PageSize(const PathwayOptions& options, int requested) {
  if (requested <= 0) {
    return std::min(options.default_page_size, options.max_page_size);
  }
  return std::min(requested, options.max_page_size);
}

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_PATHWAY_OPTIONS_H_
