#ifndef ADAPTERS_FHIR_INBOUND_COMMON_H_
#define ADAPTERS_FHIR_INBOUND_COMMON_H_

#include <string>

#include "adapters/fhir/json_read.h"
#include "adapters/fhir/message_bundle_reader.h"
#include "gateway/domain/field_violations.h"
#include "nhs/tobacco/v1/common.pb.h"

// What every inbound translation reads the same way: the idempotency key,
// the patient, the sending organisation, the acting practitioner and our own
// prescription id. Each records a violation located by FHIRPath instead of
// failing, so one reply lists everything wrong.
namespace nhs::tobacco::fhir {

// "fhir:" + the sender's message id: the pathway deduplicates on it, so a
// resent Bundle gets the first answer and changes nothing.
std::string RequestIdFor(const MessageBundle& message);

// The NHS number of the Patient `resource.subject` points at, checked
// (Modulus 11); "" with a violation when missing or invalid.
std::string SubjectNhsNumber(const MessageBundle& message,
                             const BundleEntry& resource,
                             domain::Violations& v);

// The Organization `reference_holder.<member>` points at (or, when the member
// holds an identifier, that ODS code), checked; empty with a violation
// naming `path` otherwise.
v1::Organisation ReferencedOrganisation(const MessageBundle& message,
                                        JsonElement reference_holder,
                                        absl::string_view path,
                                        domain::Violations& v);

// The practitioner a Reference names: a Practitioner or PractitionerRole
// entry, or a logical reference by identifier (e.g. GMP number). Empty when
// it names none; never a violation (the practitioner is optional).
v1::Practitioner ReferencedPractitioner(const MessageBundle& message,
                                        JsonElement reference);

// The register of an identifier system (GMC, NMC ...); LOCAL otherwise.
v1::ProfessionalRegister RegisterFor(std::string_view system);

}  // namespace nhs::tobacco::fhir

#endif  // ADAPTERS_FHIR_INBOUND_COMMON_H_
