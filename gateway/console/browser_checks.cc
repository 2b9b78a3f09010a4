#include "gateway/console/browser_checks.h"

#include <openssl/crypto.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace nhs::tobacco::console {

bool IsUnsafeMethod(absl::string_view method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

absl::string_view CookieValue(absl::string_view cookie_header,
                              absl::string_view name) {
  for (absl::string_view pair : absl::StrSplit(cookie_header, ';')) {
    pair = absl::StripAsciiWhitespace(pair);
    if (absl::ConsumePrefix(&pair, name) && absl::ConsumePrefix(&pair, "=")) {
      return pair;
    }
  }
  return {};
}

bool IsBrowserRequest(const http::Request& request) {
  return !request.header("Origin").empty() ||
         !request.header("Sec-Fetch-Site").empty() ||
         !CookieValue(request.header("Cookie"), kSessionCookie).empty();
}

absl::Status CheckSameOrigin(absl::string_view origin,
                             absl::string_view fetch_site,
                             absl::string_view host,
                             absl::Span<const std::string> allowed_origins) {
  if (!fetch_site.empty() && fetch_site != "same-origin") {
    return absl::PermissionDeniedError(absl::StrCat(
        "same-origin check: the browser says this request comes from a ",
        fetch_site, " page (Sec-Fetch-Site), not from the console"));
  }
  if (origin.empty()) return absl::OkStatus();
  bool allowed = false;
  if (allowed_origins.empty()) {
    allowed = !host.empty() &&
              absl::EqualsIgnoreCase(origin, absl::StrCat("https://", host));
  } else {
    for (const std::string& o : allowed_origins) {
      if (absl::EqualsIgnoreCase(origin, o)) allowed = true;
    }
  }
  if (!allowed) {
    // The origin is the attacker's page, not patient data: naming it helps
    // the operator see what was refused.
    return absl::PermissionDeniedError(
        absl::StrCat("same-origin check: Origin ", origin.substr(0, 200),
                     " is not the console's origin"));
  }
  return absl::OkStatus();
}

absl::Status CheckCsrfToken(absl::string_view sent,
                            absl::string_view expected) {
  if (sent.empty()) {
    return absl::PermissionDeniedError(
        "anti-CSRF check: the X-CSRF-Token header is missing (the console "
        "sends its session's token; GET /console/api/session gives it)");
  }
  if (expected.empty() || sent.size() != expected.size() ||
      CRYPTO_memcmp(sent.data(), expected.data(), sent.size()) != 0) {
    return absl::PermissionDeniedError(
        "anti-CSRF check: the X-CSRF-Token header is not this session's "
        "token");
  }
  return absl::OkStatus();
}

}  // namespace nhs::tobacco::console
