#ifndef GATEWAY_CONSOLE_BROWSER_CHECKS_H_
#define GATEWAY_CONSOLE_BROWSER_CHECKS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "adapters/http/message.h"

namespace nhs::tobacco::console {

// The browser-security rules of the console (issue 13; README "Browser
// security"), as pure functions so each has a unit table. The client
// certificate says which organisation; these say whether a request really
// comes from the console's own pages.

// The session cookie: __Host- makes the browser insist on Secure, Path=/
// and no Domain, so no other host (or subdomain) can set or read it.
inline constexpr absl::string_view kSessionCookie = "__Host-tobacco_session";
// The header a page echoes the session's anti-CSRF token in.
inline constexpr absl::string_view kCsrfHeader = "X-CSRF-Token";

// POST, PUT, PATCH, DELETE and any method not known to be safe: only GET,
// HEAD and OPTIONS change nothing.
bool IsUnsafeMethod(absl::string_view method);

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or empty.
absl::string_view CookieValue(absl::string_view cookie_header,
                              absl::string_view name);

// A browser's request: it carries Origin, Sec-Fetch-Site or the session
// cookie. A program (no such header) is judged by its certificate alone.
bool IsBrowserRequest(const http::Request& request);

// The same-origin check. `origin` (the Origin header, when sent) must be
// one of `allowed_origins`, or, when none are configured, this listener's
// own origin "https://" + `host` (the Host header); "null" never passes.
// `fetch_site` (Sec-Fetch-Site, when sent) must be "same-origin".
// PERMISSION_DENIED naming the check otherwise.
absl::Status CheckSameOrigin(absl::string_view origin,
                             absl::string_view fetch_site,
                             absl::string_view host,
                             absl::Span<const std::string> allowed_origins);

// The anti-CSRF check: `sent` (the X-CSRF-Token header) equals the
// session's token, compared in constant time. PERMISSION_DENIED naming
// the check when missing or wrong.
absl::Status CheckCsrfToken(absl::string_view sent, absl::string_view expected);

}  // namespace nhs::tobacco::console

#endif  // GATEWAY_CONSOLE_BROWSER_CHECKS_H_
