#ifndef ADAPTERS_GP_CONNECT_ITK3_ACKNOWLEDGEMENT_H_
#define ADAPTERS_GP_CONNECT_ITK3_ACKNOWLEDGEMENT_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

// ITK3 Responses: the acknowledgements a GP system returns over MESH for a
// Send Document message that asked for them (itk3_constants.h has the
// sources). An infrastructure acknowledgement (codes 1xxxx/2xxxx; 20013 is
// success) says the message was readable and valid; a business one (3xxxx;
// 30001 "patient known here") says the practice filed it. A negative
// response is final: nothing else follows for that message.
namespace nhs::tobacco::gp_connect {

struct Itk3Acknowledgement {
  enum class Kind { kInfrastructure, kBusiness };
  Kind kind = Kind::kInfrastructure;
  // The id of the message being acknowledged, as BuildSendDocument wrote
  // it (= the outbox message id): MessageHeader.response.identifier.
  std::string acknowledged_message_id;
  bool positive = false;  // MessageHeader.response.code "ok"
  // The ITK3 response code (OperationOutcome.issue.details), for the dead
  // letter; when a response carries none, its response.code.
  std::string code;
  // Short, no patient data: the spec's display name of the code, never
  // the free-text diagnostics a receiver wrote (they may quote the
  // patient). The lead also masks NHS numbers.
  std::string description;
  // The ITK3 SenderReference the response echoes (empty when absent).
  std::string sender_reference;
};

// Reads an ITK3 Response (FHIR STU3 JSON message Bundle, event ITK008M).
// The kind follows the response code's range; a response without a code
// (a bare positive infrastructure acknowledgement) is infrastructure.
// INVALID_ARGUMENT naming the path of what is wrong
// ("Bundle.entry[0].resource.response.identifier: missing").
absl::StatusOr<Itk3Acknowledgement> ParseItk3Acknowledgement(
    std::string_view json);

// The GP system's side, for tests and the demo practice: an ITK3 Response
// acknowledging `ack.acknowledged_message_id`, itself identified by
// `ack_message_id`, from organisation `from_ods` to `to_ods`. An empty
// `ack.code` means the positive code of its kind (20013, 30001); a
// negative one needs its code. `ack.description` becomes the issue's
// diagnostics. INVALID_ARGUMENT for a code the spec does not define or one
// that contradicts the kind or `positive`.
absl::StatusOr<std::string> BuildItk3Acknowledgement(
    const Itk3Acknowledgement& ack, std::string_view ack_message_id,
    absl::Time timestamp, std::string_view from_ods, std::string_view to_ods);

}  // namespace nhs::tobacco::gp_connect

#endif  // ADAPTERS_GP_CONNECT_ITK3_ACKNOWLEDGEMENT_H_
