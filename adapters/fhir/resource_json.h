#ifndef ADAPTERS_FHIR_RESOURCE_JSON_H_
#define ADAPTERS_FHIR_RESOURCE_JSON_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

// Small builders for the FHIR R4 datatypes every outbound resource uses.
// Output keeps insertion order (ordered_json) so resourceType comes first
// and a person reading a message sees it in the specification's order.
namespace nhs::tobacco::fhir {

using Json = nlohmann::ordered_json;

// {"profile": [profile]}
Json Meta(absl::string_view profile);
Json Identifier(absl::string_view system, absl::string_view value);
// display is left out when empty.
Json Coding(absl::string_view system, absl::string_view code,
            absl::string_view display = "");
// {"coding": [coding], "text": text}; text left out when empty.
Json Concept(Json coding, absl::string_view text = "");
// {"text": text}, for concepts that have no code we may send.
Json TextConcept(absl::string_view text);
Json Reference(absl::string_view reference, absl::string_view display = "");
// {"status": "generated", "div": <escaped by the caller>}.
Json Narrative(absl::string_view inner_xhtml);
// A duration in days as a UCUM quantity.
Json Days(int days);
// FHIR instant/dateTime in UTC: 2026-11-28T10:30:00+00:00.
std::string DateTime(absl::Time t);

}  // namespace nhs::tobacco::fhir

#endif  // ADAPTERS_FHIR_RESOURCE_JSON_H_
