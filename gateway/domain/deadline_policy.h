#ifndef GATEWAY_DOMAIN_DEADLINE_POLICY_H_
#define GATEWAY_DOMAIN_DEADLINE_POLICY_H_

#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "nhs/tobacco/v1/config.pb.h"
#include "nhs/tobacco/v1/prescription.pb.h"

namespace nhs::tobacco::domain {

// What a deadline check concludes for one prescription request.
enum class DeadlineVerdict {
  kNone,     // on time, already flagged, or no deadline applies
  kOverdue,  // raise one OVERDUE event and flag it
  kExpire,   // never acted on: move it to EXPIRED
};

// Deadlines per state, counted in working days (Monday to Friday in
// Europe/London, minus configured bank holidays) or plain hours. Built once
// from the validated config; immutable and thread-safe afterwards.
class DeadlinePolicy {
 public:
  static absl::StatusOr<DeadlinePolicy> FromConfig(
      const v1::DeadlineConfig& config);

  // When a request that entered `status` at `entered` becomes overdue, or
  // nullopt when that state has no deadline.
  std::optional<absl::Time> DueAt(v1::PrescriptionStatus status,
                                  absl::Time entered) const;

  // `days` working days after `start`, at the same local time of day. A
  // start outside working days counts from the next working day's start.
  absl::Time AddWorkingDays(absl::Time start, int days) const;

  bool IsWorkingDay(absl::CivilDay day) const;

  // Requests recommended before this are expiry candidates at `now`
  // (InfinitePast when expiry is disabled).
  absl::Time ExpiryCutoff(absl::Time now) const {
    return expire_after_days_ > 0 ? now - absl::Hours(24) * expire_after_days_
                                  : absl::InfinitePast();
  }

  // kExpire when the request is still undecided expire_after_days after it
  // was recommended; kOverdue when its due_at has passed and it is not yet
  // flagged; kNone otherwise.
  DeadlineVerdict Evaluate(const v1::PrescriptionRequest& request,
                           absl::Time now) const;

 private:
  struct Rule {
    int working_days = 0;
    int hours = 0;
  };
  DeadlinePolicy() = default;

  absl::flat_hash_map<int, Rule> rules_;
  absl::flat_hash_set<absl::CivilDay> holidays_;
  int expire_after_days_ = 0;
  absl::TimeZone zone_;
};

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_DEADLINE_POLICY_H_
