#include "gateway/console/browser_checks.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::console {
namespace {

using ::nhs::tobacco::testing::StatusIs;
using ::testing::HasSubstr;

TEST(IsUnsafeMethodTest, OnlyGetHeadAndOptionsAreSafe) {
  for (const char* m : {"GET", "HEAD", "OPTIONS"}) {
    EXPECT_FALSE(IsUnsafeMethod(m)) << m;
  }
  for (const char* m : {"POST", "PUT", "PATCH", "DELETE", "PROPFIND", "get"}) {
    EXPECT_TRUE(IsUnsafeMethod(m)) << m;
  }
}

TEST(CookieValueTest, FindsTheNamedCookieOnly) {
  struct Case {
    std::string header;
    std::string value;
  };
  const std::vector<Case> cases = {
      {"__Host-tobacco_session=abc", "abc"},
      {"a=1; __Host-tobacco_session=abc; b=2", "abc"},
      {"a=1;__Host-tobacco_session=abc", "abc"},
      {"x__Host-tobacco_session=abc", ""},
      {"__Host-tobacco_sessionX=abc", ""},
      {"tobacco_session=abc", ""},
      {"", ""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(CookieValue(c.header, kSessionCookie), c.value) << c.header;
  }
}

TEST(IsBrowserRequestTest, AnyBrowserSignMakesItABrowsersRequest) {
  http::Request program;
  EXPECT_FALSE(IsBrowserRequest(program));
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, std::string>>{
           {"Origin", "https://localhost:8443"},
           {"Sec-Fetch-Site", "same-origin"},
           {"Cookie", "__Host-tobacco_session=abc"}}) {
    http::Request r;
    r.headers.emplace_back(name, value);
    EXPECT_TRUE(IsBrowserRequest(r)) << name;
  }
  http::Request other_cookie;
  other_cookie.headers.emplace_back("Cookie", "theme=dark");
  EXPECT_FALSE(IsBrowserRequest(other_cookie));
}

struct OriginCase {
  std::string origin;
  std::string fetch_site;
  std::string host;
  std::vector<std::string> allowed;
  bool ok;
};

TEST(CheckSameOriginTest, FollowsTheTable) {
  const std::vector<OriginCase> cases = {
      // The Host header's own origin.
      {"https://localhost:8443", "same-origin", "localhost:8443", {}, true},
      {"https://LOCALHOST:8443", "", "localhost:8443", {}, true},
      {"", "same-origin", "localhost:8443", {}, true},
      {"", "", "localhost:8443", {}, true},
      {"https://evil.example", "cross-site", "localhost:8443", {}, false},
      {"https://evil.example", "", "localhost:8443", {}, false},
      {"", "cross-site", "localhost:8443", {}, false},
      {"", "same-site", "localhost:8443", {}, false},
      {"", "none", "localhost:8443", {}, false},
      {"http://localhost:8443", "", "localhost:8443", {}, false},
      {"https://localhost:8444", "", "localhost:8443", {}, false},
      {"null", "", "localhost:8443", {}, false},
      {"https://localhost:8443", "", "", {}, false},
      // Configured origins replace the Host header's.
      {"https://console.example",
       "",
       "localhost:8443",
       {"https://console.example"},
       true},
      {"https://localhost:8443",
       "",
       "localhost:8443",
       {"https://console.example"},
       false},
      {"https://evil.example",
       "",
       "evil.example",
       {"https://console.example"},
       false},
  };
  for (const OriginCase& c : cases) {
    const absl::Status s =
        CheckSameOrigin(c.origin, c.fetch_site, c.host, c.allowed);
    EXPECT_EQ(s.ok(), c.ok)
        << c.origin << " / " << c.fetch_site << " / " << c.host;
    if (!c.ok) {
      EXPECT_THAT(s, StatusIs(absl::StatusCode::kPermissionDenied,
                              HasSubstr("same-origin check")));
    }
  }
}

TEST(CheckCsrfTokenTest, OnlyTheSessionsTokenPasses) {
  EXPECT_TRUE(CheckCsrfToken("tok-123", "tok-123").ok());
  EXPECT_THAT(CheckCsrfToken("", "tok-123"),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("anti-CSRF check: the X-CSRF-Token header "
                                 "is missing")));
  for (const char* wrong : {"tok-124", "tok-12", "tok-1234", "TOK-123"}) {
    EXPECT_THAT(CheckCsrfToken(wrong, "tok-123"),
                StatusIs(absl::StatusCode::kPermissionDenied,
                         HasSubstr("not this session's token")))
        << wrong;
  }
  EXPECT_FALSE(CheckCsrfToken("x", "").ok());
}

}  // namespace
}  // namespace nhs::tobacco::console
