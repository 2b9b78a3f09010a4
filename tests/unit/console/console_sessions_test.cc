#include "gateway/console/console_sessions.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/dev_certs.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::console {
namespace {

using ::nhs::tobacco::testing::DevPem;
using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;

class ConsoleSessionsTest : public ::testing::Test {
 protected:
  ConsoleSessionsTest()
      : clock_(absl::FromUnixSeconds(1'790'000'000)),
        sessions_({absl::Minutes(15), absl::Hours(12), 3}, clock_) {}
  testing::FakeClock clock_;
  ConsoleSessions sessions_;
};

TEST(CertificateFingerprintTest, IsTheSha256OfTheCertificate) {
  const std::string gp = CertificateFingerprint(DevPem("gp-y90001.pem"));
  EXPECT_EQ(gp.size(), 64u);
  EXPECT_EQ(gp, CertificateFingerprint(DevPem("gp-y90001.pem")));
  EXPECT_NE(gp, CertificateFingerprint(DevPem("gp-y90002.pem")));
  EXPECT_EQ(CertificateFingerprint(""), "");
  EXPECT_EQ(CertificateFingerprint("-----BEGIN CERTIFICATE-----\nnope\n"), "");
}

TEST_F(ConsoleSessionsTest, AnOpenedSessionIsFoundWithItsCertificate) {
  ConsoleSessions::Opened opened = sessions_.Open("fp-a");
  EXPECT_GE(opened.token.size(), 43u);  // 256 bits, base64
  EXPECT_GE(opened.session.csrf_token.size(), 43u);
  EXPECT_NE(opened.token, opened.session.csrf_token);
  auto found = sessions_.Find(opened.token, "fp-a");
  ASSERT_THAT(found, IsOk());
  EXPECT_EQ(found->csrf_token, opened.session.csrf_token);
  EXPECT_TRUE(found->practitioner.empty());
}

TEST_F(ConsoleSessionsTest, TokensAreNeverReused) {
  ConsoleSessions::Opened a = sessions_.Open("fp-a");
  ConsoleSessions::Opened b = sessions_.Open("fp-a");
  EXPECT_NE(a.token, b.token);
  EXPECT_NE(a.session.csrf_token, b.session.csrf_token);
}

TEST_F(ConsoleSessionsTest, AnotherCertificateCannotUseTheSession) {
  ConsoleSessions::Opened opened = sessions_.Open("fp-a");
  EXPECT_THAT(sessions_.Find(opened.token, "fp-b"),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(sessions_.Find(opened.token, ""),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(sessions_.SignIn(opened.token, "fp-b", {"GMC", "1", "X"}),
              StatusIs(absl::StatusCode::kPermissionDenied));
  sessions_.Close(opened.token, "fp-b");
  EXPECT_THAT(sessions_.Find(opened.token, "fp-a"), IsOk());
}

TEST_F(ConsoleSessionsTest, UnknownTokensAreNotFound) {
  sessions_.Open("fp-a");
  EXPECT_THAT(sessions_.Find("made-up", "fp-a"),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(sessions_.Find("", "fp-a"),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ConsoleSessionsTest, AnIdleSessionExpiresAndUseKeepsItAlive) {
  ConsoleSessions::Opened opened = sessions_.Open("fp-a");
  clock_.Advance(absl::Minutes(14));
  EXPECT_THAT(sessions_.Find(opened.token, "fp-a"), IsOk());
  clock_.Advance(absl::Minutes(14));
  EXPECT_THAT(sessions_.Find(opened.token, "fp-a"), IsOk());
  clock_.Advance(absl::Minutes(15));
  EXPECT_THAT(sessions_.Find(opened.token, "fp-a"),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ConsoleSessionsTest, ABusySessionEndsAtItsMaximumAge) {
  ConsoleSessions::Opened opened = sessions_.Open("fp-a");
  for (int i = 0; i < 12 * 6 - 1; ++i) {
    clock_.Advance(absl::Minutes(10));
    ASSERT_THAT(sessions_.Find(opened.token, "fp-a"), IsOk()) << i;
  }
  clock_.Advance(absl::Minutes(10));
  EXPECT_THAT(sessions_.Find(opened.token, "fp-a"),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ConsoleSessionsTest, SignInNamesThePersonUntilClosed) {
  ConsoleSessions::Opened opened = sessions_.Open("fp-a");
  auto signed_in =
      sessions_.SignIn(opened.token, "fp-a", {"GMC", "7654321", "Dr Ada"});
  ASSERT_THAT(signed_in, IsOk());
  EXPECT_EQ(signed_in->practitioner.number, "7654321");
  EXPECT_EQ(signed_in->csrf_token, opened.session.csrf_token);
  auto found = sessions_.Find(opened.token, "fp-a");
  ASSERT_THAT(found, IsOk());
  EXPECT_EQ(found->practitioner.register_code, "GMC");
  EXPECT_EQ(found->practitioner.display_name, "Dr Ada");
  sessions_.Close(opened.token, "fp-a");
  EXPECT_THAT(sessions_.Find(opened.token, "fp-a"),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ConsoleSessionsTest, AFullTableDropsTheLeastRecentlyUsed) {
  ConsoleSessions::Opened a = sessions_.Open("fp-a");
  clock_.Advance(absl::Seconds(1));
  ConsoleSessions::Opened b = sessions_.Open("fp-b");
  clock_.Advance(absl::Seconds(1));
  ConsoleSessions::Opened c = sessions_.Open("fp-c");
  clock_.Advance(absl::Seconds(1));
  ASSERT_THAT(sessions_.Find(a.token, "fp-a"), IsOk());  // b is now oldest
  ConsoleSessions::Opened d = sessions_.Open("fp-d");
  EXPECT_EQ(sessions_.size(), 3u);
  EXPECT_THAT(sessions_.Find(b.token, "fp-b"),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(sessions_.Find(a.token, "fp-a"), IsOk());
  EXPECT_THAT(sessions_.Find(c.token, "fp-c"), IsOk());
  EXPECT_THAT(sessions_.Find(d.token, "fp-d"), IsOk());
}

}  // namespace
}  // namespace nhs::tobacco::console
