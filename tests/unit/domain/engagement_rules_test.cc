#include "gateway/domain/engagement_rules.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::domain {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::HasSubstr;

constexpr v1::ContactOutcome A = v1::CONTACT_OUTCOME_ATTENDED;
constexpr v1::ContactOutcome M = v1::CONTACT_OUTCOME_MISSED;
constexpr v1::ContactOutcome C = v1::CONTACT_OUTCOME_CANCELLED;
constexpr EngagementChange kNone = EngagementChange::kNone;
constexpr EngagementChange kOff = EngagementChange::kDisengaged;
constexpr EngagementChange kBack = EngagementChange::kReEngaged;

struct RunCase {
  std::string name;
  std::vector<v1::ContactOutcome> contacts;
  // The change each contact makes, in order.
  std::vector<EngagementChange> changes;
  bool disengaged_after;
};

TEST(AfterContactTest, TwoMissedInARowDisengageAndAttendedReEngages) {
  const std::vector<RunCase> cases = {
      {"one miss", {M}, {kNone}, false},
      {"two misses", {M, M}, {kNone, kOff}, true},
      {"three misses: one event", {M, M, M}, {kNone, kOff, kNone}, true},
      {"attended resets the run", {M, A, M}, {kNone, kNone, kNone}, false},
      {"cancelled is not missed", {C, C, M}, {kNone, kNone, kNone}, false},
      {"cancelled does not break the run", {M, C, M}, {kNone, kNone, kOff},
       true},
      {"attended re-engages", {M, M, A}, {kNone, kOff, kBack}, false},
      {"cancelled does not re-engage", {M, M, C}, {kNone, kOff, kNone}, true},
      {"disengages again after re-engaging",
       {M, M, A, M, M},
       {kNone, kOff, kBack, kNone, kOff},
       true},
      {"attended while engaged: nothing", {A, A}, {kNone, kNone}, false},
  };
  for (const RunCase& c : cases) {
    SCOPED_TRACE(c.name);
    Engagement e;
    ASSERT_EQ(c.contacts.size(), c.changes.size());
    for (size_t i = 0; i < c.contacts.size(); ++i) {
      const EngagementStep step = AfterContact(e, c.contacts[i]);
      EXPECT_EQ(step.change, c.changes[i]) << "contact " << i;
      e = step.after;
    }
    EXPECT_EQ(e.disengaged, c.disengaged_after);
  }
}

TEST(AfterContactTest, CountsTheMissedRun) {
  EXPECT_EQ(AfterContact({false, 0}, M).after, (Engagement{false, 1}));
  EXPECT_EQ(AfterContact({true, 3}, M).after, (Engagement{true, 4}));
  EXPECT_EQ(AfterContact({true, 3}, A).after, (Engagement{false, 0}));
  EXPECT_EQ(AfterContact({false, 1}, C).after, (Engagement{false, 1}));
}

v1::RecordContactRequest ValidContact() {
  v1::RecordContactRequest r;
  r.set_request_id("req-1");
  r.set_referral_id("ref-1");
  r.set_outcome(M);
  r.set_mode(v1::CONTACT_MODE_VIDEO);
  r.set_contact_date("2026-11-30");
  r.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
  return r;
}

TEST(ValidateRecordContactTest, NamesEveryBadField) {
  const absl::CivilDay today(2026, 11, 30);
  EXPECT_THAT(ValidateRecordContact(ValidContact(), 100, today), IsOk());
  v1::RecordContactRequest bad;
  bad.set_contact_date("2026-12-01");
  bad.set_note(std::string(101, 'x'));
  const absl::Status s = ValidateRecordContact(bad, 100, today);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  for (const char* field :
       {"request_id", "referral_id", "outcome", "mode",
        "contact_date: must not be in the future",
        "actor.organisation.ods_code", "note"}) {
    EXPECT_THAT(s.message(), HasSubstr(field));
  }
}

TEST(CheckContactAllowedTest, OnlyWhileTheServiceTreats) {
  struct Case {
    v1::ReferralStatus status;
    bool allowed;
  };
  for (const Case& c : std::vector<Case>{
           {v1::REFERRAL_STATUS_RECEIVED, false},
           {v1::REFERRAL_STATUS_ACCEPTED, true},
           {v1::REFERRAL_STATUS_IN_TREATMENT, true},
           {v1::REFERRAL_STATUS_ON_HOLD, true},
           {v1::REFERRAL_STATUS_DECLINED, false},
           {v1::REFERRAL_STATUS_COMPLETED, false},
           {v1::REFERRAL_STATUS_WITHDRAWN, false},
       }) {
    v1::Referral r;
    r.set_status(c.status);
    EXPECT_EQ(CheckContactAllowed(r).ok(), c.allowed)
        << v1::ReferralStatus_Name(c.status);
  }
}

}  // namespace
}  // namespace nhs::tobacco::domain
