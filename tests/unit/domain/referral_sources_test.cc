#include "gateway/domain/referral_sources.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/violated_fields.h"

namespace nhs::tobacco::domain {
namespace {

using ::nhs::tobacco::testing::StatusIs;
using ::testing::HasSubstr;

struct Case {
  const char* role;
  v1::ReferralSource requested;
  // UNSPECIFIED = refused.
  v1::ReferralSource filed;
};

TEST(ReferralSourcesTest, ARoleOfOneKindFilesUnderItsOwnSource) {
  const Case cases[] = {
      // Filled in when left unset, kept when it agrees.
      {"talking_therapies", v1::REFERRAL_SOURCE_UNSPECIFIED,
       v1::REFERRAL_SOURCE_TALKING_THERAPIES},
      {"talking_therapies", v1::REFERRAL_SOURCE_TALKING_THERAPIES,
       v1::REFERRAL_SOURCE_TALKING_THERAPIES},
      {"pharmacy", v1::REFERRAL_SOURCE_UNSPECIFIED,
       v1::REFERRAL_SOURCE_COMMUNITY_PHARMACY},
      {"local_authority", v1::REFERRAL_SOURCE_UNSPECIFIED,
       v1::REFERRAL_SOURCE_LOCAL_AUTHORITY},
      {"voluntary_sector", v1::REFERRAL_SOURCE_VOLUNTARY_SECTOR,
       v1::REFERRAL_SOURCE_VOLUNTARY_SECTOR},
      // Another source is refused.
      {"talking_therapies", v1::REFERRAL_SOURCE_GP,
       v1::REFERRAL_SOURCE_UNSPECIFIED},
      {"pharmacy", v1::REFERRAL_SOURCE_SELF, v1::REFERRAL_SOURCE_UNSPECIFIED},
      {"local_authority", v1::REFERRAL_SOURCE_VOLUNTARY_SECTOR,
       v1::REFERRAL_SOURCE_UNSPECIFIED},
      {"voluntary_sector", static_cast<v1::ReferralSource>(99),
       v1::REFERRAL_SOURCE_UNSPECIFIED},
      // Roles of several kinds keep what the request says (validation
      // refuses an unset source later, as before).
      {"mental_health_trust", v1::REFERRAL_SOURCE_INPATIENT_MENTAL_HEALTH,
       v1::REFERRAL_SOURCE_INPATIENT_MENTAL_HEALTH},
      {"gp", v1::REFERRAL_SOURCE_COMMUNITY_MENTAL_HEALTH,
       v1::REFERRAL_SOURCE_COMMUNITY_MENTAL_HEALTH},
      {"tobacco_service", v1::REFERRAL_SOURCE_SELF, v1::REFERRAL_SOURCE_SELF},
      {"integrator", v1::REFERRAL_SOURCE_UNSPECIFIED,
       v1::REFERRAL_SOURCE_UNSPECIFIED},
  };
  for (const Case& c : cases) {
    absl::StatusOr<v1::ReferralSource> got =
        ReferralSourceFor(c.role, c.requested);
    const bool refused = c.filed == v1::REFERRAL_SOURCE_UNSPECIFIED &&
                         SourceOfRole(c.role).has_value();
    if (refused) {
      EXPECT_THAT(got, StatusIs(absl::StatusCode::kInvalidArgument))
          << c.role << " " << c.requested;
      EXPECT_THAT(::nhs::tobacco::testing::ViolatedFields(got.status()),
                  ::testing::ElementsAre("referral.source"));
    } else {
      ASSERT_TRUE(got.ok()) << c.role << " " << got.status();
      EXPECT_EQ(*got, c.filed) << c.role << " " << c.requested;
    }
  }
}

TEST(ReferralSourcesTest, ARefusalSaysWhichSourceTheRoleRefersUnder) {
  EXPECT_THAT(
      ReferralSourceFor("talking_therapies", v1::REFERRAL_SOURCE_GP).status(),
      StatusIs(absl::StatusCode::kInvalidArgument));
  const auto violations = GetFieldViolations(
      ReferralSourceFor("talking_therapies", v1::REFERRAL_SOURCE_GP).status());
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_THAT(violations[0].description,
              HasSubstr("a talking_therapies organisation refers under "
                        "TALKING_THERAPIES, not GP"));
}

}  // namespace
}  // namespace nhs::tobacco::domain
