#include "gateway/domain/outcome_rules.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

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

}  // namespace
}  // namespace nhs::tobacco::domain
