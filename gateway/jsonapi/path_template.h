#ifndef GATEWAY_JSONAPI_PATH_TEMPLATE_H_
#define GATEWAY_JSONAPI_PATH_TEMPLATE_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace nhs::tobacco::jsonapi {

// A google.api.http path template, the subset the gateway's annotations
// use: "/" literal or {field.path} (= {field.path=*}) segments and an
// optional ":verb", e.g. "/v1/prescriptions/{prescription_id}:prescribe".
struct PathTemplate {
  struct Segment {
    bool variable = false;
    std::string text;  // the literal, or the dotted field path
  };
  std::vector<Segment> segments;
  std::string verb;  // without the ':'; empty for none
};

// INVALID_ARGUMENT for what the subset does not cover ("**", nested
// templates, empty segments).
absl::StatusOr<PathTemplate> ParsePathTemplate(absl::string_view text);

// A variable's field path and its percent-decoded value.
using PathBindings = std::vector<std::pair<std::string, std::string>>;

// The bindings when `path` (no query, still percent-encoded) matches, else
// nullopt. Without a verb in the template, a path whose last segment holds
// a ':' does not match a variable there: it names a custom method.
std::optional<PathBindings> MatchPath(const PathTemplate& path_template,
                                      absl::string_view path);

// %XX decoding (and '+' as a space when `plus_is_space`, for queries);
// nullopt for a malformed escape.
std::optional<std::string> PercentDecode(absl::string_view text,
                                         bool plus_is_space);

}  // namespace nhs::tobacco::jsonapi

#endif  // GATEWAY_JSONAPI_PATH_TEMPLATE_H_
