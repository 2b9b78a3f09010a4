// The registered practice is related to a referral only while the patient
// consents to share with the GP (issue 12): withdrawing consent through
// UpdateReferral withdraws its access.
#include "gateway/security/access_policy.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::security {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using O = Operation;

v1::Referral Referral(bool share_with_gp) {
  v1::Referral r;
  r.mutable_referrer()->set_ods_code("RX9");
  r.mutable_service()->set_ods_code("TDS01");
  r.mutable_gp_practice()->set_ods_code("Y90001");
  r.mutable_consent()->set_share_with_gp(share_with_gp);
  return r;
}

TEST(AccessPolicyConsentTest, ThePracticeReadsTheReferralOnlyWithGpConsent) {
  const Principal gp{"Y90001", Role::kGp, ""};
  for (O op : {O::kReadReferral, O::kGetReferral, O::kGetReferralTimeline,
               O::kReadOutcomes}) {
    EXPECT_THAT(Authorize(gp, op, ViewOf(Referral(true))), IsOk())
        << OperationName(op);
    EXPECT_THAT(Authorize(gp, op, ViewOf(Referral(false))),
                StatusIs(absl::StatusCode::kPermissionDenied))
        << OperationName(op);
  }
}

TEST(AccessPolicyConsentTest, OthersAreUnaffectedByGpConsent) {
  // The referrer and the service keep their relation; a GP that referred
  // reads as referrer.
  const v1::Referral r = Referral(false);
  EXPECT_THAT(Authorize({"RX9", Role::kMentalHealthTrust, ""}, O::kReadReferral,
                        ViewOf(r)),
              IsOk());
  EXPECT_THAT(Authorize({"TDS01", Role::kTobaccoService, ""},
                        O::kUpdateReferral, ViewOf(r)),
              IsOk());
  v1::Referral from_gp = r;
  from_gp.mutable_referrer()->set_ods_code("Y90001");
  EXPECT_THAT(
      Authorize({"Y90001", Role::kGp, ""}, O::kReadReferral, ViewOf(from_gp)),
      IsOk());
}

TEST(AccessPolicyConsentTest, OnlyTheTreatingServiceMayAmend) {
  const v1::Referral r = Referral(true);
  EXPECT_THAT(Authorize({"TDS01", Role::kTobaccoService, ""},
                        O::kUpdateReferral, ViewOf(r)),
              IsOk());
  for (const Principal& p : {Principal{"TDS02", Role::kTobaccoService, ""},
                             Principal{"RX9", Role::kMentalHealthTrust, ""},
                             Principal{"Y90001", Role::kGp, ""},
                             Principal{"ADM01", Role::kAdmin, ""}}) {
    EXPECT_THAT(Authorize(p, O::kUpdateReferral, ViewOf(r)),
                StatusIs(absl::StatusCode::kPermissionDenied))
        << p.ods_code;
  }
}

}  // namespace
}  // namespace nhs::tobacco::security
