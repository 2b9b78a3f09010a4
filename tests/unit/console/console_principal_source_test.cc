#include "gateway/console/console_principal_source.h"

#include <string>
#include <vector>

#include "gateway/console/browser_checks.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/dev_certs.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/console/console_test_support.h"

namespace nhs::tobacco::console {
namespace {

using ::nhs::tobacco::testing::DevPem;
using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kHost[] = "localhost:8443";
constexpr char kOrigin[] = "https://localhost:8443";

class ConsolePrincipalSourceTest : public ::testing::Test {
 protected:
  ConsolePrincipalSourceTest()
      : clock_(absl::FromUnixSeconds(1'790'000'000)),
        sessions_({}, clock_),
        source_(certificates_, sessions_, {}) {}

  // A GP's browser request; `session` adds its cookie.
  http::Request Browser(const std::string& method,
                        const std::string& pem_name = "gp-y90001.pem") {
    http::Request r;
    r.method = method;
    r.target = "/v1/prescriptions";
    r.peer_certificate_pem = DevPem(pem_name);
    r.headers = {{"Host", kHost},
                 {"Origin", kOrigin},
                 {"Sec-Fetch-Site", "same-origin"}};
    return r;
  }
  static void WithSession(http::Request& r,
                          const ConsoleSessions::Opened& opened,
                          bool token = true) {
    r.headers.emplace_back("Cookie",
                           std::string(kSessionCookie) + "=" + opened.token);
    if (token) r.headers.emplace_back(kCsrfHeader, opened.session.csrf_token);
  }
  ConsoleSessions::Opened OpenFor(const std::string& pem_name) {
    return sessions_.Open(CertificateFingerprint(DevPem(pem_name)));
  }

  testing::FakeClock clock_;
  CertificateOnly certificates_;
  ConsoleSessions sessions_;
  ConsolePrincipalSource source_;
};

TEST_F(ConsolePrincipalSourceTest, AProgramPassesThroughAsHttp) {
  http::Request r;
  r.method = "POST";
  r.peer_certificate_pem = DevPem("gp-y90001.pem");
  auto caller = source_.Resolve(r);
  ASSERT_THAT(caller, IsOk());
  EXPECT_EQ(caller->adapter, "http");
  EXPECT_EQ(caller->principal.ods_code, "Y90001");
}

TEST_F(ConsolePrincipalSourceTest, NoCertificateIsNobodyEvenWithASession) {
  ConsoleSessions::Opened opened = OpenFor("gp-y90001.pem");
  http::Request r = Browser("GET");
  r.peer_certificate_pem.clear();
  WithSession(r, opened);
  EXPECT_THAT(source_.Resolve(r), StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(ConsolePrincipalSourceTest, ASameOriginReadNeedsNoSession) {
  auto caller = source_.Resolve(Browser("GET"));
  ASSERT_THAT(caller, IsOk());
  EXPECT_EQ(caller->adapter, "console");
  EXPECT_EQ(caller->principal.ods_code, "Y90001");
  EXPECT_TRUE(caller->principal.practitioner.empty());
}

TEST_F(ConsolePrincipalSourceTest, ACrossSiteRequestIsRefusedWhateverItHolds) {
  ConsoleSessions::Opened opened = OpenFor("gp-y90001.pem");
  for (const char* method : {"GET", "POST"}) {
    http::Request r = Browser(method);
    r.headers = {{"Host", kHost},
                 {"Origin", "https://evil.example"},
                 {"Sec-Fetch-Site", "cross-site"}};
    WithSession(r, opened);
    EXPECT_THAT(source_.Resolve(r),
                StatusIs(absl::StatusCode::kPermissionDenied,
                         HasSubstr("same-origin check")))
        << method;
  }
}

TEST_F(ConsolePrincipalSourceTest, AStateChangeNeedsTheSessionsToken) {
  ConsoleSessions::Opened opened = OpenFor("gp-y90001.pem");
  http::Request no_session = Browser("POST");
  EXPECT_THAT(source_.Resolve(no_session),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("anti-CSRF check: no console session")));
  http::Request no_token = Browser("POST");
  WithSession(no_token, opened, /*token=*/false);
  EXPECT_THAT(source_.Resolve(no_token),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("X-CSRF-Token header is missing")));
  http::Request wrong = Browser("DELETE");
  WithSession(wrong, opened, /*token=*/false);
  wrong.headers.emplace_back(kCsrfHeader, "not-the-token");
  EXPECT_THAT(source_.Resolve(wrong),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("not this session's token")));
  http::Request right = Browser("POST");
  WithSession(right, opened);
  auto caller = source_.Resolve(right);
  ASSERT_THAT(caller, IsOk());
  EXPECT_EQ(caller->adapter, "console");
}

TEST_F(ConsolePrincipalSourceTest, ASessionIsUselessWithAnotherCertificate) {
  ConsoleSessions::Opened opened = OpenFor("gp-y90001.pem");
  for (const char* method : {"GET", "POST"}) {
    http::Request r = Browser(method, "gp-y90002.pem");
    WithSession(r, opened);
    EXPECT_THAT(source_.Resolve(r),
                StatusIs(absl::StatusCode::kPermissionDenied,
                         HasSubstr("another client certificate")))
        << method;
  }
}

TEST_F(ConsolePrincipalSourceTest, ThePersonIsTheSessionsAndOnlyThat) {
  ConsoleSessions::Opened opened = OpenFor("gp-y90001.pem");
  ASSERT_THAT(sessions_.SignIn(opened.token,
                               CertificateFingerprint(DevPem("gp-y90001.pem")),
                               {"GMC", "7654321", "Dr Ada Jones"}),
              IsOk());
  http::Request r = Browser("POST");
  WithSession(r, opened);
  auto caller = source_.Resolve(r);
  ASSERT_THAT(caller, IsOk());
  EXPECT_EQ(caller->principal.practitioner.register_code, "GMC");
  EXPECT_EQ(caller->principal.practitioner.number, "7654321");
  EXPECT_EQ(caller->principal.practitioner.display_name, "Dr Ada Jones");
}

TEST_F(ConsolePrincipalSourceTest, ConfiguredOriginsReplaceTheHostHeaders) {
  ConsolePrincipalSource configured(certificates_, sessions_,
                                    {"https://console.example"});
  http::Request own_host = Browser("GET");
  EXPECT_THAT(configured.Resolve(own_host),
              StatusIs(absl::StatusCode::kPermissionDenied));
  http::Request listed = Browser("GET");
  listed.headers = {{"Host", kHost}, {"Origin", "https://console.example"}};
  EXPECT_THAT(configured.Resolve(listed), IsOk());
}

}  // namespace
}  // namespace nhs::tobacco::console
