#include "gateway/console/console_site.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace nhs::tobacco::console {
namespace {

// Everything from this origin only; nothing inline (no 'unsafe-inline', no
// nonces: the pages have no inline script or style at all), no plugins, no
// framing, forms post nowhere else.
constexpr char kContentSecurityPolicy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self'; font-src 'self'; connect-src 'self'; "
    "manifest-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'";

constexpr char kApiPrefix[] = "/console/api/";

std::string HtmlEscape(absl::string_view text) {
  return absl::StrReplaceAll(text, {{"&", "&amp;"},
                                    {"<", "&lt;"},
                                    {">", "&gt;"},
                                    {"\"", "&quot;"},
                                    {"'", "&#39;"}});
}

http::Response JsonError(int status, int code, absl::string_view message) {
  google::protobuf::Struct error;
  (*error.mutable_fields())["code"].set_number_value(code);
  (*error.mutable_fields())["message"].set_string_value(std::string(message));
  http::Response response;
  response.status = status;
  response.content_type = "application/json";
  (void)google::protobuf::util::MessageToJsonString(error, &response.body);
  response.headers.emplace_back("Cache-Control", "no-store");
  ConsoleSite::AddSecurityHeaders(response);
  return response;
}

// A JSON string literal, escaped by protobuf's printer.
std::string JsonString(const std::string& text) {
  google::protobuf::Value value;
  value.set_string_value(text);
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(value, &json);
  return json;
}

// [{"code":..,"display":..},...] in the configured order (a Struct would
// print its keys in no fixed order).
std::string ReasonList(const domain::ReasonCodeList& list) {
  std::string json = "[";
  for (const auto& reason : list.codes()) {
    if (json.size() > 1) json += ",";
    absl::StrAppend(&json, "{\"code\":", JsonString(reason.code()),
                    ",\"display\":", JsonString(reason.display()), "}");
  }
  return json + "]";
}

}  // namespace

ConsoleSite::ConsoleSite(ConsoleSiteOptions options,
                         absl::Span<const StaticAsset> assets)
    : options_(std::move(options)), assets_(assets) {}

void ConsoleSite::AddApiRoute(std::string path, http::Handler handler) {
  api_routes_.push_back({std::move(path), std::move(handler)});
}

void ConsoleSite::AddSecurityHeaders(http::Response& response) {
  auto& h = response.headers;
  h.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
  h.emplace_back("X-Frame-Options", "DENY");
  h.emplace_back("X-Content-Type-Options", "nosniff");
  h.emplace_back("Referrer-Policy", "no-referrer");
  h.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
  h.emplace_back("Cross-Origin-Resource-Policy", "same-origin");
  h.emplace_back("Permissions-Policy",
                 "camera=(), microphone=(), geolocation=(), payment=()");
  h.emplace_back("Strict-Transport-Security", "max-age=31536000");
}

http::Response ConsoleSite::ErrorPage(int status, const std::string& why) {
  http::Response response;
  response.status = status;
  response.content_type = "text/html; charset=utf-8";
  // The design system's stylesheet only: an error page has no script.
  response.body = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<title>Error ",
      status,
      " - Tobacco dependency gateway</title>"
      "<link rel=\"stylesheet\" href=\"/console/nhsuk/nhsuk-frontend.min.css\">"
      "</head><body><main class=\"nhsuk-main-wrapper\" id=\"maincontent\">"
      "<div class=\"nhsuk-width-container\"><h1>",
      HtmlEscape(why),
      "</h1><p><a href=\"/console/\">Go to the console's start page</a></p>"
      "</div></main></body></html>\n");
  response.headers.emplace_back("Cache-Control", "no-store");
  AddSecurityHeaders(response);
  return response;
}

const StaticAsset* ConsoleSite::Find(absl::string_view path) const {
  if (path == "/console/") path = "/console/index.html";
  for (const StaticAsset& asset : assets_) {
    if (asset.path == path) return &asset;
  }
  return nullptr;
}

http::Response ConsoleSite::Reasons() const {
  http::Response response;
  response.content_type = "application/json";
  response.body = absl::StrCat(
      "{\"declineReasons\":", ReasonList(options_.decline_reasons),
      ",\"notSuppliedReasons\":", ReasonList(options_.not_supplied_reasons),
      "}");
  response.headers.emplace_back("Cache-Control", "no-store");
  AddSecurityHeaders(response);
  return response;
}

void ConsoleSite::Handle(http::Request request,
                         http::Responder responder) const {
  const std::string path(request.path());
  if (absl::StartsWith(path, kApiPrefix)) {
    for (const ApiRoute& route : api_routes_) {
      if (route.path == path) {
        route.handler(std::move(request), std::move(responder));
        return;
      }
    }
    if (path == "/console/api/reasons") {
      if (request.method != "GET") {
        http::Response refused = JsonError(405, 12, "use GET");
        refused.headers.emplace_back("Allow", "GET");
        responder.Send(std::move(refused));
        return;
      }
      responder.Send(Reasons());
      return;
    }
    responder.Send(JsonError(404, 5, absl::StrCat("no console route ", path)));
    return;
  }
  if (path == "/console") {
    http::Response moved = ErrorPage(301, "The console is at /console/");
    moved.headers.emplace_back("Location", "/console/");
    responder.Send(std::move(moved));
    return;
  }
  if (request.method != "GET") {
    http::Response refused =
        ErrorPage(405, "The console's pages are read with GET only");
    refused.headers.emplace_back("Allow", "GET");
    responder.Send(std::move(refused));
    return;
  }
  // No state, and so no identifier, ever travels in a console URL: the
  // pages keep what they show in memory.
  if (request.target.find('?') != std::string::npos) {
    responder.Send(ErrorPage(
        400, "The console takes no query string: nothing goes in its URLs"));
    return;
  }
  const StaticAsset* asset = Find(path);
  if (asset == nullptr) {
    responder.Send(ErrorPage(404, "There is no such page in the console"));
    return;
  }
  http::Response response;
  response.headers.emplace_back("ETag", std::string(asset->etag));
  // Pages revalidate on every load (an upgraded gateway serves new files at
  // once); HTML is not stored at all, so a shared computer keeps nothing.
  response.headers.emplace_back(
      "Cache-Control", absl::StartsWith(asset->content_type, "text/html")
                           ? "no-store"
                           : "no-cache");
  AddSecurityHeaders(response);
  response.content_type = std::string(asset->content_type);
  if (request.header("If-None-Match") == asset->etag) {
    response.status = 304;
  } else {
    response.body = std::string(asset->body);
  }
  responder.Send(std::move(response));
}

}  // namespace nhs::tobacco::console
