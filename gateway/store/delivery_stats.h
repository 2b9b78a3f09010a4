#ifndef GATEWAY_STORE_DELIVERY_STATS_H_
#define GATEWAY_STORE_DELIVERY_STATS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "nhs/tobacco/v1/delivery.pb.h"

namespace nhs::tobacco::store {

// Per-destination delivery counts (ReadTransaction::DeliveryStats) from the
// rows of the same query on every back end:
//   SELECT queue, destination_ods, state, COUNT(*), MIN(created_us),
//   SUM(attempts) FROM outbox GROUP BY queue, destination_ods, state
//   ORDER BY queue, destination_ods, state
// One DestinationStats per queue, in the rows' order.
class DeliveryStatsBuilder {
 public:
  explicit DeliveryStatsBuilder(absl::Time now) : now_(now) {}

  void Add(absl::string_view queue, absl::string_view destination_ods,
           int64_t state, int64_t count, int64_t oldest_created_us,
           int64_t attempts);

  std::vector<v1::DestinationStats> Take() { return std::move(stats_); }

 private:
  const absl::Time now_;
  std::string queue_;
  std::vector<v1::DestinationStats> stats_;
};

}  // namespace nhs::tobacco::store

#endif  // GATEWAY_STORE_DELIVERY_STATS_H_
