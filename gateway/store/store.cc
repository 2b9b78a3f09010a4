#include "gateway/store/store.h"

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"

namespace nhs::tobacco::store {

std::string DeliveryQueue(absl::string_view destination_ods,
                          v1::DeliveryChannel channel) {
  return absl::StrCat(destination_ods, "/",
                      channel == v1::DELIVERY_CHANNEL_HL7V2_MLLP ? "hl7v2"
                                                                 : "fhir");
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
