#include "gateway/domain/safety_alert_rules.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "gateway/domain/timestamps.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::domain {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using S = v1::SafetyAlertState;
using Step = SafetyAlertStep;

struct StateCase {
  S from;
  Step step;
  std::optional<S> to;  // nullopt = refused
};

TEST(NextSafetyAlertStateTest, FollowsTheTable) {
  const std::vector<StateCase> cases = {
      {v1::SAFETY_ALERT_STATE_RAISED, Step::kDelivered,
       v1::SAFETY_ALERT_STATE_SENT},
      {v1::SAFETY_ALERT_STATE_SENT, Step::kDelivered,
       v1::SAFETY_ALERT_STATE_SENT},
      {v1::SAFETY_ALERT_STATE_OVERDUE, Step::kDelivered,
       v1::SAFETY_ALERT_STATE_OVERDUE},
      {v1::SAFETY_ALERT_STATE_ACKNOWLEDGED, Step::kDelivered,
       v1::SAFETY_ALERT_STATE_ACKNOWLEDGED},
      {v1::SAFETY_ALERT_STATE_RAISED, Step::kAcknowledge,
       v1::SAFETY_ALERT_STATE_ACKNOWLEDGED},
      {v1::SAFETY_ALERT_STATE_SENT, Step::kAcknowledge,
       v1::SAFETY_ALERT_STATE_ACKNOWLEDGED},
      {v1::SAFETY_ALERT_STATE_OVERDUE, Step::kAcknowledge,
       v1::SAFETY_ALERT_STATE_ACKNOWLEDGED},
      {v1::SAFETY_ALERT_STATE_ACKNOWLEDGED, Step::kAcknowledge, std::nullopt},
      {v1::SAFETY_ALERT_STATE_RAISED, Step::kDeadlinePassed,
       v1::SAFETY_ALERT_STATE_OVERDUE},
      {v1::SAFETY_ALERT_STATE_SENT, Step::kDeadlinePassed,
       v1::SAFETY_ALERT_STATE_OVERDUE},
      {v1::SAFETY_ALERT_STATE_OVERDUE, Step::kDeadlinePassed,
       v1::SAFETY_ALERT_STATE_OVERDUE},
      {v1::SAFETY_ALERT_STATE_ACKNOWLEDGED, Step::kDeadlinePassed,
       v1::SAFETY_ALERT_STATE_ACKNOWLEDGED},
      {v1::SAFETY_ALERT_STATE_UNSPECIFIED, Step::kDelivered, std::nullopt},
  };
  for (const StateCase& c : cases) {
    SCOPED_TRACE(absl::StrCat(v1::SafetyAlertState_Name(c.from), " step ",
                              static_cast<int>(c.step)));
    absl::StatusOr<S> next = NextSafetyAlertState(c.from, c.step);
    if (c.to.has_value()) {
      ASSERT_TRUE(next.ok()) << next.status();
      EXPECT_EQ(*next, *c.to);
    } else {
      EXPECT_EQ(next.status().code(), absl::StatusCode::kFailedPrecondition);
    }
  }
}

TEST(NextSafetyAlertStateTest, ADeliveryNeverAcknowledgesFromAnyState) {
  for (S from : {v1::SAFETY_ALERT_STATE_RAISED, v1::SAFETY_ALERT_STATE_SENT,
                 v1::SAFETY_ALERT_STATE_OVERDUE}) {
    absl::StatusOr<S> next = NextSafetyAlertState(from, Step::kDelivered);
    ASSERT_TRUE(next.ok());
    EXPECT_NE(*next, v1::SAFETY_ALERT_STATE_ACKNOWLEDGED)
        << v1::SafetyAlertState_Name(from);
  }
}

v1::Referral ReferralWith(std::vector<std::pair<std::string, bool>> meds,
                          const std::string& referrer) {
  v1::Referral r;
  r.set_referral_id("ref-1");
  r.mutable_referrer()->set_ods_code(referrer);
  r.mutable_service()->set_ods_code("TDS01");
  r.mutable_consent()->set_share_with_mental_health_team(true);
  for (const auto& [name, flagged] : meds) {
    v1::PsychiatricMedicine* m = r.mutable_mental_health()->add_medicines();
    m->set_name(name);
    m->set_cyp1a2_sensitive(flagged);
  }
  return r;
}

DeliveryRoutes TrustRoute() {
  DeliveryRoutes routes;
  routes.Add("RX9", v1::DELIVERY_CHANNEL_HL7V2_MLLP);
  routes.Add("Y90001", v1::DELIVERY_CHANNEL_FHIR_HTTPS);
  return routes;
}

struct TriggerCase {
  std::string name;
  v1::Referral referral;
  bool raised;
  std::string prescriber;
};

TEST(NewSafetyAlertTest,
     RaisesOnlyForSensitiveMedicinesAndNamesTheRoutedTrust) {
  const absl::Time now = absl::FromCivil(
      absl::CivilSecond(2026, 11, 30, 9, 0, 0), absl::UTCTimeZone());
  const std::vector<TriggerCase> cases = {
      {"no medicines", ReferralWith({}, "RX9"), false, ""},
      {"only unflagged", ReferralWith({{"Sertraline", false}}, "RX9"), false,
       ""},
      {"clozapine from a routed trust",
       ReferralWith({{"Clozapine", true}, {"Sertraline", false}}, "RX9"), true,
       "RX9"},
      // Whatever the source: a GP referrer has no HL7 route to a prescriber.
      {"olanzapine from a GP (no MLLP route)",
       ReferralWith({{"Olanzapine", true}}, "Y90001"), true, ""},
      {"a trust without a route", ReferralWith({{"Clozapine", true}}, "RT1"),
       true, ""},
      // Every message to the trust needs consent to share with it.
      {"a routed trust without the patient's consent",
       [] {
         v1::Referral r = ReferralWith({{"Clozapine", true}}, "RX9");
         r.mutable_consent()->set_share_with_mental_health_team(false);
         return r;
       }(),
       true, ""},
  };
  for (const TriggerCase& c : cases) {
    SCOPED_TRACE(c.name);
    std::optional<v1::SafetyAlert> alert =
        NewSafetyAlert(c.referral, v1::SAFETY_ALERT_TRIGGER_QUIT_DATE,
                       "2026-12-07", TrustRoute(), now, absl::Hours(48));
    ASSERT_EQ(alert.has_value(), c.raised);
    if (!alert.has_value()) continue;
    EXPECT_EQ(alert->state(), v1::SAFETY_ALERT_STATE_RAISED);
    EXPECT_EQ(alert->prescriber().ods_code(), c.prescriber);
    EXPECT_EQ(alert->service().ods_code(), "TDS01");
    EXPECT_EQ(alert->trigger_date(), "2026-12-07");
    EXPECT_EQ(FromTimestamp(alert->due_at()), now + absl::Hours(48));
    for (const auto& m : alert->medicines()) EXPECT_TRUE(m.cyp1a2_sensitive());
  }
}

TEST(TriggerForOutcomeTest, OnlyARelapseTriggers) {
  for (int s = v1::OutcomeStatus_MIN; s <= v1::OutcomeStatus_MAX; ++s) {
    v1::Outcome o;
    o.set_status(static_cast<v1::OutcomeStatus>(s));
    SCOPED_TRACE(v1::OutcomeStatus_Name(o.status()));
    EXPECT_EQ(TriggerForOutcome(o).has_value(),
              s == v1::OUTCOME_STATUS_RELAPSED);
  }
}

TEST(AcknowledgeWithinTest, SecondsOverrideHoursAndDefaultIs48Hours) {
  EXPECT_EQ(AcknowledgeWithin(0, 0), absl::Hours(48));
  EXPECT_EQ(AcknowledgeWithin(24, 0), absl::Hours(24));
  EXPECT_EQ(AcknowledgeWithin(24, 5), absl::Seconds(5));
}

TEST(PrescriberAlertStatementTest, SaysOnlyWhatHappened) {
  const absl::Time raised = absl::FromCivil(
      absl::CivilSecond(2026, 11, 30, 9, 0, 0), absl::UTCTimeZone());
  v1::SafetyAlertNotice none;  // no prescriber
  EXPECT_THAT(PrescriberAlertStatement(none),
              HasSubstr("was not alerted (no route to the prescriber)"));

  v1::SafetyAlertNotice raised_only;
  raised_only.mutable_prescriber()->set_ods_code("RX9");
  raised_only.set_state(v1::SAFETY_ALERT_STATE_RAISED);
  *raised_only.mutable_raised_at() = ToTimestamp(raised);
  const std::string queued = PrescriberAlertStatement(raised_only);
  EXPECT_THAT(queued, HasSubstr("not yet confirmed"));
  EXPECT_THAT(queued, Not(HasSubstr("was alerted")));

  v1::SafetyAlertNotice sent = raised_only;
  sent.set_state(v1::SAFETY_ALERT_STATE_SENT);
  *sent.mutable_sent_at() = ToTimestamp(raised + absl::Hours(25));
  EXPECT_EQ(PrescriberAlertStatement(sent),
            "The patient's mental health prescriber (RX9) was alerted on "
            "2026-12-01; no acknowledgement yet.");

  for (const v1::SafetyAlertNotice& n : {none, raised_only, sent}) {
    EXPECT_THAT(PrescriberAlertStatement(n),
                Not(HasSubstr("has been asked to review")));
  }
}

}  // namespace
}  // namespace nhs::tobacco::domain
