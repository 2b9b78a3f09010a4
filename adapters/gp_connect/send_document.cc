#include "adapters/gp_connect/send_document.h"

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "adapters/fhir/common_resources.h"
#include "adapters/fhir/resource_json.h"
#include "adapters/fhir/systems.h"
#include "adapters/fhir/uuid.h"
#include "adapters/fhir/xhtml.h"
#include "adapters/gp_connect/itk3_constants.h"
#include "gateway/domain/field_violations.h"
#include "gateway/domain/identifiers.h"

namespace nhs::tobacco::gp_connect {
namespace {

using fhir::Json;

// STU3 references inside a message are to fullUrls (the published example
// uses urn:uuid throughout).
std::string Urn(absl::string_view uuid) {
  return absl::StrCat("urn:uuid:", uuid);
}

Json Entry(absl::string_view uuid, Json resource) {
  return Json{{"fullUrl", Urn(uuid)}, {"resource", std::move(resource)}};
}

Json Resource(absl::string_view type, absl::string_view id,
              absl::string_view profile) {
  return Json{{"resourceType", std::string(type)},
              {"id", std::string(id)},
              {"meta", fhir::Meta(profile)}};
}

Json Handling(absl::string_view key, absl::string_view value_type, Json value) {
  return Json{{"url", std::string(key)},
              {std::string(value_type), std::move(value)}};
}

// Debian's Abseil has its own string_view, not std's.
absl::string_view Absl(std::string_view s) { return {s.data(), s.size()}; }

absl::Status Validate(const SendDocumentContext& c, const v1::Referral& r,
                      std::string_view pdf) {
  domain::Violations v;
  if (!fhir::IsUuid(c.message_id)) {
    v.Add("context.message_id", "must be a UUID (the ITK3 MessageHeader.id)");
  }
  if (c.timestamp == absl::InfinitePast() || c.timestamp == absl::UnixEpoch()) {
    v.Add("context.timestamp", "is required (MessageHeader.timestamp)");
  }
  if (c.sender_ods.empty()) v.Add("context.sender_ods", "is required");
  if (c.sender_name.empty()) {
    v.Add("context.sender_name", "is required (GPCM-SD-GE-023)");
  }
  if (c.recipient_ods.empty()) v.Add("context.recipient_ods", "is required");
  if (c.document_title.empty()) v.Add("context.document_title", "is required");
  if (c.sender_mesh_mailbox.empty()) {
    v.Add("context.sender_mesh_mailbox",
          "is required (MessageHeader.source.endpoint, GPCM-SD-GE-276)");
  }
  if (c.author.identifier().empty() && c.author.display_name().empty()) {
    v.Add("context.author",
          "needs an identifier or a name (Composition.author, "
          "GPCM-SD-GE-009)");
  }
  if (c.sender_reference.size() > 255) {
    v.Add("context.sender_reference", "is longer than 255 characters");
  }
  const v1::Patient& p = r.patient();
  if (!domain::ValidateNhsNumber(p.nhs_number()).ok()) {
    v.Add("referral.patient.nhs_number", "is not a valid NHS number");
  }
  // MESH routes to the registered practice by NHS number, birth date and
  // surname, which must match the Patient (GPCM-SD-GE-020).
  if (p.family_name().empty()) {
    v.Add("referral.patient.family_name", "is required (MESH routing)");
  }
  if (p.date_of_birth().size() != 10) {
    v.Add("referral.patient.date_of_birth",
          "must be YYYY-MM-DD (GPCM-SD-GE-019, MESH routing)");
  }
  if (!absl::StartsWith(Absl(pdf), "%PDF-"))
    v.Add("pdf", "is not a PDF document");
  return v.ToStatus("cannot build a GP Connect Send Document message");
}

Json Organization(absl::string_view id, absl::string_view profile,
                  absl::string_view ods, absl::string_view name) {
  Json org = Resource("Organization", id, profile);
  org["identifier"] =
      Json::array({fhir::Identifier(fhir::kOdsOrganizationSystem, ods)});
  if (!name.empty()) org["name"] = std::string(name);
  return org;
}

Json Patient(absl::string_view id, const v1::Patient& p,
             absl::string_view practice_urn) {
  Json patient = Resource("Patient", id, kProfilePatient);
  Json nhs = Json{
      {"extension",
       Json::array({Json{{"url", kNhsNumberVerificationExtension},
                         {"valueCodeableConcept",
                          fhir::Concept(fhir::Coding(
                              kNhsNumberVerificationSystem, kNhsNumberNotTraced,
                              kNhsNumberNotTracedDisplay))}}})},
      {"system", fhir::kNhsNumberSystem},
      {"value", p.nhs_number()}};
  patient["identifier"] = Json::array({std::move(nhs)});
  Json name{{"use", "official"}, {"family", p.family_name()}};
  if (!p.given_name().empty()) name["given"] = Json::array({p.given_name()});
  patient["name"] = Json::array({std::move(name)});
  patient["birthDate"] = p.date_of_birth();
  patient["generalPractitioner"] = Json::array({fhir::Reference(practice_urn)});
  return patient;
}

Json Practitioner(absl::string_view id, const v1::Practitioner& author) {
  Json practitioner = Resource("Practitioner", id, kProfilePractitioner);
  if (!author.identifier().empty()) {
    practitioner["identifier"] = Json::array({fhir::Identifier(
        fhir::RegisterSystem(author.register_()), author.identifier())});
  }
  if (!author.display_name().empty()) {
    practitioner["name"] = Json::array(
        {Json{{"use", "official"}, {"text", author.display_name()}}});
  }
  return practitioner;
}

}  // namespace

absl::StatusOr<std::string> BuildSendDocument(
    const SendDocumentContext& context, const v1::Referral& referral,
    std::string_view pdf) {
  if (absl::Status s = Validate(context, referral, pdf); !s.ok()) return s;
  // Every id a name-based UUID of the message id and a role: a retry is
  // byte-identical, and two messages never share an id.
  auto id = [&](absl::string_view role) {
    return fhir::NameBasedUuid(
        absl::StrCat(context.message_id, "/gp-connect/", role));
  };
  const std::string bundle_id = id("message-bundle");
  const std::string sender_header_id = id("sender-header-organization");
  const std::string document_id = id("document-bundle");
  const std::string composition_id = id("composition");
  const std::string binary_id = id("binary");
  const std::string patient_id = id("patient");
  const std::string sender_id = id("sender-organization");
  const std::string recipient_id = id("recipient-organization");
  const std::string author_id = id("author");
  const std::string when = fhir::DateTime(context.timestamp);
  const v1::Patient& patient = referral.patient();

  Json handling{
      {"url", kExtensionItkMessageHandling},
      {"extension",
       Json::array({
           Handling(kKeyBusAckRequested, "valueBoolean", true),
           Handling(kKeyInfAckRequested, "valueBoolean", true),
           Handling(kKeyRecipientType, "valueCoding",
                    fhir::Coding(kRecipientTypeSystem, kRecipientTypeForAction,
                                 kRecipientTypeForActionDisplay)),
           Handling(kKeyMessageDefinition, "valueReference",
                    fhir::Reference(kSendDocumentMessageDefinition)),
           Handling(kKeySenderReference, "valueString",
                    context.sender_reference.empty()
                        ? context.message_id
                        : context.sender_reference),
           Handling(kKeyLocalExtension, "valueString", kLocalExtensionGeneric),
       })}};
  Json header =
      Resource("MessageHeader", context.message_id, kProfileItkMessageHeader);
  header["extension"] = Json::array({std::move(handling)});
  header["event"] = fhir::Coding(kMessageEventSystem, kEventSendDocument,
                                 kEventSendDocumentDisplay);
  header["sender"] = fhir::Reference(Urn(sender_header_id));
  header["timestamp"] = when;
  header["source"] = Json{{"endpoint", context.sender_mesh_mailbox}};
  header["focus"] = fhir::Reference(Urn(document_id));

  const std::string patient_name = absl::StrCat(
      patient.given_name(), patient.given_name().empty() ? "" : " ",
      patient.family_name());
  Json composition =
      Resource("Composition", composition_id, kProfileComposition);
  composition["identifier"] =
      fhir::Identifier(kUuidIdentifierSystem, composition_id);
  composition["status"] = "final";
  composition["type"] = fhir::Concept(fhir::Coding(
      fhir::kSnomedSystem, kDocumentTypeCode, kDocumentTypeDisplay));
  composition["date"] = when;
  composition["confidentiality"] = kConfidentialityNormal;
  composition["title"] = context.document_title;
  // GPCM-SD-GE-007: "{name of report} report for {Patient Name}, NHS
  // Number {NHS Number}, Version {Version Number}"; a letter has one
  // version (a replacement would be a new message with relatesTo).
  composition["text"] = fhir::Narrative(
      absl::StrCat("<p>", fhir::EscapeXhtml(context.document_title), " for ",
                   fhir::EscapeXhtml(patient_name), ", NHS Number ",
                   fhir::EscapeXhtml(patient.nhs_number()), ", Version 1</p>"));
  composition["subject"] = fhir::Reference(Urn(patient_id));
  composition["author"] = Json::array({fhir::Reference(Urn(author_id))});
  composition["custodian"] = fhir::Reference(Urn(sender_id));
  // GPCM-SD-019..022: each document is a section; the primary first.
  composition["section"] = Json::array(
      {Json{{"title", context.document_title},
            {"entry", Json::array({fhir::Reference(Urn(binary_id))})}}});

  Json binary = Resource("Binary", binary_id, kProfileAttachmentBinary);
  binary["contentType"] = "application/pdf";
  binary["content"] = absl::Base64Escape(Absl(pdf));

  const std::string recipient_name =
      !context.recipient_name.empty() ? context.recipient_name
      : referral.gp_practice().ods_code() == context.recipient_ods
          ? referral.gp_practice().name()
          : "";

  Json document = Resource("Bundle", document_id, kProfileItkDocumentBundle);
  document["identifier"] = fhir::Identifier(kUuidIdentifierSystem, document_id);
  document["type"] = "document";
  document["entry"] = Json::array({
      Entry(composition_id, std::move(composition)),
      Entry(binary_id, std::move(binary)),
      Entry(patient_id, Patient(patient_id, patient, Urn(recipient_id))),
      Entry(sender_id, Organization(sender_id, kProfileOrganization,
                                    context.sender_ods, context.sender_name)),
      Entry(recipient_id, Organization(recipient_id, kProfileOrganization,
                                       context.recipient_ods, recipient_name)),
      Entry(author_id, Practitioner(author_id, context.author)),
  });

  Json bundle = Resource("Bundle", bundle_id, kProfileItkMessageBundle);
  bundle["identifier"] =
      fhir::Identifier(kUuidIdentifierSystem, context.message_id);
  bundle["type"] = "message";
  bundle["entry"] = Json::array({
      Entry(context.message_id, std::move(header)),
      Entry(sender_header_id,
            Organization(sender_header_id, kProfileItkHeaderOrganization,
                         context.sender_ods, "")),
      Entry(document_id, std::move(document)),
  });
  return bundle.dump();
}

}  // namespace nhs::tobacco::gp_connect
