#ifndef GATEWAY_SERVER_HL7_INBOUND_H_
#define GATEWAY_SERVER_HL7_INBOUND_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "adapters/hl7v2/mllp_listener.h"
#include "gateway/api/hl7_referral_edge.h"
#include "gateway/common/clock.h"
#include "gateway/pathway/referral_use_cases.h"
#include "nhs/tobacco/v1/config.pb.h"

namespace nhs::tobacco::server {

// The HL7 v2 inbound path as GatewayServer owns it: the MLLP listener
// feeding the HL7 edge. Kept apart so the server's own wiring stays small.
// Shutdown order matters: StopListening() before the store closes (no new
// messages), destruction after it (late replies still reach the edge).
class Hl7Inbound {
 public:
  // The trusts allowed to send are the `organisations` (the registry) that
  // have an mllp route; none accepts any sender (development only).
  static absl::StatusOr<std::unique_ptr<Hl7Inbound>> Start(
      const v1::MllpListenerConfig& config,
      const google::protobuf::RepeatedPtrField<v1::OrganisationConfig>&
          organisations,
      pathway::ReferralUseCases& referrals, const Clock& clock,
      // Told of each message (ER7) as it arrives; what it returns is told
      // of the ACK sent for it. Must not block (the metrics, issue 15).
      std::function<std::function<void(const std::string& ack)>(
          const std::string& message)>
          observe = nullptr);

  // TLS settings for the MLLP client: the gateway presents tls.cert_file
  // and verifies receivers against tls.client_ca_file (the same development
  // CA signs both sides); FailedPrecondition naming an unreadable file.
  static absl::StatusOr<std::shared_ptr<hl7v2::MllpTlsContext>> ClientTls(
      const v1::TlsConfig& tls);

  int port() const { return listener_ == nullptr ? 0 : listener_->port(); }
  void StopListening() { listener_.reset(); }
  // hl7v2::MllpListener::ReloadTls; OK once stopped or in plaintext.
  absl::Status ReloadTls() {
    return listener_ == nullptr ? absl::OkStatus() : listener_->ReloadTls();
  }

 private:
  Hl7Inbound() = default;
  std::unique_ptr<api::Hl7ReferralEdge> edge_;
  std::unique_ptr<hl7v2::MllpListener> listener_;
};

}  // namespace nhs::tobacco::server

#endif  // GATEWAY_SERVER_HL7_INBOUND_H_
