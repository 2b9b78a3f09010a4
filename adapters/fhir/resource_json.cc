#include "adapters/fhir/resource_json.h"

#include "adapters/fhir/systems.h"
#include "adapters/fhir/xhtml.h"

namespace nhs::tobacco::fhir {

Json Meta(absl::string_view profile) {
  return Json{{"profile", Json::array({std::string(profile)})}};
}

Json Identifier(absl::string_view system, absl::string_view value) {
  return Json{{"system", std::string(system)}, {"value", std::string(value)}};
}

Json Coding(absl::string_view system, absl::string_view code,
            absl::string_view display) {
  Json c{{"system", std::string(system)}, {"code", std::string(code)}};
  if (!display.empty()) c["display"] = std::string(display);
  return c;
}

Json Concept(Json coding, absl::string_view text) {
  Json c{{"coding", Json::array({std::move(coding)})}};
  if (!text.empty()) c["text"] = std::string(text);
  return c;
}

Json TextConcept(absl::string_view text) {
  return Json{{"text", std::string(text)}};
}

Json Reference(absl::string_view reference, absl::string_view display) {
  Json r{{"reference", std::string(reference)}};
  if (!display.empty()) r["display"] = std::string(display);
  return r;
}

Json Narrative(absl::string_view inner_xhtml) {
  return Json{{"status", "generated"}, {"div", NarrativeDiv(inner_xhtml)}};
}

Json Days(int days) {
  return Json{{"value", days},
              {"unit", "day"},
              {"system", std::string(kUcumSystem)},
              {"code", "d"}};
}

std::string DateTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%S+00:00", t, absl::UTCTimeZone());
}

}  // namespace nhs::tobacco::fhir
