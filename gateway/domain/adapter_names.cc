#include "gateway/domain/adapter_names.h"

namespace nhs::tobacco::domain {

absl::string_view AdapterForChannel(v1::DeliveryChannel channel) {
  switch (channel) {
    case v1::DELIVERY_CHANNEL_HL7V2_MLLP:
      return kHl7v2Adapter;
    case v1::DELIVERY_CHANNEL_MESH:
      return kMeshAdapter;
    default:
      return kFhirAdapter;
  }
}

v1::DeliveryChannel ChannelForAdapter(absl::string_view adapter) {
  if (adapter == kHl7v2Adapter) return v1::DELIVERY_CHANNEL_HL7V2_MLLP;
  if (adapter == kMeshAdapter) return v1::DELIVERY_CHANNEL_MESH;
  return v1::DELIVERY_CHANNEL_FHIR_HTTPS;
}

}  // namespace nhs::tobacco::domain
