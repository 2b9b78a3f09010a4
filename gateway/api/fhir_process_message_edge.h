#ifndef GATEWAY_API_FHIR_PROCESS_MESSAGE_EDGE_H_
#define GATEWAY_API_FHIR_PROCESS_MESSAGE_EDGE_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "adapters/fhir/https_listener.h"
#include "gateway/pathway/prescription_use_cases.h"
#include "gateway/security/principal.h"
#include "gateway/security/rate_limiter.h"

namespace nhs::tobacco::api {

// FHIR $process-message: where the GP and pharmacy adapters meet the
// pathway. Authenticates the sender by the client certificate the TLS
// handshake verified (none: 401), parses the Bundle (simdjson), translates
// it by event
// (prescription-decision -> Prescribe / Decline / RequireAppointment;
// dispense-notification -> Dispense / Supply / RecordNotSupplied by the
// request's route), and hands it to PrescriptionUseCases::ApplyMessage as
// the caller, which authorises it (a GP decides only on requests sent to
// its practice; a pharmacy supplies only what is routed to it, and
// dispenses a GP prescription only when it quotes the request's EPS id; the
// message's sender must be the certificate's organisation), answering 403
// with the same words whether or not the request exists and auditing every
// refusal, and checks the patient matches the request. Answers once the
// use case says the change is durable: a response message
// Bundle (200) or an OperationOutcome with the HTTP status HttpStatusFor()
// gives (malformed JSON 400). The Bundle id is the idempotency key, so a
// resent Bundle gets the first answer again. Thread-safe.
class FhirProcessMessageEdge {
 public:
  // `public_endpoint` is this gateway's URL for MessageHeader.source.
  // `per_principal_rate_limit`: messages per second per sending
  // organisation (0 = no limit); beyond it 429.
  FhirProcessMessageEdge(pathway::PrescriptionUseCases& prescriptions,
                         std::string public_endpoint,
                         int per_principal_rate_limit = 0);

  // A fhir::MessageHandler: calls `respond` exactly once.
  void Handle(const fhir::InboundMessage& message, fhir::Respond respond);

  // Told of every answer: the message's event ("prescription-decision",
  // "dispense-notification"; "other" for an event we do not take, "none"
  // when the Bundle was not read that far) and the HTTP status. For the
  // metrics (issue 15); set before the listener starts.
  using Observer = std::function<void(std::string_view event, int status)>;
  void SetObserver(Observer observer) { observer_ = std::move(observer); }

 private:
  Observer observer_;
  pathway::PrescriptionUseCases& prescriptions_;
  const std::string public_endpoint_;
  security::RateLimiter limiter_;
};

// The HTTP status for a failed Status: INVALID_ARGUMENT 422 (400 when the
// body is not JSON), NOT_FOUND 404, FAILED_PRECONDITION and ALREADY_EXISTS
// 409, PERMISSION_DENIED 403, RESOURCE_EXHAUSTED 429, UNAVAILABLE 503,
// DEADLINE_EXCEEDED 504, anything else 500.
int HttpStatusFor(const absl::Status& status);

}  // namespace nhs::tobacco::api

#endif  // GATEWAY_API_FHIR_PROCESS_MESSAGE_EDGE_H_
