#ifndef GATEWAY_DELIVERY_MESSAGE_SENDER_H_
#define GATEWAY_DELIVERY_MESSAGE_SENDER_H_

#include "absl/time/time.h"
#include "gateway/domain/delivery_attempt.h"
#include "nhs/tobacco/v1/delivery.pb.h"

namespace nhs::tobacco::delivery {

// The dispatcher's outbound port: puts one claimed message on the wire and
// says how it went. The dispatcher knows neither wire formats nor sockets;
// TransportSender (transport_sender.h) is the real one, tests use a fake.
// Implementations are thread-safe: every delivery worker calls Send at once.
class MessageSender {
 public:
  virtual ~MessageSender() = default;

  // Renders `message` from its snapshot and sends it to its destination.
  // A message that cannot be built is a permanent failure; one with no route
  // (yet) is transient. Blocks for at most send_timeout().
  virtual domain::SendResult Send(const v1::OutboundMessage& message) = 0;
  // The longest one Send may take: the dispatcher's claims hold a message
  // for longer than this, so a live send is never taken by another claim.
  virtual absl::Duration send_timeout() const = 0;
};

}  // namespace nhs::tobacco::delivery

#endif  // GATEWAY_DELIVERY_MESSAGE_SENDER_H_
