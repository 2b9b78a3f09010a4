#include "adapters/http/message.h"

#include "absl/strings/match.h"

namespace nhs::tobacco::http {

absl::string_view Request::path() const {
  const absl::string_view t = target;
  return t.substr(0, t.find('?'));
}

absl::string_view Request::header(absl::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, name)) return value;
  }
  return {};
}

}  // namespace nhs::tobacco::http
