#ifndef ADAPTERS_FHIR_SYSTEMS_H_
#define ADAPTERS_FHIR_SYSTEMS_H_

#include "absl/strings/string_view.h"
#include "gateway/domain/identifier_systems.h"

// Every URL the FHIR adapters write or accept, in one place so a change of a
// national system or of the project's own placeholder base is one edit: the
// identifier and code systems come from gateway/domain/identifier_systems.h,
// the profiles and message event codes are FHIR's own.
// Sources: ../shared/reference/domain.md sections 1-5 and 7.
namespace nhs::tobacco::fhir {

// Identifier and code systems are the domain's (defined once there); the
// FHIR code names them as fhir::k... as before.
using domain::kCommunicationCategorySystem;
using domain::kDispenseIdSystem;
using domain::kDmdSystem;
using domain::kEpsOrderNumberSystem;
using domain::kErrorSystem;
using domain::kGmcSystem;
using domain::kGmpSystem;
using domain::kGphcSystem;
using domain::kHcpcSystem;
using domain::kLocalPractitionerSystem;
using domain::kLocalProductSystem;
using domain::kMedicationRequestCategorySystem;
using domain::kMessageEventSystem;
using domain::kMessageIdSystem;
using domain::kNhsNumberSystem;
using domain::kNmcSystem;
using domain::kObservationCategorySystem;
using domain::kOdsOrganizationSystem;
using domain::kOutcomeSystem;
using domain::kPrescriptionRequestSystem;
using domain::kReferralSystem;
using domain::kSdsUserSystem;
using domain::kSnomedSystem;
using domain::kStatusReasonSystem;
using domain::kUcumSystem;

// The base of the project's own placeholder systems above.
inline constexpr char kLocalBase[] = "https://example.org/fhir";

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
// GP silence (issue 12, gp): the recommendation again, as a reminder.
inline constexpr char kEventRecommendationReminder[] =
    "prescription-recommendation-reminder";
// MessageHeader.reason codes (local): why this message was sent.
inline constexpr char kMessageReasonSystem[] =
    "https://example.org/fhir/CodeSystem/td-message-reason";
inline constexpr char kReasonReminder[] = "reminder";
// safety: a CYP1A2 safety alert nobody acknowledged in time.
inline constexpr char kEventSafetyAlertOverdue[] = "safety-alert-overdue";

}  // namespace nhs::tobacco::fhir

#endif  // ADAPTERS_FHIR_SYSTEMS_H_
