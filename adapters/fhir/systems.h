#ifndef ADAPTERS_FHIR_SYSTEMS_H_
#define ADAPTERS_FHIR_SYSTEMS_H_

#include "absl/strings/string_view.h"

// Every URL the FHIR adapters write or accept, in one place so a change of a
// national system or of the project's own placeholder base is one edit.
// Sources: ../shared/reference/domain.md sections 1-5 and 7.
namespace nhs::tobacco::fhir {

// National identifier systems (confirmed in UK Core examples).
inline constexpr char kNhsNumberSystem[] = "https://fhir.nhs.uk/Id/nhs-number";
inline constexpr char kOdsOrganisationSystem[] =
    "https://fhir.nhs.uk/Id/ods-organization-code";
inline constexpr char kEpsOrderNumberSystem[] =
    "https://fhir.nhs.uk/Id/prescription-order-number";
inline constexpr char kGmcSystem[] = "https://fhir.hl7.org.uk/Id/gmc-number";
inline constexpr char kGmpSystem[] = "https://fhir.hl7.org.uk/Id/gmp-number";
inline constexpr char kNmcSystem[] = "https://fhir.hl7.org.uk/Id/nmc-number";
inline constexpr char kGphcSystem[] = "https://fhir.hl7.org.uk/Id/gphc-number";
inline constexpr char kHcpcSystem[] = "https://fhir.hl7.org.uk/Id/hcpc-number";
inline constexpr char kSdsUserSystem[] = "https://fhir.nhs.uk/Id/sds-user-id";

// Code systems.
inline constexpr char kDmdSystem[] = "https://dmd.nhs.uk";
inline constexpr char kSnomedSystem[] = "http://snomed.info/sct";
inline constexpr char kUcumSystem[] = "http://unitsofmeasure.org";
inline constexpr char kMedicationRequestCategorySystem[] =
    "http://terminology.hl7.org/CodeSystem/medicationrequest-category";
inline constexpr char kObservationCategorySystem[] =
    "http://terminology.hl7.org/CodeSystem/observation-category";

// The project's own systems. The reference examples use these example.org
// placeholders; they stay until the service registers its own base URL, and
// inbound messages that copy them keep working.
inline constexpr char kLocalBase[] = "https://example.org/fhir";
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

// UK Core STU2 profiles (meta.profile).
inline constexpr char kProfileBundle[] =
    "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Bundle";
inline constexpr char kProfileMessageHeader[] =
    "https://fhir.hl7.org.uk/StructureDefinition/UKCore-MessageHeader";
inline constexpr char kProfilePatient[] =
    "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient";
inline constexpr char kProfileOrganization[] =
    "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Organization";
inline constexpr char kProfilePractitioner[] =
    "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Practitioner";
inline constexpr char kProfilePractitionerRole[] =
    "https://fhir.hl7.org.uk/StructureDefinition/UKCore-PractitionerRole";
inline constexpr char kProfileMedicationRequest[] =
    "https://fhir.hl7.org.uk/StructureDefinition/UKCore-MedicationRequest";
inline constexpr char kProfileMedicationDispense[] =
    "https://fhir.hl7.org.uk/StructureDefinition/UKCore-MedicationDispense";
inline constexpr char kProfileObservation[] =
    "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Observation";
inline constexpr char kProfileTask[] =
    "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Task";
inline constexpr char kProfileCommunication[] =
    "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Communication";
inline constexpr char kProfileOperationOutcome[] =
    "https://fhir.hl7.org.uk/StructureDefinition/UKCore-OperationOutcome";

// MessageHeader.eventCoding codes (kMessageEventSystem).
inline constexpr char kEventRecommendation[] = "prescription-recommendation";
inline constexpr char kEventDecision[] = "prescription-decision";
inline constexpr char kEventSupplyRequest[] = "supply-request";
inline constexpr char kEventPrescriptionNotice[] = "prescription-notice";
inline constexpr char kEventDispense[] = "dispense-notification";
inline constexpr char kEventOutcome[] = "outcome-notification";
inline constexpr char kEventOverdueEscalation[] = "overdue-escalation";
inline constexpr char kEventCancellation[] = "prescription-cancellation";

}  // namespace nhs::tobacco::fhir

#endif  // ADAPTERS_FHIR_SYSTEMS_H_
