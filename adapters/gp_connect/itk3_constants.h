#ifndef ADAPTERS_GP_CONNECT_ITK3_CONSTANTS_H_
#define ADAPTERS_GP_CONNECT_ITK3_CONSTANTS_H_

// Every fixed value of GP Connect Send Document (ITK3 over MESH) in one
// place. Sources, read in the public repositories:
//   [SD]   nhsconnect/gpconnect-messaging: _data/ge_requirements.yml (the
//          "Generic" use case, requirements GPCM-SD-GE-*), _data/
//          senddoc_requirements.yml (GPCM-SD-*, payload structure) and the
//          published example _includes/senddocument/consultation_report.xml.
//   [ITK3] nhsconnect/ITK3-Messaging-Distribution: pages/explore/
//          explore_hand_spec.md (handling keys), explore_response_codes.md
//          and the response-code mapping page (ITK3 response codes and how
//          MessageHeader.response / OperationOutcome carry them),
//          explore_bundle_type.md (response bundle profiles).
// "U" marks a value we could not confirm in those sources; check it before
// go-live.
namespace nhs::tobacco::gp_connect {

// --- Profiles (meta.profile) ---
// [SD] example: the outer ITK3 message bundle and its header.
inline constexpr char kProfileItkMessageBundle[] =
    "https://fhir.nhs.uk/STU3/StructureDefinition/ITK-Message-Bundle-1";
inline constexpr char kProfileItkMessageHeader[] =
    "https://fhir.nhs.uk/STU3/StructureDefinition/ITK-MessageHeader-2";
// [SD] GPCM-SD-GE-275: MessageHeader.sender's organisation.
inline constexpr char kProfileItkHeaderOrganization[] =
    "https://fhir.nhs.uk/STU3/StructureDefinition/"
    "CareConnect-ITK-Header-Organization-1";
// [SD] GPCM-SD-001: the payload MessageHeader.focus points at.
inline constexpr char kProfileItkDocumentBundle[] =
    "https://fhir.nhs.uk/STU3/StructureDefinition/ITK-Document-Bundle-1";
// [SD] GPCM-SD-002, -020 and the example (CareConnect STU3 profiles).
inline constexpr char kProfileComposition[] =
    "https://fhir.hl7.org.uk/STU3/StructureDefinition/"
    "CareConnect-Composition-1";
inline constexpr char kProfileAttachmentBinary[] =
    "https://fhir.nhs.uk/STU3/StructureDefinition/ITK-Attachment-Binary-1";
inline constexpr char kProfilePatient[] =
    "https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-Patient-1";
inline constexpr char kProfileOrganization[] =
    "https://fhir.hl7.org.uk/STU3/StructureDefinition/"
    "CareConnect-Organization-1";
inline constexpr char kProfilePractitioner[] =
    "https://fhir.hl7.org.uk/STU3/StructureDefinition/"
    "CareConnect-Practitioner-1";
// [ITK3] explore_bundle_type.md: the response's OperationOutcome.
inline constexpr char kProfileItkResponseOperationOutcome[] =
    "https://fhir.nhs.uk/STU3/StructureDefinition/"
    "ITK-Response-OperationOutcome-1";

// --- The ITK3 handling specification (MessageHeader extension) ---
// [SD] example and [ITK3] explore_hand_spec.md: a complex extension whose
// sub-extensions are keyed by these relative urls.
inline constexpr char kExtensionItkMessageHandling[] =
    "https://fhir.nhs.uk/STU3/StructureDefinition/"
    "Extension-ITK-MessageHandling-2";
inline constexpr char kKeyBusAckRequested[] = "BusAckRequested";
inline constexpr char kKeyInfAckRequested[] = "InfAckRequested";
inline constexpr char kKeyRecipientType[] = "RecipientType";
inline constexpr char kKeyMessageDefinition[] = "MessageDefinition";
inline constexpr char kKeySenderReference[] = "SenderReference";
inline constexpr char kKeyLocalExtension[] = "LocalExtension";
// [SD] GPCM-SD-GE-268: FA ("For Action") to the primary recipient.
inline constexpr char kRecipientTypeSystem[] =
    "https://fhir.nhs.uk/STU3/CodeSystem/ITK-RecipientType-1";
inline constexpr char kRecipientTypeForAction[] = "FA";
inline constexpr char kRecipientTypeForActionDisplay[] = "For Action";
// U: no source says which RecipientType an ITK3 Response carries; FI
// ("For Information", [ITK3] explore_hand_spec.md) is our choice.
inline constexpr char kRecipientTypeForInformation[] = "FI";
inline constexpr char kRecipientTypeForInformationDisplay[] = "For Information";
// [SD] GPCM-SD-GE-273.
inline constexpr char kSendDocumentMessageDefinition[] =
    "https://fhir.nhs.uk/STU3/MessageDefinition/"
    "ITK-GPConnectSendDocument-MessageDefinition-1";
// U: [ITK3] explore_itk_response_def.md names the instance
// "ITK-Response-MessageDefinition-Instance-1"; the full URL is our
// assumption by analogy with the Send Document one.
inline constexpr char kResponseMessageDefinition[] =
    "https://fhir.nhs.uk/STU3/MessageDefinition/"
    "ITK-Response-MessageDefinition-Instance-1";
// [SD] GPCM-SD-GE-274: the Generic use case (a document that is not a
// consultation report). The published examples use other values
// ("SendDocument-ConsultationSummary") for their own use cases.
inline constexpr char kLocalExtensionGeneric[] = "SendDocument-Generic";

// --- Message events (MessageHeader.event) ---
// [SD] GPCM-SD-GE-277 and -284; displays from the example.
inline constexpr char kMessageEventSystem[] =
    "https://fhir.nhs.uk/STU3/CodeSystem/ITK-MessageEvent-2";
inline constexpr char kEventSendDocument[] = "ITK007C";
inline constexpr char kEventSendDocumentDisplay[] =
    "ITK GP Connect Send Document";
inline constexpr char kEventResponse[] = "ITK008M";
// U: display seen only in third-party code ("ITK Response").
inline constexpr char kEventResponseDisplay[] = "ITK Response";

// --- MESH (for the lead's transport; not written into the bundle) ---
// [SD] GPCM-SD-GE-287 / -288: the Generic use case reuses these.
inline constexpr char kMeshWorkflowId[] = "GPFED_CONSULT_REPORT";
inline constexpr char kMeshAckWorkflowId[] = "GPFED_CONSULT_REPORT_ACK";

// --- Identifiers and document type ---
// [SD] example: Bundle.identifier and Composition.identifier are UUIDs
// under this system.
inline constexpr char kUuidIdentifierSystem[] =
    "https://tools.ietf.org/html/rfc4122";
// [SD] GPCM-SD-GE-003 asks for "the SNOMED code relating to the item being
// sent" without naming one for a letter. U: 371531000 "Report of clinical
// encounter" is the code the spec fixes for consultation reports
// (GPCM-SD-CS-019); whether a GP system files a medicine recommendation
// better under another concept is for the clinical safety officer.
inline constexpr char kDocumentTypeCode[] = "371531000";
inline constexpr char kDocumentTypeDisplay[] = "Report of clinical encounter";
// [SD] GPCM-SD-GE-005: N (normal) unless confidential.
inline constexpr char kConfidentialityNormal[] = "N";
// [SD] example Patient.identifier extension (CareConnect NHS number
// verification status). U: we send 02 "Number present but not traced"
// because the gateway checks Modulus 11 only, never PDS.
inline constexpr char kNhsNumberVerificationExtension[] =
    "https://fhir.hl7.org.uk/STU3/StructureDefinition/"
    "Extension-CareConnect-NHSNumberVerificationStatus-1";
inline constexpr char kNhsNumberVerificationSystem[] =
    "https://fhir.hl7.org.uk/STU3/CodeSystem/"
    "CareConnect-NHSNumberVerificationStatus-1";
inline constexpr char kNhsNumberNotTraced[] = "02";
inline constexpr char kNhsNumberNotTracedDisplay[] =
    "Number present but not traced";

// --- ITK3 responses ---
// Third-party harness code and the response-code mapping page name the
// code system (the page links the ValueSet of the same name).
// U: the CodeSystem URL is confirmed only by that third-party code.
inline constexpr char kResponseCodeSystem[] =
    "https://fhir.nhs.uk/STU3/CodeSystem/ITK-ResponseCodes-1";
// [ITK3] explore_response_codes.md: 20013 is the positive infrastructure
// response, 30001 the positive business one; 1xxxx and 2xxxx are
// infrastructure codes, 3xxxx business codes.
inline constexpr char kResponseInfrastructureOk[] = "20013";
inline constexpr char kResponseBusinessOk[] = "30001";
// FHIR STU3 MessageHeader.response.code values.
inline constexpr char kResponseCodeOk[] = "ok";
inline constexpr char kResponseCodeFatal[] = "fatal-error";

}  // namespace nhs::tobacco::gp_connect

#endif  // ADAPTERS_GP_CONNECT_ITK3_CONSTANTS_H_
