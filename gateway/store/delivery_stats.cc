#include "gateway/store/delivery_stats.h"

#include "gateway/domain/adapter_names.h"

namespace nhs::tobacco::store {

void DeliveryStatsBuilder::Add(absl::string_view queue,
                               absl::string_view destination_ods, int64_t state,
                               int64_t count, int64_t oldest_created_us,
                               int64_t attempts) {
  if (stats_.empty() || queue != queue_) {
    queue_ = std::string(queue);
    v1::DestinationStats& s = stats_.emplace_back();
    s.set_destination_ods(std::string(destination_ods));
    const size_t slash = queue.rfind('/');
    s.set_channel(domain::ChannelForAdapter(
        slash == absl::string_view::npos ? "" : queue.substr(slash + 1)));
  }
  v1::DestinationStats& s = stats_.back();
  switch (state) {
    case v1::DELIVERY_STATE_PENDING:
      s.set_pending(count);
      s.set_pending_attempts(attempts);
      s.set_oldest_pending_age_seconds(absl::ToDoubleSeconds(
          now_ - absl::FromUnixMicros(oldest_created_us)));
      break;
    case v1::DELIVERY_STATE_DEAD_LETTER:
      s.set_dead_letters(count);
      break;
    case v1::DELIVERY_STATE_DELIVERED:
      s.set_delivered(count);
      break;
    case v1::DELIVERY_STATE_AWAITING_ACKNOWLEDGEMENT:
      s.set_awaiting_acknowledgement(count);
      break;
    default:
      break;
  }
}

}  // namespace nhs::tobacco::store
