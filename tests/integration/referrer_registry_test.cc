// A tobacco service names as referrer only an organisation the registry
// says it takes referrals from (issue 11 item 11: a service could create a
// referral naming any organisation, which that organisation then saw). On
// the real binary with the sample registry: TDS01 takes referrals from
// itself, from Y90001 (takes_referrals_from) and from RX9 (whose
// mllp.service_ods_code names TDS01); naming practice Y90002 is refused
// with INVALID_ARGUMENT on referral.referrer.ods_code and Y90002 sees
// nothing.
#include <grpcpp/grpcpp.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/sample_requests.h"
#include "tests/testing/secure_gateway_binary.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::Ctx;
using ::nhs::tobacco::testing::SecureGatewayBinary;
using ::testing::AllOf;
using ::testing::HasSubstr;

class ReferrerRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(gateway_.started()); }

  // The service TDS01 files a referral naming `referrer`.
  grpc::Status ServiceRefersFor(const std::string& referrer,
                                v1::ReferralSource source) {
    v1::CreateReferralRequest request =
        testing::SampleReferralRequest("referral-" + referrer);
    request.mutable_referral()->mutable_referrer()->set_ods_code(referrer);
    request.mutable_referral()->set_source(source);
    v1::Referral out;
    return gateway_.As("service-tds01")
        .referrals->CreateReferral(Ctx().get(), request, &out);
  }

  int ReferralsSeenBy(const std::string& cert) {
    v1::ListReferralsResponse listed;
    grpc::Status s = gateway_.As(cert).referrals->ListReferrals(
        Ctx().get(), v1::ListReferralsRequest(), &listed);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return listed.referrals_size();
  }

  SecureGatewayBinary gateway_{"referrer_registry"};
};

TEST_F(ReferrerRegistryTest,
       ServiceNamingAnOrganisationOutsideItsRegistryIsRefused) {
  const grpc::Status s = ServiceRefersFor("Y90002", v1::REFERRAL_SOURCE_GP);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << s.error_code() << " " << s.error_message();
  EXPECT_THAT(s.error_message(), AllOf(HasSubstr("referral.referrer.ods_code"),
                                       HasSubstr("Y90002")));
  EXPECT_EQ(ReferralsSeenBy("gp-y90002"), 0)
      << "the practice was shown a referral it never made";
}

TEST_F(ReferrerRegistryTest, ServiceNamesItselfAndTheOrganisationsItTakesFrom) {
  grpc::Status s = ServiceRefersFor("TDS01", v1::REFERRAL_SOURCE_SELF);
  EXPECT_TRUE(s.ok()) << "itself: " << s.error_message();
  s = ServiceRefersFor("Y90001", v1::REFERRAL_SOURCE_GP);
  EXPECT_TRUE(s.ok()) << "takes_referrals_from: " << s.error_message();
  s = ServiceRefersFor("RX9", v1::REFERRAL_SOURCE_COMMUNITY_MENTAL_HEALTH);
  EXPECT_TRUE(s.ok()) << "mllp.service_ods_code: " << s.error_message();
}

}  // namespace
}  // namespace nhs::tobacco
