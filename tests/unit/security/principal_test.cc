#include "gateway/security/principal.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/dev_certs.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::security {
namespace {

using ::nhs::tobacco::testing::DevPem;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::HasSubstr;

TEST(PrincipalTest, OdsCodeAndRoleComeFromTheCertificateSubject) {
  absl::StatusOr<Principal> gp =
      PrincipalFromCertificatePem(DevPem("gp-y90001.pem"));
  ASSERT_TRUE(gp.ok()) << gp.status();
  EXPECT_EQ(gp->ods_code, "Y90001");
  EXPECT_EQ(gp->role, Role::kGp);
  EXPECT_EQ(gp->display_name, "Example Medical Practice");
  absl::StatusOr<Principal> trust =
      PrincipalFromCertificatePem(DevPem("trust-rx9.pem"));
  ASSERT_TRUE(trust.ok());
  EXPECT_EQ(trust->role, Role::kMentalHealthTrust);
  EXPECT_EQ(trust->ods_code, "RX9");
}

TEST(PrincipalTest, EveryDocumentedRoleParses) {
  for (const char* role :
       {"gp", "pharmacy", "mental_health_trust", "tobacco_service",
        "integrator", "admin", "talking_therapies", "local_authority",
        "voluntary_sector", "icb_commissioner"}) {
    absl::StatusOr<Role> parsed = ParseRole(role);
    ASSERT_TRUE(parsed.ok()) << role;
    EXPECT_EQ(RoleName(*parsed), role);
  }
  EXPECT_THAT(ParseRole("development"),
              StatusIs(absl::StatusCode::kUnauthenticated))
      << "development mode can never come from a certificate";
}

TEST(PrincipalTest, ReferrerRoleCertificatesNameTheirRole) {
  const struct {
    const char* file;
    const char* ods;
    Role role;
  } cases[] = {
      {"talking-therapies-tt001.pem", "TT001", Role::kTalkingTherapies},
      {"local-authority-la001.pem", "LA001", Role::kLocalAuthority},
      {"voluntary-sector-vs001.pem", "VS001", Role::kVoluntarySector},
  };
  for (const auto& c : cases) {
    absl::StatusOr<Principal> p = PrincipalFromCertificatePem(DevPem(c.file));
    ASSERT_TRUE(p.ok()) << c.file << ": " << p.status();
    EXPECT_EQ(p->ods_code, c.ods);
    EXPECT_EQ(p->role, c.role);
  }
}

TEST(PrincipalTest, NoCertificateCanClaimToBeTheGateway) {
  EXPECT_THAT(ParseRole("gateway"),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_EQ(GatewayPrincipal().role, Role::kGateway);
  EXPECT_EQ(RoleName(GatewayPrincipal().role), "gateway");
  EXPECT_EQ(GatewayPrincipal().ods_code, "GATEWAY");
}

TEST(PrincipalTest, ServerCertificateWithoutRoleIsUnauthenticated) {
  // The server certificate has no OU role and a non-ODS O.
  EXPECT_THAT(
      PrincipalFromCertificatePem(DevPem("server.pem")),
      StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("ODS code")));
}

TEST(PrincipalTest, GarbageIsUnauthenticated) {
  EXPECT_THAT(PrincipalFromCertificatePem("not a certificate"),
              StatusIs(absl::StatusCode::kUnauthenticated,
                       HasSubstr("does not parse")));
}

}  // namespace
}  // namespace nhs::tobacco::security
