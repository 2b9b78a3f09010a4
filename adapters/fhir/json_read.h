#ifndef ADAPTERS_FHIR_JSON_READ_H_
#define ADAPTERS_FHIR_JSON_READ_H_

#include <string_view>

#include "absl/strings/string_view.h"
#include "simdjson.h"

// Tolerant accessors over simdjson's DOM for inbound FHIR: a missing member
// or one of the wrong type reads as absent, and the translation that needed
// it reports the element's FHIRPath. Inline: they sit on the parse hot path.
namespace nhs::tobacco::fhir {

using JsonElement = simdjson::dom::element;
using JsonArray = simdjson::dom::array;

// Debian's Abseil has its own string_view (not std::string_view).
inline absl::string_view Absl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

// The member `key` of an object, if present.
inline bool Member(JsonElement e, std::string_view key, JsonElement* out) {
  simdjson::dom::object obj;
  if (e.get(obj) != simdjson::SUCCESS) return false;
  return obj.at_key(key).get(*out) == simdjson::SUCCESS;
}

// A string member, or "" when absent or not a string.
inline std::string_view Str(JsonElement e, std::string_view key) {
  JsonElement v;
  std::string_view s;
  if (!Member(e, key, &v) || v.get(s) != simdjson::SUCCESS) return {};
  return s;
}

// An array member; false when absent or not an array.
inline bool Array(JsonElement e, std::string_view key, JsonArray* out) {
  JsonElement v;
  return Member(e, key, &v) && v.get(*out) == simdjson::SUCCESS;
}

// A number member (integer or decimal); false when absent or not a number.
inline bool Number(JsonElement e, std::string_view key, double* out) {
  JsonElement v;
  if (!Member(e, key, &v)) return false;
  if (v.is_double()) return v.get(*out) == simdjson::SUCCESS;
  int64_t i;
  if (v.get(i) == simdjson::SUCCESS) {
    *out = static_cast<double>(i);
    return true;
  }
  uint64_t u;
  if (v.get(u) == simdjson::SUCCESS) {
    *out = static_cast<double>(u);
    return true;
  }
  return false;
}

// The value of the first identifier-like object {system, value} in `e`'s
// member `key` (an object or an array of them) whose system is `system`.
inline std::string_view IdentifierValue(JsonElement e, std::string_view key,
                                        std::string_view system) {
  JsonElement v;
  if (!Member(e, key, &v)) return {};
  JsonArray arr;
  if (v.get(arr) == simdjson::SUCCESS) {
    for (JsonElement item : arr) {
      if (Str(item, "system") == system) return Str(item, "value");
    }
    return {};
  }
  return Str(v, "system") == system ? Str(v, "value") : std::string_view();
}

}  // namespace nhs::tobacco::fhir

#endif  // ADAPTERS_FHIR_JSON_READ_H_
