// RecommendAlternative's own rules: only after a refusal, once, and another
// way than the refused request.
#include "gateway/domain/alternative_rules.h"

#include "gateway/domain/prescription_state_machine.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/violated_fields.h"

namespace nhs::tobacco::domain {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using ::nhs::tobacco::testing::ViolatedFields;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

v1::PrescriptionRequest Old(v1::PrescriptionStatus status) {
  v1::PrescriptionRequest p;
  p.set_prescription_id("rx-old");
  p.set_route(v1::ROUTE_GP_PRESCRIPTION);
  p.mutable_target()->set_ods_code("Y90001");
  p.set_status(status);
  return p;
}

struct StatusCase {
  v1::PrescriptionStatus status;
  bool replaceable;
};

TEST(AlternativeRulesTest, OnlyADeclinedOrNotSuppliedRequestIsReplaceable) {
  const StatusCase cases[] = {
      {v1::PRESCRIPTION_STATUS_DECLINED, true},
      {v1::PRESCRIPTION_STATUS_NOT_SUPPLIED, true},
      {v1::PRESCRIPTION_STATUS_RECOMMENDED, false},
      {v1::PRESCRIPTION_STATUS_ACKNOWLEDGED, false},
      {v1::PRESCRIPTION_STATUS_PRESCRIBED, false},
      {v1::PRESCRIPTION_STATUS_SUPPLIED, false},
      {v1::PRESCRIPTION_STATUS_CANCELLED, false},
      {v1::PRESCRIPTION_STATUS_EXPIRED, false},
  };
  for (const StatusCase& c : cases) {
    SCOPED_TRACE(v1::PrescriptionStatus_Name(c.status));
    const absl::Status s = CheckReplaceable(Old(c.status));
    if (c.replaceable) {
      EXPECT_THAT(s, IsOk());
    } else {
      EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition,
                              HasSubstr(StatusName(c.status))));
    }
  }
}

TEST(AlternativeRulesTest, ARequestIsReplacedOnceNamingTheReplacement) {
  v1::PrescriptionRequest old = Old(v1::PRESCRIPTION_STATUS_DECLINED);
  EXPECT_THAT(CheckNotReplaced(old), IsOk());
  old.set_replaced_by("rx-new");
  EXPECT_THAT(CheckNotReplaced(old),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("rx-old"), HasSubstr("rx-new"))));
}

struct DiffersCase {
  const char* name;
  v1::Route route;
  const char* target;
  bool allowed;
};

TEST(AlternativeRulesTest, TheAlternativeTakesAnotherRouteOrTarget) {
  const DiffersCase cases[] = {
      {"pharmacy route", v1::ROUTE_PHARMACY_SUPPLY, "FZZ99", true},
      {"service route", v1::ROUTE_SERVICE_SUPPLY, "TDS01", true},
      {"same route, another practice", v1::ROUTE_GP_PRESCRIPTION, "Y90002",
       true},
      {"same route, same practice", v1::ROUTE_GP_PRESCRIPTION, "Y90001", false},
  };
  const v1::PrescriptionRequest old = Old(v1::PRESCRIPTION_STATUS_DECLINED);
  for (const DiffersCase& c : cases) {
    SCOPED_TRACE(c.name);
    const absl::Status s = CheckAlternativeDiffers(old, c.route, c.target);
    if (c.allowed) {
      EXPECT_THAT(s, IsOk());
    } else {
      EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
      EXPECT_THAT(ViolatedFields(s), ElementsAre("target.ods_code"));
    }
  }
}

}  // namespace
}  // namespace nhs::tobacco::domain
