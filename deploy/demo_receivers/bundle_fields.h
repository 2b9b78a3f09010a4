#ifndef DEPLOY_DEMO_RECEIVERS_BUNDLE_FIELDS_H_
#define DEPLOY_DEMO_RECEIVERS_BUNDLE_FIELDS_H_

#include <string>

#include "adapters/fhir/systems.h"
#include "nlohmann/json.hpp"

// Reading a sender's FHIR JSON in the demo receivers (the FHIR endpoint and
// the MESH practice): `j[key]`, `j[i]` and a string's text, or null / ""
// when `j` has none, so a receiver never throws on what it was sent.
namespace nhs::tobacco::demo {

using Json = nlohmann::json;

inline const Json& Field(const Json& j, const char* key) {
  static const Json* const kNull = new Json();
  if (!j.is_object()) return *kNull;
  const auto it = j.find(key);
  return it == j.end() ? *kNull : *it;
}

inline const Json& Item(const Json& j, size_t i) {
  static const Json* const kNull = new Json();
  return j.is_array() && i < j.size() ? j[i] : *kNull;
}

inline std::string Text(const Json& j) {
  return j.is_string() ? j.get<std::string>() : "";
}

// The ODS code of the Organization entry whose fullUrl is `reference`.
inline std::string OdsCodeOf(const Json& bundle, const std::string& reference) {
  const Json& entries = Field(bundle, "entry");
  if (reference.empty() || !entries.is_array()) return "";
  for (const Json& entry : entries) {
    if (Text(Field(entry, "fullUrl")) != reference) continue;
    const Json& ids = Field(Field(entry, "resource"), "identifier");
    if (!ids.is_array()) return "";
    for (const Json& id : ids) {
      if (Text(Field(id, "system")) == fhir::kOdsOrganizationSystem) {
        return Text(Field(id, "value"));
      }
    }
  }
  return "";
}

}  // namespace nhs::tobacco::demo

#endif  // DEPLOY_DEMO_RECEIVERS_BUNDLE_FIELDS_H_
