#ifndef ADAPTERS_FHIR_XHTML_H_
#define ADAPTERS_FHIR_XHTML_H_

#include <string>

#include "absl/strings/string_view.h"

namespace nhs::tobacco::fhir {

// Escapes text for XHTML content and attribute values (& < > " ').
// Everything a narrative shows comes from other systems, so all of it goes
// through here: FHIR forbids scripts and a clinician's screen must not run
// one.
std::string EscapeXhtml(absl::string_view text);

// Wraps already-escaped XHTML in the narrative div FHIR requires.
std::string NarrativeDiv(absl::string_view inner_xhtml);

}  // namespace nhs::tobacco::fhir

#endif  // ADAPTERS_FHIR_XHTML_H_
