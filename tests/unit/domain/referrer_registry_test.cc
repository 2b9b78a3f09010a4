#include "gateway/domain/referrer_registry.h"

#include "gtest/gtest.h"

namespace nhs::tobacco::domain {
namespace {

v1::GatewayConfig Registry() {
  v1::GatewayConfig config;
  v1::OrganisationConfig* trust = config.add_organisations();
  trust->set_ods_code("RX9");
  trust->mutable_mllp()->set_service_ods_code("TDS01");
  v1::OrganisationConfig* service = config.add_organisations();
  service->set_ods_code("TDS01");
  service->add_takes_referrals_from("Y90001");
  config.add_organisations()->set_ods_code("Y90002");
  return config;
}

TEST(ReferrerRegistryTest,
     ServiceTakesFromItsListTheTrustsSendingToItAndItself) {
  const ReferrerRegistry registry = ReferrerRegistry::FromConfig(Registry());
  EXPECT_TRUE(registry.TakesReferralsFrom("TDS01", "Y90001"));
  EXPECT_TRUE(registry.TakesReferralsFrom("TDS01", "RX9"));
  EXPECT_TRUE(registry.TakesReferralsFrom("TDS01", "TDS01"));
}

TEST(ReferrerRegistryTest, AnyOtherOrganisationIsNotAReferrer) {
  const ReferrerRegistry registry = ReferrerRegistry::FromConfig(Registry());
  EXPECT_FALSE(registry.TakesReferralsFrom("TDS01", "Y90002"));
  // The relation has a direction: the service does not refer to the trust.
  EXPECT_FALSE(registry.TakesReferralsFrom("RX9", "TDS01"));
  // A service the registry does not know takes from itself only.
  EXPECT_FALSE(registry.TakesReferralsFrom("TDS02", "RX9"));
  EXPECT_TRUE(registry.TakesReferralsFrom("TDS02", "TDS02"));
}

}  // namespace
}  // namespace nhs::tobacco::domain
