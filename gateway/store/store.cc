#include "gateway/store/store.h"

#include "absl/synchronization/notification.h"

namespace nhs::tobacco::store {

absl::Status Store::WriteAndWait(WriteWork work) {
  absl::Notification finished;
  absl::Status result;
  Write(std::move(work), [&](absl::Status status) {
    result = std::move(status);
    finished.Notify();
  });
  finished.WaitForNotification();
  return result;
}

}  // namespace nhs::tobacco::store
