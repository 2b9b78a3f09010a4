#ifndef ADAPTERS_GP_CONNECT_SEND_DOCUMENT_H_
#define ADAPTERS_GP_CONNECT_SEND_DOCUMENT_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nhs/tobacco/v1/common.pb.h"
#include "nhs/tobacco/v1/referral.pb.h"

// GP Connect Send Document, "Generic" use case: an ITK3 message (FHIR STU3,
// CareConnect profiles) carrying one PDF, for MESH. The spec's sources and
// every fixed value are in itk3_constants.h.
namespace nhs::tobacco::gp_connect {

struct SendDocumentContext {
  // The outbox message id, a UUID. It is the ITK3 MessageHeader.id, which
  // ITK3 responses quote in MessageHeader.response.identifier (FHIR STU3
  // messaging), and also the outer Bundle.identifier (the ITK3 tracking
  // id receivers use to spot a duplicate, response code 20007). Every
  // other id in the message is derived from it.
  std::string message_id;
  absl::Time timestamp;  // MessageHeader.timestamp and Composition.date
  std::string sender_ods, sender_name;  // the tobacco dependence service
  std::string recipient_ods;            // the GP practice
  std::string document_title;           // e.g. the letter title

  // Added to the lead's first draft, because the spec requires them:
  // The sender's MESH mailbox id: MessageHeader.source.endpoint
  // (GPCM-SD-GE-276). Required.
  std::string sender_mesh_mailbox;
  // Who wrote the document: Composition.author (GPCM-SD-GE-009, a
  // CareConnect Practitioner). Required: identifier or display name.
  v1::Practitioner author;
  // ITK3 SenderReference, returned in every response (GPCM-SD-GE-272: the
  // sender's id of the activity, e.g. the prescription id). Empty: the
  // message id.
  std::string sender_reference;
  std::string recipient_name;  // optional; the practice's name
};

// The ITK3 message Bundle as FHIR STU3 JSON:
//   Bundle (ITK-Message-Bundle-1, type message)
//     MessageHeader (ITK-MessageHeader-2): event ITK007C, handling
//       extension asking for infrastructure and business acknowledgements,
//       RecipientType FA, the Send Document MessageDefinition,
//       SenderReference, LocalExtension "SendDocument-Generic"; sender;
//       source (MESH mailbox); focus -> the document bundle. No
//       destination or receiver: MESH routes (GPCM-SD-GE-279).
//     Organization (CareConnect-ITK-Header-Organization-1): the sender
//     Bundle (ITK-Document-Bundle-1, type document)
//       Composition (CareConnect-Composition-1): status final, type,
//         date, confidentiality N, title, text, subject, author,
//         custodian, one section whose entry is the PDF
//       Binary (ITK-Attachment-Binary-1): application/pdf, base64
//       Patient (CareConnect-Patient-1): NHS number, official name, birth
//         date, generalPractitioner -> the recipient practice
//       Organization (CareConnect-Organization-1): the sender, custodian
//       Organization (CareConnect-Organization-1): the recipient practice
//       Practitioner (CareConnect-Practitioner-1): the author
// The same inputs give the same bytes: ids are name-based UUIDs of
// message_id, nothing reads the clock. INVALID_ARGUMENT listing every
// missing or malformed input (paths "context.sender_ods",
// "referral.patient.family_name", "pdf").
absl::StatusOr<std::string> BuildSendDocument(
    const SendDocumentContext& context, const v1::Referral& referral,
    std::string_view pdf);

}  // namespace nhs::tobacco::gp_connect

#endif  // ADAPTERS_GP_CONNECT_SEND_DOCUMENT_H_
