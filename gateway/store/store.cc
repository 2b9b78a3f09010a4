#include "gateway/store/store.h"

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gateway/domain/adapter_names.h"

namespace nhs::tobacco::store {

std::string DeliveryQueue(absl::string_view destination_ods,
                          v1::DeliveryChannel channel) {
  return absl::StrCat(destination_ods, "/", domain::AdapterForChannel(channel));
}

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
