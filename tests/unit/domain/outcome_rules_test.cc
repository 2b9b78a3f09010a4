#include "gateway/domain/outcome_rules.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::domain {
namespace {

struct ReasonCase {
  v1::OutcomeStatus status;
  std::string reason_code;
};

TEST(OutcomeReasonCodeTest, IsTheStatusNameWithoutItsPrefix) {
  const std::vector<ReasonCase> cases = {
      {v1::OUTCOME_STATUS_QUIT_SELF_REPORTED, "QUIT_SELF_REPORTED"},
      {v1::OUTCOME_STATUS_QUIT_CO_VERIFIED, "QUIT_CO_VERIFIED"},
      {v1::OUTCOME_STATUS_REDUCED, "REDUCED"},
      {v1::OUTCOME_STATUS_RELAPSED, "RELAPSED"},
      {v1::OUTCOME_STATUS_NOT_QUIT, "NOT_QUIT"},
      {v1::OUTCOME_STATUS_LOST_TO_FOLLOW_UP, "LOST_TO_FOLLOW_UP"},
      {v1::OUTCOME_STATUS_DISENGAGED, "DISENGAGED"},
      {v1::OUTCOME_STATUS_RE_ENGAGED, "RE_ENGAGED"},
  };
  for (const ReasonCase& c : cases) {
    SCOPED_TRACE(c.reason_code);
    EXPECT_EQ(OutcomeReasonCode(c.status), c.reason_code);
  }
}

TEST(OutcomeReasonCodeTest, CoversEveryOutcomeStatusWithADistinctCode) {
  std::vector<std::string> seen;
  for (int s = v1::OutcomeStatus_MIN; s <= v1::OutcomeStatus_MAX; ++s) {
    if (!v1::OutcomeStatus_IsValid(s)) continue;
    const std::string code =
        OutcomeReasonCode(static_cast<v1::OutcomeStatus>(s));
    EXPECT_FALSE(code.empty());
    EXPECT_EQ(code.rfind("OUTCOME_STATUS_", 0), std::string::npos) << code;
    for (const std::string& earlier : seen) EXPECT_NE(code, earlier);
    seen.push_back(code);
  }
  EXPECT_EQ(seen.size(), 9u);
}

TEST(OutcomeRecordedEventTest, PutsTheOutcomeOnTheReferralTimeline) {
  v1::Outcome outcome;
  outcome.set_outcome_id("out-1");
  outcome.set_referral_id("ref-1");
  outcome.set_status(v1::OUTCOME_STATUS_QUIT_CO_VERIFIED);
  outcome.set_note("free text stays off the timeline");
  outcome.mutable_created_at()->set_seconds(1700000000);
  outcome.mutable_recorded_by()->mutable_organisation()->set_ods_code("RX9");
  outcome.mutable_recorded_by()->set_adapter("grpc");

  const v1::TimelineEvent event = OutcomeRecordedEvent(outcome);

  EXPECT_EQ(event.type(), v1::EVENT_TYPE_OUTCOME_RECORDED);
  EXPECT_EQ(event.referral_id(), "ref-1");
  EXPECT_EQ(event.outcome_id(), "out-1");
  EXPECT_TRUE(event.prescription_id().empty());
  EXPECT_EQ(event.occurred_at().seconds(), 1700000000);
  EXPECT_EQ(event.actor().organisation().ods_code(), "RX9");
  EXPECT_EQ(event.actor().adapter(), "grpc");
  EXPECT_EQ(event.reason_code(), "QUIT_CO_VERIFIED");
  EXPECT_TRUE(event.note().empty());
}

// care (issue 12, item 9): the outcome rules.
using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::IsOkAndHolds;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::HasSubstr;

struct WindowCase {
  v1::FollowUpPoint point;
  std::string recorded_on;  // quit date 2026-01-01
  bool inside;
};

TEST(CheckFollowUpWindowTest, DefaultWindowsCountFromTheQuitDate) {
  const FollowUpWindows windows;
  const std::vector<WindowCase> cases = {
      {v1::FOLLOW_UP_POINT_WEEK_4, "2026-01-25", false},   // day 24
      {v1::FOLLOW_UP_POINT_WEEK_4, "2026-01-26", true},    // day 25
      {v1::FOLLOW_UP_POINT_WEEK_4, "2026-01-29", true},    // day 28
      {v1::FOLLOW_UP_POINT_WEEK_4, "2026-02-12", true},    // day 42
      {v1::FOLLOW_UP_POINT_WEEK_4, "2026-02-13", false},   // day 43
      {v1::FOLLOW_UP_POINT_WEEK_4, "2026-01-01", false},   // day 0
      {v1::FOLLOW_UP_POINT_WEEK_12, "2026-03-18", false},  // day 76
      {v1::FOLLOW_UP_POINT_WEEK_12, "2026-03-19", true},   // day 77
      {v1::FOLLOW_UP_POINT_WEEK_12, "2026-04-09", true},   // day 98
      {v1::FOLLOW_UP_POINT_WEEK_12, "2026-04-10", false},  // day 99
      {v1::FOLLOW_UP_POINT_WEEK_52, "2026-11-26", false},  // day 329
      {v1::FOLLOW_UP_POINT_WEEK_52, "2026-11-27", true},   // day 330
      {v1::FOLLOW_UP_POINT_WEEK_52, "2027-02-05", true},   // day 400
      {v1::FOLLOW_UP_POINT_WEEK_52, "2027-02-06", false},  // day 401
  };
  for (const WindowCase& c : cases) {
    SCOPED_TRACE(
        absl::StrCat(v1::FollowUpPoint_Name(c.point), " ", c.recorded_on));
    const absl::Status s =
        CheckFollowUpWindow(c.point, "2026-01-01", c.recorded_on, windows);
    if (c.inside) {
      EXPECT_THAT(s, IsOk());
    } else {
      EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                              HasSubstr("outcome.recorded_on")));
    }
  }
}

TEST(CheckFollowUpWindowTest, RefusalNamesTheWindowInDaysAndDates) {
  EXPECT_THAT(
      CheckFollowUpWindow(v1::FOLLOW_UP_POINT_WEEK_4, "2026-01-01",
                          "2026-01-15", FollowUpWindows()),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("is day 14 after the quit date 2026-01-01; the "
                         "WEEK_4 follow-up window is days 25-42 (2026-01-26 "
                         "to 2026-02-12)")));
}

TEST(FollowUpWindowsTest, ConfiguredWindowsReplaceTheDefaultsUnsetOnesStay) {
  v1::FollowUpConfig config;
  config.mutable_week_4()->set_min_days(21);
  config.mutable_week_4()->set_max_days(35);
  const FollowUpWindows w = FollowUpWindows::FromConfig(config);
  EXPECT_EQ(w.For(v1::FOLLOW_UP_POINT_WEEK_4).min_days, 21);
  EXPECT_EQ(w.For(v1::FOLLOW_UP_POINT_WEEK_4).max_days, 35);
  EXPECT_EQ(w.For(v1::FOLLOW_UP_POINT_WEEK_12).min_days, 77);
  EXPECT_EQ(w.For(v1::FOLLOW_UP_POINT_WEEK_52).max_days, 400);
}

TEST(CheckReachedTreatmentTest, OnlyReferralsThatReachedTreatment) {
  struct Case {
    v1::ReferralStatus status;
    v1::ReferralStatus held_from;
    bool allowed;
  };
  for (const Case& c : std::vector<Case>{
           {v1::REFERRAL_STATUS_IN_TREATMENT, {}, true},
           {v1::REFERRAL_STATUS_COMPLETED, {}, true},
           {v1::REFERRAL_STATUS_ON_HOLD, v1::REFERRAL_STATUS_IN_TREATMENT,
            true},
           {v1::REFERRAL_STATUS_ON_HOLD, v1::REFERRAL_STATUS_ACCEPTED, false},
           {v1::REFERRAL_STATUS_RECEIVED, {}, false},
           {v1::REFERRAL_STATUS_ACCEPTED, {}, false},
           {v1::REFERRAL_STATUS_DECLINED, {}, false},
           {v1::REFERRAL_STATUS_WITHDRAWN, {}, false},
       }) {
    SCOPED_TRACE(v1::ReferralStatus_Name(c.status));
    v1::Referral r;
    r.set_status(c.status);
    r.set_held_from(c.held_from);
    const absl::Status s = CheckReachedTreatment(r);
    if (c.allowed) {
      EXPECT_THAT(s, IsOk());
    } else {
      EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition,
                              HasSubstr("reached treatment")));
    }
  }
}

TEST(OutcomeQuitDateTest, ComesFromTheQuitDateRecord) {
  v1::Referral r;
  v1::Outcome o;
  EXPECT_THAT(OutcomeQuitDate(o, r).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("SetQuitDate")));
  r.mutable_quit_date()->set_quit_date("2026-01-01");
  EXPECT_THAT(OutcomeQuitDate(o, r), IsOkAndHolds(std::string("2026-01-01")));
  o.set_quit_date("2026-01-01");
  EXPECT_THAT(OutcomeQuitDate(o, r), IsOkAndHolds(std::string("2026-01-01")));
  o.set_quit_date("2026-01-02");
  EXPECT_THAT(OutcomeQuitDate(o, r).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("outcome.quit_date")));
}

TEST(CheckRecordableOutcomeStatusTest, EngagementIsDerivedFromContacts) {
  EXPECT_THAT(
      CheckRecordableOutcomeStatus(v1::OUTCOME_STATUS_DISENGAGED),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("RecordContact")));
  EXPECT_THAT(
      CheckRecordableOutcomeStatus(v1::OUTCOME_STATUS_RE_ENGAGED),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("RecordContact")));
  EXPECT_THAT(CheckRecordableOutcomeStatus(v1::OUTCOME_STATUS_RELAPSED),
              IsOk());
}

}  // namespace
}  // namespace nhs::tobacco::domain
