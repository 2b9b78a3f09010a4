#ifndef GATEWAY_DELIVERY_OUTBOUND_TRANSPORTS_H_
#define GATEWAY_DELIVERY_OUTBOUND_TRANSPORTS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "adapters/fhir/https_client.h"
#include "adapters/hl7v2/mllp_client.h"
#include "gateway/delivery/mesh_transport.h"
#include "gateway/domain/delivery_attempt.h"
#include "gateway/domain/delivery_plan.h"
#include "nhs/tobacco/v1/config.pb.h"
#include "nhs/tobacco/v1/delivery.pb.h"

namespace nhs::tobacco::delivery {

// Where each organisation takes messages, and the clients that reach it:
// MLLP (with TLS when configured) to a trust's outbound_address, HTTPS
// (mutual TLS) to a GP practice's or pharmacy's FHIR endpoint, MESH to a
// practice's mailbox. Thread-safe.
class OutboundTransports {
 public:
  // From the organisation registry (organisations[].mllp.outbound_address
  // with mllp present, organisations[].fhir.url with fhir present,
  // organisations[].mesh with mesh present), which GatewayServer has
  // migrated the deprecated keys into. FAILED_PRECONDITION when a TLS file
  // or a MESH secret cannot be loaded.
  static absl::StatusOr<std::unique_ptr<OutboundTransports>> FromConfig(
      const v1::GatewayConfig& config);

  // The organisations and channels there is a route to (for the planner).
  const domain::DeliveryRoutes& routes() const { return routes_; }
  // What the FHIR renderer writes as source and destination endpoints.
  std::string FhirEndpointOf(absl::string_view ods_code) const;
  // MSH-5 for a trust (organisations[].mllp.receiving_application).
  std::string ReceivingApplicationOf(absl::string_view ods_code) const;
  // organisations[].name, or empty.
  std::string OrganisationNameOf(absl::string_view ods_code) const;
  const std::string& fhir_source_endpoint() const { return fhir_source_; }
  // The longest one send may take (the outbox's claim lease).
  absl::Duration send_timeout() const;
  // The MESH channel, or null when the config has no mesh block.
  MeshTransport* mesh() { return mesh_.get(); }
  const MeshTransport* mesh() const { return mesh_.get(); }

  // Sends `payload` (already rendered) to the message's destination and
  // says how it went. Blocks for at most send_timeout().
  domain::SendResult Send(const v1::OutboundMessage& message,
                          absl::string_view payload);

 private:
  struct MllpRoute {
    hl7v2::MllpClientOptions options;
    // Open connections not in use; a send takes one or opens one.
    std::vector<std::unique_ptr<hl7v2::MllpClient>> idle;
  };

  domain::SendResult SendMllp(const v1::OutboundMessage& message,
                              absl::string_view payload);
  domain::SendResult SendFhir(const v1::OutboundMessage& message,
                              absl::string_view payload);

  domain::DeliveryRoutes routes_;
  absl::flat_hash_map<std::string, std::string> fhir_urls_;
  absl::flat_hash_map<std::string, std::string> receiving_applications_;
  absl::flat_hash_map<std::string, std::string> names_;
  std::string fhir_source_;
  std::unique_ptr<MeshTransport> mesh_;
  fhir::HttpsClientOptions https_options_;
  absl::Duration mllp_timeout_ = absl::Seconds(30);
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, MllpRoute> mllp_ ABSL_GUARDED_BY(mu_);
};

}  // namespace nhs::tobacco::delivery

#endif  // GATEWAY_DELIVERY_OUTBOUND_TRANSPORTS_H_
