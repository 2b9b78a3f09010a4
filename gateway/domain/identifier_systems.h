#ifndef GATEWAY_DOMAIN_IDENTIFIER_SYSTEMS_H_
#define GATEWAY_DOMAIN_IDENTIFIER_SYSTEMS_H_

// Every identifier system and code system URI the gateway writes or accepts,
// defined once: the pathway stamps some on timeline events (the EPS order
// number, the message id), the FHIR adapters write and read them all
// (adapters/fhir/systems.h re-exports them), so a change of a national
// system or of the project's own placeholder base is one edit.
// Sources: ../shared/reference/domain.md sections 1-5 and 7.
namespace nhs::tobacco::domain {

// National identifier systems (confirmed in UK Core examples).
inline constexpr char kNhsNumberSystem[] = "https://fhir.nhs.uk/Id/nhs-number";
inline constexpr char kOdsOrganizationSystem[] =
    "https://fhir.nhs.uk/Id/ods-organization-code";
inline constexpr char kEpsOrderNumberSystem[] =
    "https://fhir.nhs.uk/Id/prescription-order-number";
inline constexpr char kGmcSystem[] = "https://fhir.hl7.org.uk/Id/gmc-number";
inline constexpr char kGmpSystem[] = "https://fhir.hl7.org.uk/Id/gmp-number";
inline constexpr char kNmcSystem[] = "https://fhir.hl7.org.uk/Id/nmc-number";
inline constexpr char kGphcSystem[] = "https://fhir.hl7.org.uk/Id/gphc-number";
inline constexpr char kHcpcSystem[] = "https://fhir.hl7.org.uk/Id/hcpc-number";
inline constexpr char kSdsUserSystem[] = "https://fhir.nhs.uk/Id/sds-user-id";

// National and HL7 code systems.
inline constexpr char kDmdSystem[] = "https://dmd.nhs.uk";
inline constexpr char kSnomedSystem[] = "http://snomed.info/sct";
inline constexpr char kUcumSystem[] = "http://unitsofmeasure.org";
inline constexpr char kMedicationRequestCategorySystem[] =
    "http://terminology.hl7.org/CodeSystem/medicationrequest-category";
inline constexpr char kObservationCategorySystem[] =
    "http://terminology.hl7.org/CodeSystem/observation-category";
inline constexpr char kCommunicationCategorySystem[] =
    "http://terminology.hl7.org/CodeSystem/communication-category";

// The project's own systems. The reference examples use these example.org
// placeholders; they stay until the service registers its own base URL, and
// inbound messages that copy them keep working.
inline constexpr char kMessageIdSystem[] =
    "https://example.org/fhir/Id/td-message";
inline constexpr char kPrescriptionRequestSystem[] =
    "https://example.org/fhir/Id/td-prescription-request";
inline constexpr char kReferralSystem[] =
    "https://example.org/fhir/Id/td-referral";
inline constexpr char kLocalPractitionerSystem[] =
    "https://example.org/fhir/Id/td-staff";
inline constexpr char kDispenseIdSystem[] =
    "https://example.org/fhir/Id/pharmacy-dispense";
inline constexpr char kMessageEventSystem[] =
    "https://example.org/fhir/CodeSystem/td-message-event";
inline constexpr char kLocalProductSystem[] =
    "https://example.org/fhir/CodeSystem/td-product";
inline constexpr char kStatusReasonSystem[] =
    "https://example.org/fhir/CodeSystem/td-status-reason";
inline constexpr char kOutcomeSystem[] =
    "https://example.org/fhir/CodeSystem/td-outcome";
inline constexpr char kErrorSystem[] =
    "https://example.org/fhir/CodeSystem/td-error";

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_IDENTIFIER_SYSTEMS_H_
