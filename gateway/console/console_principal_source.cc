#include "gateway/console/console_principal_source.h"

#include <utility>

#include "gateway/common/status_macros.h"
#include "gateway/console/browser_checks.h"

namespace nhs::tobacco::console {

ConsolePrincipalSource::ConsolePrincipalSource(
    api::HttpPrincipalSource& certificates, ConsoleSessions& sessions,
    std::vector<std::string> allowed_origins)
    : certificates_(certificates),
      sessions_(sessions),
      allowed_origins_(std::move(allowed_origins)) {}

absl::StatusOr<pathway::Caller> ConsolePrincipalSource::Resolve(
    const http::Request& request) {
  // The certificate first: without one nobody is anybody.
  ASSIGN_OR_RETURN(pathway::Caller caller, certificates_.Resolve(request));
  if (!IsBrowserRequest(request)) return caller;
  RETURN_IF_ERROR(CheckSameOrigin(request.header("Origin"),
                                  request.header("Sec-Fetch-Site"),
                                  request.header("Host"), allowed_origins_));
  const absl::string_view token =
      CookieValue(request.header("Cookie"), kSessionCookie);
  absl::StatusOr<ConsoleSession> session = sessions_.Find(
      token, CertificateFingerprint(request.peer_certificate_pem));
  if (absl::IsPermissionDenied(session.status())) return session.status();
  if (IsUnsafeMethod(request.method)) {
    if (!session.ok()) {
      return absl::PermissionDeniedError(
          "anti-CSRF check: no console session for this certificate (GET "
          "/console/api/session opens one)");
    }
    RETURN_IF_ERROR(
        CheckCsrfToken(request.header(kCsrfHeader), session->csrf_token));
  }
  pathway::Caller console(std::move(caller.principal),
                          pathway::kConsoleAdapter);
  // Whatever the certificate's source said of a person, a browser's person
  // is its session's or nobody.
  console.principal.practitioner =
      session.ok() ? session->practitioner : security::NamedPractitioner();
  return console;
}

}  // namespace nhs::tobacco::console
