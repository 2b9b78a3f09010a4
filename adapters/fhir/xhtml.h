#ifndef ADAPTERS_FHIR_XHTML_H_
#define ADAPTERS_FHIR_XHTML_H_

#include <string>

#include "absl/strings/string_view.h"

namespace nhs::tobacco::fhir {

// Escapes text for XHTML content and attribute values (& < > " ').
// Everything a narrative shows comes from other systems, so all of it goes
// through here: FHIR forbids scripts and a clinician's screen must not run
// one. The result is always well-formed XML 1.0 text: characters XML
// forbids (C0 controls other than TAB, LF and CR; U+FFFE, U+FFFF) are
// dropped, and bytes that are not UTF-8 become U+FFFD.
std::string EscapeXhtml(absl::string_view text);

// Wraps already-escaped XHTML in the narrative div FHIR requires.
std::string NarrativeDiv(absl::string_view inner_xhtml);

}  // namespace nhs::tobacco::fhir

#endif  // ADAPTERS_FHIR_XHTML_H_
