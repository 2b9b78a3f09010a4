#include "gateway/domain/adapter_names.h"

namespace nhs::tobacco::domain {

absl::string_view AdapterForChannel(v1::DeliveryChannel channel) {
  return channel == v1::DELIVERY_CHANNEL_HL7V2_MLLP ? kHl7v2Adapter
                                                    : kFhirAdapter;
}

}  // namespace nhs::tobacco::domain
