// The GP chaser: an overdue GP-route request the practice holds brings the
// letter again, with consent and a FHIR route only.
#include "gateway/domain/gp_chaser.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kGp[] = "Y90001";

struct ChaseCase {
  const char* name;
  v1::Route route;
  v1::PrescriptionStatus status;
  bool share_with_gp;
  bool enabled;
  bool chases;
};

TEST(GpChaserTest, ChasesOnlyAPracticeThatHoldsTheRequestWithConsent) {
  const ChaseCase cases[] = {
      {"sent", v1::ROUTE_GP_PRESCRIPTION, v1::PRESCRIPTION_STATUS_SENT, true,
       true, true},
      {"acknowledged", v1::ROUTE_GP_PRESCRIPTION,
       v1::PRESCRIPTION_STATUS_ACKNOWLEDGED, true, true, true},
      {"appointment required", v1::ROUTE_GP_PRESCRIPTION,
       v1::PRESCRIPTION_STATUS_APPOINTMENT_REQUIRED, true, true, true},
      {"never delivered", v1::ROUTE_GP_PRESCRIPTION,
       v1::PRESCRIPTION_STATUS_RECOMMENDED, true, true, false},
      {"prescribed: the pharmacy's wait", v1::ROUTE_GP_PRESCRIPTION,
       v1::PRESCRIPTION_STATUS_PRESCRIBED, true, true, false},
      {"declined", v1::ROUTE_GP_PRESCRIPTION, v1::PRESCRIPTION_STATUS_DECLINED,
       true, true, false},
      {"pharmacy route", v1::ROUTE_PHARMACY_SUPPLY,
       v1::PRESCRIPTION_STATUS_ACKNOWLEDGED, true, true, false},
      {"service route", v1::ROUTE_SERVICE_SUPPLY,
       v1::PRESCRIPTION_STATUS_ACKNOWLEDGED, true, true, false},
      {"consent to share with the GP withdrawn", v1::ROUTE_GP_PRESCRIPTION,
       v1::PRESCRIPTION_STATUS_ACKNOWLEDGED, false, true, false},
      {"chaser switched off", v1::ROUTE_GP_PRESCRIPTION,
       v1::PRESCRIPTION_STATUS_ACKNOWLEDGED, true, false, false},
  };
  DeliveryRoutes routes;
  routes.Add(kGp, v1::DELIVERY_CHANNEL_FHIR_HTTPS);
  for (const ChaseCase& c : cases) {
    SCOPED_TRACE(c.name);
    v1::PrescriptionRequest p;
    p.set_route(c.route);
    p.set_status(c.status);
    p.mutable_target()->set_ods_code(kGp);
    v1::Referral r;
    r.mutable_consent()->set_share_with_gp(c.share_with_gp);
    EXPECT_EQ(ChasesGp(p, r, c.enabled), c.chases);
    const std::vector<PlannedMessage> plan =
        PlanGpReminder(p, r, c.enabled, routes);
    if (c.chases) {
      EXPECT_THAT(
          plan, ElementsAre(PlannedMessage{v1::MESSAGE_KIND_GP_REMINDER, kGp}));
    } else {
      EXPECT_THAT(plan, IsEmpty());
    }
  }
}

TEST(GpChaserTest, APracticeWithoutAFhirRouteIsNotSentAReminder) {
  v1::PrescriptionRequest p;
  p.set_route(v1::ROUTE_GP_PRESCRIPTION);
  p.set_status(v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
  p.mutable_target()->set_ods_code(kGp);
  v1::Referral r;
  r.mutable_consent()->set_share_with_gp(true);
  DeliveryRoutes routes;
  routes.Add(kGp, v1::DELIVERY_CHANNEL_HL7V2_MLLP);
  EXPECT_TRUE(ChasesGp(p, r, true));
  EXPECT_THAT(PlanGpReminder(p, r, true, routes), IsEmpty());
}

TEST(GpChaserTest, TheReminderTravelsOverFhirAndIsNotTheProtocol) {
  EXPECT_EQ(ChannelOf(v1::MESSAGE_KIND_GP_REMINDER),
            v1::DELIVERY_CHANNEL_FHIR_HTTPS);
  EXPECT_FALSE(AdvancesProtocol(v1::MESSAGE_KIND_GP_REMINDER));
}

}  // namespace
}  // namespace nhs::tobacco::domain
