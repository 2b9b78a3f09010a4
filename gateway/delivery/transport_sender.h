#ifndef GATEWAY_DELIVERY_TRANSPORT_SENDER_H_
#define GATEWAY_DELIVERY_TRANSPORT_SENDER_H_

#include "absl/time/time.h"
#include "gateway/delivery/message_sender.h"
#include "gateway/delivery/outbound_transports.h"

namespace nhs::tobacco::delivery {

// The real MessageSender: renders with the adapters (outbound_renderer.h)
// for the destination's endpoint and receiving application, then sends over
// MLLP or HTTPS (outbound_transports.h). Thread-safe.
class TransportSender final : public MessageSender {
 public:
  explicit TransportSender(OutboundTransports& transports)
      : transports_(transports) {}

  domain::SendResult Send(const v1::OutboundMessage& message) override;
  absl::Duration send_timeout() const override {
    return transports_.send_timeout();
  }

 private:
  OutboundTransports& transports_;
};

}  // namespace nhs::tobacco::delivery

#endif  // GATEWAY_DELIVERY_TRANSPORT_SENDER_H_
