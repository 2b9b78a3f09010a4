#ifndef GATEWAY_DOMAIN_ADAPTER_NAMES_H_
#define GATEWAY_DOMAIN_ADAPTER_NAMES_H_

#include "absl/strings/string_view.h"
#include "nhs/tobacco/v1/delivery.pb.h"

namespace nhs::tobacco::domain {

// Actor.adapter values: which edge a change came through, as the timeline
// records it. Set by the edge (or by the gateway for its own work), never
// taken from the client.
inline constexpr absl::string_view kGrpcAdapter = "grpc";
inline constexpr absl::string_view kHl7v2Adapter = "hl7v2";
inline constexpr absl::string_view kFhirAdapter = "fhir";
// The HTTP/JSON API called by a program (issue 13).
inline constexpr absl::string_view kHttpAdapter = "http";
// The same API called from the web console in a browser (issue 13).
inline constexpr absl::string_view kConsoleAdapter = "console";
// MESH (issue 17): documents to GP practices and their acknowledgements.
inline constexpr absl::string_view kMeshAdapter = "mesh";
// The gateway acting on its own behalf (deadline scan, retention).
inline constexpr absl::string_view kGatewayAdapter = "gateway";

// The adapter that carries messages on `channel`: kHl7v2Adapter for MLLP,
// kMeshAdapter for MESH, kFhirAdapter otherwise. Delivery events name it as
// their actor's adapter and the outbox names each destination's queue after
// it.
absl::string_view AdapterForChannel(v1::DeliveryChannel channel);
// The channel of a queue named after AdapterForChannel's answer.
v1::DeliveryChannel ChannelForAdapter(absl::string_view adapter);

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_ADAPTER_NAMES_H_
