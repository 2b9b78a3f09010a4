// The web console's files served over real mutual TLS (the HTTP server the
// gateway's HTTPS listener runs, the development PKI): content types, the
// Content-Security-Policy and other browser-security headers on every
// answer, ETag revalidation, 404 for unknown files, no query strings; and
// the files themselves: no inline script or style for the CSP to refuse,
// no browser storage, no identifier put in a URL.
#include <fstream>
#include <iterator>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "adapters/http/server.h"
#include "gateway/console/console_site.h"
#include "gateway/console/static_assets.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/dev_certs.h"
#include "tests/testing/raw_https_client.h"

namespace nhs::tobacco::console {
namespace {

using ::nhs::tobacco::testing::DevCerts;
using ::nhs::tobacco::testing::TlsTestClient;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kService[] = "service-tds01";

struct Answer {
  int status = -1;
  std::string head;
  std::string body;

  // The value of the first header of that name (case-insensitive).
  std::string Header(absl::string_view name) const {
    for (absl::string_view line : absl::StrSplit(head, "\r\n")) {
      const size_t colon = line.find(':');
      if (colon == absl::string_view::npos) continue;
      if (absl::EqualsIgnoreCase(line.substr(0, colon), name)) {
        return std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
      }
    }
    return "";
  }
};

domain::ReasonCodeList Reasons(
    std::vector<std::pair<std::string, std::string>> codes) {
  std::vector<v1::ReasonCode> list;
  for (auto& [code, display] : codes) {
    v1::ReasonCode reason;
    reason.set_code(code);
    reason.set_display(display);
    list.push_back(reason);
  }
  return domain::ReasonCodeList(std::move(list));
}

class ConsoleServingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ConsoleSiteOptions options;
    options.decline_reasons =
        Reasons({{"CLINICALLY_UNSUITABLE", "Not clinically suitable"}});
    options.not_supplied_reasons = Reasons({{"OUT_OF_STOCK", "Out of stock"}});
    site_ = std::make_unique<ConsoleSite>(std::move(options));
    site_->AddApiRoute("/console/api/session", [](http::Request request,
                                                  http::Responder responder) {
      http::Response response;
      response.body = absl::StrCat("{\"method\":\"", request.method, "\"}");
      responder.Send(std::move(response));
    });
    http::ServerOptions options_http;
    options_http.name = "console";
    options_http.address = "127.0.0.1:0";
    options_http.tls_cert_path = (DevCerts() / "server.pem").string();
    options_http.tls_key_path = (DevCerts() / "server.key").string();
    options_http.client_ca_path = (DevCerts() / "ca.pem").string();
    options_http.error_page = ConsoleSite::ErrorPage;
    auto server = http::Server::Start(
        options_http,
        [site = site_.get()](http::Request request, http::Responder responder) {
          site->Handle(std::move(request), std::move(responder));
        });
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }

  Answer Exchange(absl::string_view method, absl::string_view target,
                  absl::string_view extra_headers = "") {
    TlsTestClient client(server_->port(), kService);
    EXPECT_TRUE(client.ok()) << client.error();
    client.Write(absl::StrCat(method, " ", target,
                              " HTTP/1.1\r\nHost: 127.0.0.1\r\n", extra_headers,
                              "Content-Length: 0\r\n\r\n"));
    Answer answer;
    answer.status =
        client.ReadStatus(absl::Seconds(10), &answer.body, &answer.head);
    return answer;
  }

  Answer Get(absl::string_view target, absl::string_view extra = "") {
    return Exchange("GET", target, extra);
  }

  void ExpectBrowserSecurityHeaders(const Answer& answer) {
    const std::string csp = answer.Header("Content-Security-Policy");
    EXPECT_THAT(csp, HasSubstr("default-src 'none'"));
    EXPECT_THAT(csp, HasSubstr("script-src 'self'"));
    EXPECT_THAT(csp, HasSubstr("style-src 'self'"));
    EXPECT_THAT(csp, HasSubstr("connect-src 'self'"));
    EXPECT_THAT(csp, HasSubstr("frame-ancestors 'none'"));
    EXPECT_THAT(csp, Not(HasSubstr("unsafe-inline")));
    EXPECT_THAT(csp, Not(HasSubstr("unsafe-eval")));
    EXPECT_EQ(answer.Header("X-Frame-Options"), "DENY");
    EXPECT_EQ(answer.Header("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(answer.Header("Referrer-Policy"), "no-referrer");
  }

  std::unique_ptr<ConsoleSite> site_;
  std::unique_ptr<http::Server> server_;
};

TEST_F(ConsoleServingTest, StartPageIsUnstoredHtmlWithStrictPolicy) {
  const Answer answer = Get("/console/");
  ASSERT_EQ(answer.status, 200) << answer.head;
  EXPECT_EQ(answer.Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(answer.Header("Cache-Control"), "no-store");
  EXPECT_FALSE(answer.Header("ETag").empty());
  EXPECT_THAT(answer.body, HasSubstr("<!DOCTYPE html>"));
  ExpectBrowserSecurityHeaders(answer);
}

TEST_F(ConsoleServingTest, EveryCompiledInFileIsServedWithItsContentType) {
  ASSERT_GT(StaticAssets().size(), 10u);
  for (const StaticAsset& asset : StaticAssets()) {
    SCOPED_TRACE(std::string(asset.path));
    const Answer answer = Get(asset.path);
    ASSERT_EQ(answer.status, 200) << answer.head;
    EXPECT_EQ(answer.Header("Content-Type"), asset.content_type);
    EXPECT_EQ(answer.Header("ETag"), asset.etag);
    EXPECT_EQ(answer.body, asset.body);
    ExpectBrowserSecurityHeaders(answer);
  }
}

TEST_F(ConsoleServingTest, DesignSystemIsBundledFromThePinnedPackage) {
  const Answer css = Get("/console/nhsuk/nhsuk-frontend.min.css");
  ASSERT_EQ(css.status, 200);
  EXPECT_EQ(css.Header("Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(css.Header("Cache-Control"), "no-cache");
  // Images point into the console; nothing is fetched from another origin.
  EXPECT_THAT(css.body, HasSubstr("url(/console/assets/images/"));
  EXPECT_THAT(css.body, Not(HasSubstr("url(/assets/")));
  EXPECT_THAT(css.body, Not(HasSubstr("https://")));
  const Answer js = Get("/console/nhsuk/nhsuk-frontend.min.js");
  ASSERT_EQ(js.status, 200);
  EXPECT_EQ(js.Header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_THAT(js.body, HasSubstr("initAll"));
}

// The reports page's chart library (issue 14): the self-contained build of
// the chart.js version console/package-lock.json pins, without its source
// map line (nothing more is fetched).
TEST_F(ConsoleServingTest, ChartLibraryIsBundledFromThePinnedPackage) {
  std::ifstream lock_file(std::string(TOBACCO_SOURCE_DIR) +
                          "/console/package-lock.json");
  ASSERT_TRUE(lock_file.good());
  const std::string lock((std::istreambuf_iterator<char>(lock_file)),
                         std::istreambuf_iterator<char>());
  std::smatch pinned;
  ASSERT_TRUE(std::regex_search(
      lock, pinned,
      std::regex(
          "\"node_modules/chart\\.js\": \\{\\s*\"version\": \"([^\"]+)\"")));
  const Answer js = Get("/console/chartjs/chart.umd.min.js");
  ASSERT_EQ(js.status, 200);
  EXPECT_EQ(js.Header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(js.Header("Cache-Control"), "no-cache");
  EXPECT_THAT(js.body, HasSubstr(absl::StrCat("Chart.js v", pinned[1].str())));
  EXPECT_THAT(js.body, Not(HasSubstr("sourceMappingURL")));
  EXPECT_THAT(js.body, Not(HasSubstr("new Function")));
  const Answer page = Get("/console/reports.html");
  ASSERT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr("src=\"/console/reports.js\""));
}

TEST_F(ConsoleServingTest, MatchingETagIsAnsweredNotModifiedWithoutBody) {
  const Answer first = Get("/console/console.css");
  ASSERT_EQ(first.status, 200);
  const std::string etag = first.Header("ETag");
  ASSERT_FALSE(etag.empty());
  const Answer again = Get("/console/console.css",
                           absl::StrCat("If-None-Match: ", etag, "\r\n"));
  EXPECT_EQ(again.status, 304) << again.head;
  EXPECT_EQ(again.body, "");
  EXPECT_EQ(again.Header("ETag"), etag);
  ExpectBrowserSecurityHeaders(again);
  const Answer stale =
      Get("/console/console.css", "If-None-Match: \"not-this-one\"\r\n");
  EXPECT_EQ(stale.status, 200);
  EXPECT_EQ(stale.body, first.body);
}

TEST_F(ConsoleServingTest, UnknownFileIsHtml404WithTheSameHeaders) {
  for (const char* path : {"/console/no-such-page.html", "/console/../etc",
                           "/console/nhsuk/", "/console/src/index.html"}) {
    SCOPED_TRACE(path);
    const Answer answer = Get(path);
    EXPECT_EQ(answer.status, 404) << answer.head;
    EXPECT_EQ(answer.Header("Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(answer.Header("Cache-Control"), "no-store");
    ExpectBrowserSecurityHeaders(answer);
  }
}

TEST_F(ConsoleServingTest, PagesAreReadOnlyWithGet) {
  const Answer answer = Exchange("POST", "/console/index.html");
  EXPECT_EQ(answer.status, 405);
  EXPECT_EQ(answer.Header("Allow"), "GET");
  ExpectBrowserSecurityHeaders(answer);
}

TEST_F(ConsoleServingTest, QueryStringIsRefusedSoNoIdentifierRidesInAUrl) {
  const Answer answer = Get("/console/service.html?nhs_number=9434765919");
  EXPECT_EQ(answer.status, 400);
  EXPECT_THAT(answer.body, Not(HasSubstr("9434765919")));
  ExpectBrowserSecurityHeaders(answer);
}

TEST_F(ConsoleServingTest, BareConsolePathRedirectsToTheStartPage) {
  const Answer answer = Get("/console");
  EXPECT_EQ(answer.status, 301);
  EXPECT_EQ(answer.Header("Location"), "/console/");
}

TEST_F(ConsoleServingTest, ReasonListsAreTheConfiguredOnesAsUnstoredJson) {
  const Answer answer = Get("/console/api/reasons");
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.Header("Content-Type"), "application/json");
  EXPECT_EQ(answer.Header("Cache-Control"), "no-store");
  EXPECT_THAT(
      answer.body,
      HasSubstr("\"declineReasons\":[{\"code\":\"CLINICALLY_UNSUITABLE\""
                ",\"display\":\"Not clinically suitable\"}]"));
  EXPECT_THAT(answer.body, HasSubstr("\"notSuppliedReasons\":[{\"code\":"
                                     "\"OUT_OF_STOCK\""));
  ExpectBrowserSecurityHeaders(answer);
  EXPECT_EQ(Exchange("DELETE", "/console/api/reasons").status, 405);
}

TEST_F(ConsoleServingTest, AddedApiRouteAnswersEveryMethodAndOthersAre404) {
  const Answer session = Exchange("POST", "/console/api/session");
  EXPECT_EQ(session.status, 200);
  EXPECT_EQ(session.body, "{\"method\":\"POST\"}");
  const Answer unknown = Get("/console/api/nothing");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.Header("Content-Type"), "application/json");
  EXPECT_THAT(unknown.body, HasSubstr("\"code\":5"));
}

TEST_F(ConsoleServingTest, ServerMadeErrorsUseTheConsoleErrorPage) {
  TlsTestClient client(server_->port(), kService);
  ASSERT_TRUE(client.ok());
  client.Write(
      "GET /console/ HTTP/1.1\r\nHost: x\r\nContent-Length: zz\r\n\r\n");
  std::string body, head;
  EXPECT_EQ(client.ReadStatus(absl::Seconds(10), &body, &head), 400);
  EXPECT_THAT(head, HasSubstr("Content-Security-Policy: default-src 'none'"));
  EXPECT_THAT(body, HasSubstr("<!DOCTYPE html>"));
}

// The files themselves, as compiled in.
std::vector<const StaticAsset*> Ours(absl::string_view extension) {
  std::vector<const StaticAsset*> ours;
  for (const StaticAsset& asset : StaticAssets()) {
    if (absl::StartsWith(asset.path, "/console/nhsuk/") ||
        absl::StartsWith(asset.path, "/console/assets/")) {
      continue;
    }
    if (absl::EndsWith(asset.path, extension)) ours.push_back(&asset);
  }
  return ours;
}

TEST(ConsolePages, HaveNoInlineScriptStyleOrEventHandlers) {
  const std::regex inline_script("<script(?![^>]*\\ssrc=)[^>]*>",
                                 std::regex::icase);
  const std::regex handler_attribute("\\son[a-z]+\\s*=", std::regex::icase);
  ASSERT_GE(Ours(".html").size(), 5u);
  for (const StaticAsset* page : Ours(".html")) {
    SCOPED_TRACE(std::string(page->path));
    const std::string html(page->body);
    EXPECT_FALSE(std::regex_search(html, inline_script));
    EXPECT_FALSE(std::regex_search(html, handler_attribute));
    EXPECT_THAT(html, Not(HasSubstr("<style")));
    EXPECT_THAT(html, Not(HasSubstr(" style=")));
    EXPECT_THAT(html, Not(HasSubstr("javascript:")));
    EXPECT_THAT(html, Not(HasSubstr("http://")));
    EXPECT_THAT(html, Not(HasSubstr("https://")));
    EXPECT_THAT(html, HasSubstr("<html lang=\"en\""));
  }
}

TEST(ConsoleScripts, KeepNothingInBrowserStorageAndBuildNoUrlFromPatientData) {
  ASSERT_GE(Ours(".js").size(), 3u);
  for (const StaticAsset* script : Ours(".js")) {
    SCOPED_TRACE(std::string(script->path));
    const std::string js(script->body);
    EXPECT_THAT(js, Not(HasSubstr("localStorage")));
    EXPECT_THAT(js, Not(HasSubstr("sessionStorage")));
    EXPECT_THAT(js, Not(HasSubstr("indexedDB")));
    EXPECT_THAT(js, Not(HasSubstr("document.cookie")));
    EXPECT_THAT(js, Not(HasSubstr("innerHTML")));  // text only: no injection
    EXPECT_THAT(js, Not(HasSubstr("eval(")));
    // Whatever goes in a URL, a title or the history is built from record
    // ids, never from the patient.
    for (absl::string_view line : absl::StrSplit(js, '\n')) {
      const bool into_url = absl::StrContains(line, "fetch(") ||
                            absl::StrContains(line, "location") ||
                            absl::StrContains(line, "history.") ||
                            absl::StrContains(line, "document.title") ||
                            absl::StrContains(line, "EventSource(");
      if (!into_url) continue;
      EXPECT_THAT(line, Not(HasSubstr("patient"))) << line;
      EXPECT_THAT(line, Not(HasSubstr("nhsNumber"))) << line;
    }
  }
}

}  // namespace
}  // namespace nhs::tobacco::console
