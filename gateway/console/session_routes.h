#ifndef GATEWAY_CONSOLE_SESSION_ROUTES_H_
#define GATEWAY_CONSOLE_SESSION_ROUTES_H_

#include "adapters/http/message.h"
#include "adapters/http/responder.h"
#include "gateway/api/http_principal_source.h"
#include "gateway/console/console_sessions.h"

namespace nhs::tobacco::console {

inline constexpr absl::string_view kSessionPath = "/console/api/session";

// The console's session resource (issue 13), proto JSON of
// v1.ConsoleSession (console.proto):
//   GET    -> who this browser is: organisation and role from its client
//             certificate, the practitioner signed in (absent until then),
//             the anti-CSRF token; opens a session (Set-Cookie) when the
//             browser has none for this certificate;
//   POST   {"register","number","displayName"} -> signs a practitioner in
//             (self-asserted; ValidateSignIn), answers as GET;
//   DELETE -> ends the session and clears the cookie.
// Every call goes through `principals` (ConsolePrincipalSource): POST and
// DELETE are state-changing, so they need the same origin and the
// session's X-CSRF-Token like any other. Thread-safe; never blocks.
class SessionRoutes {
 public:
  // Both outlive this.
  SessionRoutes(api::HttpPrincipalSource& principals,
                ConsoleSessions& sessions);

  // For kSessionPath only; 405 for another method.
  void Handle(const http::Request& request, http::Responder responder);

 private:
  http::Response Answer(const http::Request& request);

  api::HttpPrincipalSource& principals_;
  ConsoleSessions& sessions_;
};

}  // namespace nhs::tobacco::console

#endif  // GATEWAY_CONSOLE_SESSION_ROUTES_H_
