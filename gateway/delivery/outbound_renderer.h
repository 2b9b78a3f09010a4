#ifndef GATEWAY_DELIVERY_OUTBOUND_RENDERER_H_
#define GATEWAY_DELIVERY_OUTBOUND_RENDERER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nhs/tobacco/v1/delivery.pb.h"

namespace nhs::tobacco::delivery {

// MSH-10 for a message id: its first 20 hex digits (MSH-10 is ST(20) in
// v2.5.1). Stable across retries, so the trust's engine deduplicates.
std::string Hl7ControlId(absl::string_view message_id);

struct RenderTarget {
  // FHIR: the receiver's $process-message URL and this gateway's own (the
  // MessageHeader's destination and source endpoints).
  std::string destination_endpoint;
  std::string source_endpoint;
  // HL7: MSH-5, the receiving application at the trust.
  std::string receiving_application;
  // MESH: the gateway's own mailbox (the ITK3 header's source endpoint),
  // and the sending service's name from the organisation registry (the
  // records carry only its ODS code).
  std::string source_mesh_mailbox;
  std::string sender_name;
};

// The tobacco dependence service a message is from: the request's, else
// the referral's.
const v1::Organisation& ServiceOf(const v1::OutboundMessage& message);

// The bytes a queued message goes out as: HL7 v2 ER7 (RRI^I12, ORU^R01),
// FHIR JSON (a message Bundle), or over MESH a GP Connect Send Document
// (ITK3, FHIR STU3 JSON carrying the letter as a PDF), built by the adapters
// from the message's snapshot. Deterministic: every retry sends the same bytes.
// Errors are the builders' (INVALID_ARGUMENT naming what the snapshot lacks):
// retrying cannot fix them.
absl::StatusOr<std::string> RenderMessage(const v1::OutboundMessage& message,
                                          const RenderTarget& target);

}  // namespace nhs::tobacco::delivery

#endif  // GATEWAY_DELIVERY_OUTBOUND_RENDERER_H_
