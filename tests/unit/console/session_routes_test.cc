#include "gateway/console/session_routes.h"

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "gateway/console/browser_checks.h"
#include "gateway/console/console_principal_source.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "nhs/tobacco/v1/console.pb.h"
#include "tests/testing/dev_certs.h"
#include "tests/testing/fake_clock.h"
#include "tests/unit/console/console_test_support.h"

namespace nhs::tobacco::console {
namespace {

using ::nhs::tobacco::testing::DevPem;
using ::testing::HasSubstr;

std::string HeaderOf(const http::Response& r, absl::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (absl::EqualsIgnoreCase(n, name)) return v;
  }
  return "";
}

class SessionRoutesTest : public ::testing::Test {
 protected:
  SessionRoutesTest()
      : clock_(absl::FromUnixSeconds(1'790'000'000)),
        sessions_({}, clock_),
        source_(certificates_, sessions_, {}),
        routes_(source_, sessions_) {}

  http::Request Request(const std::string& method, const std::string& body = "",
                        const std::string& pem = "gp-y90001.pem") {
    http::Request r;
    r.method = method;
    r.target = std::string(kSessionPath);
    r.body = body;
    r.peer_certificate_pem = DevPem(pem);
    r.headers = {{"Host", "localhost:8443"},
                 {"Origin", "https://localhost:8443"},
                 {"Sec-Fetch-Site", "same-origin"},
                 {"Content-Type", "application/json"}};
    if (!cookie_.empty()) {
      r.headers.emplace_back("Cookie",
                             std::string(kSessionCookie) + "=" + cookie_);
    }
    if (!csrf_.empty()) r.headers.emplace_back(kCsrfHeader, csrf_);
    return r;
  }
  http::Response Call(http::Request r) {
    auto sink = std::make_shared<Captured>();
    routes_.Handle(std::move(r), http::Responder(sink));
    EXPECT_TRUE(sink->response().has_value());
    return sink->response().value_or(http::Response{});
  }
  // GET, keeping the cookie and token a browser would.
  v1::ConsoleSession Get() {
    http::Response r = Call(Request("GET"));
    EXPECT_EQ(r.status, 200) << r.body;
    const std::string set = HeaderOf(r, "Set-Cookie");
    if (!set.empty()) {
      const std::string prefix = std::string(kSessionCookie) + "=";
      cookie_ = set.substr(prefix.size(), set.find(';') - prefix.size());
    }
    v1::ConsoleSession s;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(r.body, &s).ok());
    csrf_ = s.csrf_token();
    return s;
  }

  testing::FakeClock clock_;
  CertificateOnly certificates_;
  ConsoleSessions sessions_;
  ConsolePrincipalSource source_;
  SessionRoutes routes_;
  std::string cookie_;
  std::string csrf_;
};

TEST_F(SessionRoutesTest, GetOpensAHostOnlySecureSessionOnce) {
  http::Response first = Call(Request("GET"));
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string set = HeaderOf(first, "Set-Cookie");
  EXPECT_TRUE(absl::StartsWith(set, "__Host-tobacco_session=")) << set;
  EXPECT_THAT(set, HasSubstr("; Secure; HttpOnly; SameSite=Strict; Path=/"));
  EXPECT_EQ(HeaderOf(first, "Cache-Control"), "no-store");
  EXPECT_EQ(HeaderOf(first, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(HeaderOf(first, "Referrer-Policy"), "no-referrer");
  EXPECT_THAT(first.body, HasSubstr(R"("organisation":{"odsCode":"Y90001")"));
  EXPECT_THAT(first.body, HasSubstr(R"("role":"gp")"));
  EXPECT_THAT(first.body, HasSubstr(R"("csrfToken":")"));
  EXPECT_THAT(first.body, ::testing::Not(HasSubstr("practitioner")));
  // A browser keeps the cookie: its next GET finds the same session.
  v1::ConsoleSession s = Get();
  const std::string cookie = cookie_;
  http::Response again = Call(Request("GET"));
  EXPECT_EQ(HeaderOf(again, "Set-Cookie"), "");
  EXPECT_THAT(again.body, HasSubstr(s.csrf_token()));
  EXPECT_EQ(cookie_, cookie);
}

TEST_F(SessionRoutesTest, PostSignsInAndTheSessionNamesThePerson) {
  Get();
  http::Response r = Call(Request(
      "POST",
      R"({"register":"GMC","number":"7654321","displayName":"Dr Ada Jones"})"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstr(R"("practitioner":{"register":"GMC",)"
                                R"("number":"7654321",)"
                                R"("displayName":"Dr Ada Jones"})"));
  EXPECT_THAT(Get().practitioner().number(), "7654321");
}

TEST_F(SessionRoutesTest, ABadSignInNamesItsFieldsAndChangesNothing) {
  Get();
  http::Response r = Call(Request(
      "POST", R"({"register":"GMC","number":"12","displayName":"Dr X"})"));
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr(R"("code":3)"));
  EXPECT_THAT(r.body, HasSubstr("type.googleapis.com/google.rpc.BadRequest"));
  EXPECT_THAT(r.body, HasSubstr(R"("field":"number")"));
  http::Response unknown = Call(Request(
      "POST", R"({"register":"GMC","number":"7654321","displayName":"X",)"
              R"("role":"admin"})"));
  EXPECT_EQ(unknown.status, 400);
  http::Request plain = Request("POST", "register=GMC");
  for (auto& [n, v] : plain.headers) {
    if (n == "Content-Type") v = "application/x-www-form-urlencoded";
  }
  EXPECT_EQ(Call(plain).status, 400);
  EXPECT_FALSE(Get().has_practitioner());
}

TEST_F(SessionRoutesTest, PostWithoutTheTokenIsRefused) {
  Get();
  csrf_.clear();
  http::Response r = Call(Request(
      "POST",
      R"({"register":"GMC","number":"7654321","displayName":"Dr Ada"})"));
  EXPECT_EQ(r.status, 403);
  EXPECT_THAT(r.body, HasSubstr("anti-CSRF check"));
}

TEST_F(SessionRoutesTest, DeleteEndsTheSessionAndClearsTheCookie) {
  Get();
  const std::string old_cookie = cookie_;
  http::Response r = Call(Request("DELETE"));
  EXPECT_EQ(r.status, 204);
  EXPECT_THAT(HeaderOf(r, "Set-Cookie"), HasSubstr("Max-Age=0"));
  csrf_.clear();
  Get();  // a new session
  EXPECT_NE(cookie_, old_cookie);
}

TEST_F(SessionRoutesTest, OtherMethodsAre405) {
  http::Response r = Call(Request("PUT"));
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(HeaderOf(r, "Allow"), "GET, POST, DELETE");
}

}  // namespace
}  // namespace nhs::tobacco::console
