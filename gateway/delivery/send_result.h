#ifndef GATEWAY_DELIVERY_SEND_RESULT_H_
#define GATEWAY_DELIVERY_SEND_RESULT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "adapters/fhir/https_listener.h"
#include "gateway/domain/delivery_attempt.h"

namespace nhs::tobacco::delivery {

// What an MLLP exchange means for the outbox. `ack` is the reply frame's
// payload, or the client's error. AA/CA confirm; AE/CE are transient (the
// trust's engine had a problem it may not have next time: retried, then a
// dead letter); AR/CR are permanent refusals, unless ERR-3 is 206/207 (the
// receiver's transient trouble, e.g. a rate limit). An ACK for another control
// id, or a reply that is not an ACK, is transient. No reply: transient and
// not handed over. Pure.
domain::SendResult FromMllpExchange(const absl::StatusOr<std::string>& ack,
                                    absl::string_view control_id);

// What an HTTP answer to a FHIR message means: 2xx confirms (unless the
// response message says fatal-error or transient-error); 409 confirms (the
// receiver had the Bundle id already); 408, 429 and 5xx are transient;
// other 4xx permanent. No answer: transient, not handed over. Pure.
domain::SendResult FromHttpExchange(
    const absl::StatusOr<fhir::HttpResponse>& response);

// What MESH's answer to a send means (issue 17): its message id = accepted
// (AWAITING_ACKNOWLEDGEMENT, the infrastructure acknowledgement due
// `acknowledgement_due_in` from now); UNAVAILABLE, DEADLINE_EXCEEDED and
// PERMISSION_DENIED (MESH refused the gateway's own mailbox credentials:
// an operator fixes the config, the message is not at fault) are transient;
// FAILED_PRECONDITION (no such recipient mailbox, or it does not take the
// workflow) and INVALID_ARGUMENT are permanent. Pure.
domain::SendResult FromMeshSend(const absl::StatusOr<std::string>& message_id,
                                absl::Duration acknowledgement_due_in);

}  // namespace nhs::tobacco::delivery

#endif  // GATEWAY_DELIVERY_SEND_RESULT_H_
