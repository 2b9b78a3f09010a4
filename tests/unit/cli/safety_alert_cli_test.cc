// safety: `tobaccoctl safety-alerts list|ack`, parsed through the real
// command table.
#include "gateway/cli/safety_alert_cli.h"

#include <string>
#include <vector>

#include "gateway/cli/commands.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

ParsedArgs ArgsFor(std::vector<std::string> argv) {
  absl::StatusOr<Invocation> invocation = ParseInvocation(argv);
  EXPECT_TRUE(invocation.ok()) << invocation.status();
  return invocation.ok() ? invocation->args : ParsedArgs();
}

TEST(SafetyAlertCliTest, AckNamesThePersonWhoAcknowledges) {
  auto r = BuildAcknowledgeSafetyAlertRequest(
      ArgsFor({"safety-alerts", "ack", "sa-1", "--practitioner", "C7654321",
               "--practitioner-register", "gmc", "--practitioner-name",
               "Dr A Prescriber", "--note", "level booked"}),
      "req-1");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->request_id(), "req-1");
  EXPECT_EQ(r->alert_id(), "sa-1");
  EXPECT_EQ(r->actor().practitioner().identifier(), "C7654321");
  EXPECT_EQ(r->actor().practitioner().register_(),
            v1::PROFESSIONAL_REGISTER_GMC);
  EXPECT_EQ(r->actor().practitioner().display_name(), "Dr A Prescriber");
  EXPECT_EQ(r->note(), "level booked");
}

TEST(SafetyAlertCliTest, AckNeedsTheAlertId) {
  EXPECT_FALSE(
      BuildAcknowledgeSafetyAlertRequest(ArgsFor({"safety-alerts", "ack"}), "r")
          .ok());
}

TEST(SafetyAlertCliTest, ListTakesStateAndRefusesAnUnknownOne) {
  auto r = BuildListSafetyAlertsRequest(ArgsFor(
      {"safety-alerts", "list", "--state", "overdue", "--ods", "TDS01"}));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->state(), v1::SAFETY_ALERT_STATE_OVERDUE);
  EXPECT_EQ(r->ods_code(), "TDS01");
  EXPECT_FALSE(BuildListSafetyAlertsRequest(
                   ArgsFor({"safety-alerts", "list", "--state", "read"}))
                   .ok());
}

TEST(SafetyAlertCliTest, RenderSaysWhenNobodyCouldBeAlerted) {
  v1::SafetyAlert a;
  a.set_alert_id("sa-1");
  a.set_state(v1::SAFETY_ALERT_STATE_RAISED);
  a.set_trigger(v1::SAFETY_ALERT_TRIGGER_QUIT_DATE);
  EXPECT_THAT(RenderSafetyAlert(a), HasSubstr("no route: nobody alerted"));
  a.mutable_prescriber()->set_ods_code("RX9");
  a.mutable_acknowledged_by()->mutable_practitioner()->set_display_name(
      "Dr A Prescriber");
  const std::string shown = RenderSafetyAlert(a);
  EXPECT_THAT(shown, Not(HasSubstr("nobody alerted")));
  EXPECT_THAT(shown, HasSubstr("Dr A Prescriber"));
  v1::ListSafetyAlertsResponse list;
  EXPECT_EQ(RenderSafetyAlertList(list), "no safety alerts\n");
  *list.add_alerts() = a;
  EXPECT_THAT(RenderSafetyAlertList(list), HasSubstr("QUIT_DATE"));
}

}  // namespace
}  // namespace nhs::tobacco::cli
