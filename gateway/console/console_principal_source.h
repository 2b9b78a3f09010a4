#ifndef GATEWAY_CONSOLE_CONSOLE_PRINCIPAL_SOURCE_H_
#define GATEWAY_CONSOLE_CONSOLE_PRINCIPAL_SOURCE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "adapters/http/message.h"
#include "gateway/api/http_principal_source.h"
#include "gateway/console/console_sessions.h"
#include "gateway/pathway/caller.h"

namespace nhs::tobacco::console {

// The HttpPrincipalSource every request on the HTTPS listener's /v1/ and
// /console/api/ routes goes through (issue 13). It decorates the programs'
// source (`certificates`: the client certificate's organisation and role,
// the per-organisation rate limit, adapter "http"), so the certificate
// decides the organisation for a browser exactly as for a program. A
// browser's request (browser_checks.h: Origin, Sec-Fetch-Site or the
// session cookie) must pass the same-origin check; a state-changing one
// also needs the session and its anti-CSRF token. The person comes from
// the session, the adapter is "console". An NHS CIS2 login would replace
// the session's self-asserted practitioner here; nothing else changes.
// Thread-safe.
class ConsolePrincipalSource : public api::HttpPrincipalSource {
 public:
  // Both outlive this. `allowed_origins`: console.allowed_origins (empty =
  // the Host header's origin).
  ConsolePrincipalSource(api::HttpPrincipalSource& certificates,
                         ConsoleSessions& sessions,
                         std::vector<std::string> allowed_origins);

  absl::StatusOr<pathway::Caller> Resolve(
      const http::Request& request) override;

 private:
  api::HttpPrincipalSource& certificates_;
  ConsoleSessions& sessions_;
  const std::vector<std::string> allowed_origins_;
};

}  // namespace nhs::tobacco::console

#endif  // GATEWAY_CONSOLE_CONSOLE_PRINCIPAL_SOURCE_H_
