#include "gateway/delivery/transport_sender.h"

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gateway/delivery/outbound_renderer.h"

namespace nhs::tobacco::delivery {

domain::SendResult TransportSender::Send(const v1::OutboundMessage& message) {
  RenderTarget target;
  target.destination_endpoint =
      transports_.FhirEndpointOf(message.destination_ods());
  target.source_endpoint = transports_.fhir_source_endpoint();
  target.receiving_application =
      transports_.ReceivingApplicationOf(message.destination_ods());
  if (const MeshTransport* mesh = transports_.mesh(); mesh != nullptr) {
    target.source_mesh_mailbox = mesh->mailbox_id();
    target.sender_name =
        transports_.OrganisationNameOf(ServiceOf(message).ods_code());
  }
  absl::StatusOr<std::string> payload = RenderMessage(message, target);
  if (!payload.ok()) {
    // The snapshot lacks what the builder needs: the same bytes would be
    // refused on every try.
    return domain::SendResult{
        domain::SendOutcome::kPermanent, false,
        absl::StrCat("cannot be built: ", payload.status().message())};
  }
  return transports_.Send(message, *payload);
}

}  // namespace nhs::tobacco::delivery
