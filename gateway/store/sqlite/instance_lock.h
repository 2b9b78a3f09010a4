#ifndef GATEWAY_STORE_SQLITE_INSTANCE_LOCK_H_
#define GATEWAY_STORE_SQLITE_INSTANCE_LOCK_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace nhs::tobacco::store {

// One gateway per database. Two on the same SQLite file would each run the
// deadline scan and the outbox (double escalations, messages sent twice,
// and start-up releasing the other's claims), so the second is refused.
// An exclusive flock on "<database>.lock", holding the owner's pid for the
// message; the kernel drops it when the process dies, kill -9 included.
class InstanceLock {
 public:
  // FAILED_PRECONDITION naming the pid that holds it.
  static absl::StatusOr<std::unique_ptr<InstanceLock>> Acquire(
      const std::string& database_path);
  ~InstanceLock();
  InstanceLock(const InstanceLock&) = delete;
  InstanceLock& operator=(const InstanceLock&) = delete;

 private:
  explicit InstanceLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace nhs::tobacco::store

#endif  // GATEWAY_STORE_SQLITE_INSTANCE_LOCK_H_
