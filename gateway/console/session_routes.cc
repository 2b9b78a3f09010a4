#include "gateway/console/session_routes.h"

#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gateway/console/browser_checks.h"
#include "gateway/console/console_site.h"
#include "gateway/domain/practitioner_rules.h"
#include "gateway/jsonapi/json_errors.h"
#include "gateway/pathway/caller.h"
#include "google/protobuf/util/json_util.h"
#include "nhs/tobacco/v1/console.pb.h"

namespace nhs::tobacco::console {
namespace {

// Every answer: never cached (it holds the anti-CSRF token), and the
// console's security headers.
http::Response Headed(http::Response r) {
  r.headers.emplace_back("Cache-Control", "no-store");
  ConsoleSite::AddSecurityHeaders(r);
  return r;
}

// A refusal as the JSON API sends one: google.rpc.Status JSON with the
// HTTP status of its code.
http::Response StatusResponse(const absl::Status& status) {
  http::Response r;
  r.status = jsonapi::HttpStatusOf(status.code());
  r.content_type = "application/json";
  r.body = jsonapi::StatusJson(status);
  return Headed(std::move(r));
}

// __Host-: Secure, Path=/ and no Domain, or the browser drops it. No
// Max-Age: it lasts the browser session; the server ends it sooner.
std::string SetCookie(absl::string_view token) {
  return absl::StrCat(kSessionCookie, "=", token,
                      "; Secure; HttpOnly; SameSite=Strict; Path=/");
}

std::string ClearCookie() {
  return absl::StrCat(kSessionCookie,
                      "=; Secure; HttpOnly; SameSite=Strict; Path=/; "
                      "Max-Age=0");
}

http::Response SessionJson(const pathway::Caller& caller,
                           const ConsoleSession& session) {
  v1::ConsoleSession view;
  view.mutable_organisation()->set_ods_code(caller.principal.ods_code);
  view.mutable_organisation()->set_name(caller.principal.display_name);
  view.set_role(std::string(security::RoleName(caller.principal.role)));
  if (!session.practitioner.empty()) {
    v1::ConsolePractitioner* p = view.mutable_practitioner();
    p->set_register_(session.practitioner.register_code);
    p->set_number(session.practitioner.number);
    p->set_display_name(session.practitioner.display_name);
  }
  view.set_csrf_token(session.csrf_token);
  http::Response response;
  response.content_type = "application/json";
  if (!google::protobuf::util::MessageToJsonString(view, &response.body).ok()) {
    return StatusResponse(absl::InternalError("session not printable"));
  }
  return Headed(std::move(response));
}

absl::StatusOr<v1::ConsolePractitioner> ParseSignIn(
    const http::Request& request) {
  const absl::string_view type = request.header("Content-Type");
  if (!absl::StartsWithIgnoreCase(absl::StripAsciiWhitespace(type),
                                  "application/json")) {
    return absl::InvalidArgumentError(
        "the sign-in body must be application/json");
  }
  v1::ConsolePractitioner form;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto parsed =
      google::protobuf::util::JsonStringToMessage(request.body, &form, options);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the sign-in body is not a ConsolePractitioner: ",
                     parsed.message().as_string()));
  }
  return form;
}

}  // namespace

SessionRoutes::SessionRoutes(api::HttpPrincipalSource& principals,
                             ConsoleSessions& sessions)
    : principals_(principals), sessions_(sessions) {}

void SessionRoutes::Handle(const http::Request& request,
                           http::Responder responder) {
  responder.Send(Answer(request));
}

http::Response SessionRoutes::Answer(const http::Request& request) {
  const std::string& method = request.method;
  if (method != "GET" && method != "POST" && method != "DELETE") {
    http::Response r = StatusResponse(absl::UnimplementedError(
        absl::StrCat(method, " is not allowed on ", kSessionPath)));
    r.status = 405;
    r.headers.emplace_back("Allow", "GET, POST, DELETE");
    return r;
  }
  // Same origin always; POST and DELETE also the session and its token.
  absl::StatusOr<pathway::Caller> caller = principals_.Resolve(request);
  if (!caller.ok()) return StatusResponse(caller.status());
  const std::string fingerprint =
      CertificateFingerprint(request.peer_certificate_pem);
  const absl::string_view token =
      CookieValue(request.header("Cookie"), kSessionCookie);

  if (method == "DELETE") {
    sessions_.Close(token, fingerprint);
    http::Response r;
    r.status = 204;
    r.content_type = "application/json";
    r.headers.emplace_back("Set-Cookie", ClearCookie());
    return Headed(std::move(r));
  }
  if (method == "POST") {
    absl::StatusOr<v1::ConsolePractitioner> form = ParseSignIn(request);
    if (!form.ok()) return StatusResponse(form.status());
    if (absl::Status valid = domain::ValidateSignIn(*form); !valid.ok()) {
      return StatusResponse(valid);
    }
    absl::StatusOr<ConsoleSession> signed_in = sessions_.SignIn(
        token, fingerprint,
        {form->register_(), form->number(), form->display_name()});
    if (!signed_in.ok()) return StatusResponse(signed_in.status());
    return SessionJson(*caller, *signed_in);
  }
  // GET: the browser's session, or a new one bound to its certificate.
  absl::StatusOr<ConsoleSession> session = sessions_.Find(token, fingerprint);
  if (session.ok()) return SessionJson(*caller, *session);
  if (fingerprint.empty()) {
    return StatusResponse(absl::UnauthenticatedError(
        "a console session needs a verified client certificate"));
  }
  ConsoleSessions::Opened opened = sessions_.Open(fingerprint);
  http::Response r = SessionJson(*caller, opened.session);
  r.headers.emplace_back("Set-Cookie", SetCookie(opened.token));
  return r;
}

}  // namespace nhs::tobacco::console
