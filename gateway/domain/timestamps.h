#ifndef GATEWAY_DOMAIN_TIMESTAMPS_H_
#define GATEWAY_DOMAIN_TIMESTAMPS_H_

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/time_util.h"

namespace nhs::tobacco::domain {

// absl::Time <-> the records' google.protobuf.Timestamp, at microsecond
// precision (what the store keeps).
inline google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
      absl::ToUnixMicros(t));
}

inline absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixMicros(
      google::protobuf::util::TimeUtil::TimestampToMicroseconds(ts));
}

// Microseconds since the epoch: the store's time columns.
inline int64_t Micros(const google::protobuf::Timestamp& ts) {
  return google::protobuf::util::TimeUtil::TimestampToMicroseconds(ts);
}

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_TIMESTAMPS_H_
