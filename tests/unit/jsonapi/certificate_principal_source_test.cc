#include "gateway/jsonapi/certificate_principal_source.h"

#include "gtest/gtest.h"
#include "tests/testing/dev_certs.h"

namespace nhs::tobacco::jsonapi {
namespace {

http::Request From(const std::string& cert) {
  http::Request request;
  if (!cert.empty()) {
    request.peer_certificate_pem =
        testing::ReadFile(testing::DevCerts() / (cert + ".pem"));
  }
  return request;
}

TEST(CertificatePrincipalSource,
     NamesTheCertificatesOrganisationOnTheHttpEdge) {
  CertificatePrincipalSource source(0);
  absl::StatusOr<pathway::Caller> caller = source.Resolve(From("gp-y90001"));
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->principal.ods_code, "Y90001");
  EXPECT_EQ(caller->principal.role, security::Role::kGp);
  EXPECT_EQ(caller->adapter, "http");
  EXPECT_TRUE(caller->principal.practitioner.empty())
      << "a certificate names no person";
}

TEST(CertificatePrincipalSource, RefusesARequestWithoutACertificate) {
  CertificatePrincipalSource source(0);
  EXPECT_EQ(source.Resolve(From("")).status().code(),
            absl::StatusCode::kUnauthenticated);
  http::Request garbage;
  garbage.peer_certificate_pem = "not a certificate";
  EXPECT_EQ(source.Resolve(garbage).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(CertificatePrincipalSource, LimitsTheRatePerOrganisation) {
  CertificatePrincipalSource source(1);
  EXPECT_TRUE(source.Resolve(From("pharmacy-fzz99")).ok());
  EXPECT_EQ(source.Resolve(From("pharmacy-fzz99")).status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(source.Resolve(From("pharmacy-fzz98")).ok())
      << "another organisation has its own bucket";
}

}  // namespace
}  // namespace nhs::tobacco::jsonapi
