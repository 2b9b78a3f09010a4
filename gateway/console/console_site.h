#ifndef GATEWAY_CONSOLE_CONSOLE_SITE_H_
#define GATEWAY_CONSOLE_CONSOLE_SITE_H_

#include <string>
#include <vector>

#include "absl/types/span.h"
#include "adapters/http/message.h"
#include "adapters/http/responder.h"
#include "gateway/console/static_assets.h"
#include "gateway/domain/reason_codes.h"

namespace nhs::tobacco::console {

// What the console's pages read besides the /v1 API: the configured reason
// lists, so a GP declines and a pharmacy records "not supplied" by choosing
// from the very codes the pathway accepts.
struct ConsoleSiteOptions {
  domain::ReasonCodeList decline_reasons;
  domain::ReasonCodeList not_supplied_reasons;
};

// The web console under /console/ (the HTTPS listener's /console/ mount):
// the compiled-in files (static_assets.h) with GET only, ETag and 304, and
// every answer (errors too) with the browser-security headers: a strict
// Content-Security-Policy (scripts, styles, images and connections from
// this origin only; no inline script or style; no framing), nosniff,
// no-referrer. Pages hold no patient data (they fetch it from /v1, which
// is never cached) and take no query string, so no identifier can ride in
// a console URL. JSON routes under /console/api/ are exact paths: the
// reason lists here, the session (identity) added with AddApiRoute.
// Built before the server starts, then read-only and thread-safe.
class ConsoleSite {
 public:
  explicit ConsoleSite(ConsoleSiteOptions options,
                       absl::Span<const StaticAsset> assets = StaticAssets());

  // A JSON route under /console/api/ (e.g. "/console/api/session") answered
  // by `handler` for every method (it adds AddSecurityHeaders to its
  // answers: the responder is passed through untouched).
  void AddApiRoute(std::string path, http::Handler handler);

  void Handle(http::Request request, http::Responder responder) const;

  // The HTML error page for the /console/ mount (the server's own 400,
  // 408, 413, 431, 503 and this site's 404/405).
  static http::Response ErrorPage(int status, const std::string& why);

  // The headers every /console/ answer carries.
  static void AddSecurityHeaders(http::Response& response);

 private:
  struct ApiRoute {
    std::string path;
    http::Handler handler;
  };
  const StaticAsset* Find(absl::string_view path) const;
  http::Response Reasons() const;

  ConsoleSiteOptions options_;
  absl::Span<const StaticAsset> assets_;
  std::vector<ApiRoute> api_routes_;
};

}  // namespace nhs::tobacco::console

#endif  // GATEWAY_CONSOLE_CONSOLE_SITE_H_
