#include "gateway/domain/quit_date_rules.h"

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

v1::SetQuitDateRequest Valid(const std::string& date) {
  v1::SetQuitDateRequest r;
  r.set_request_id("req-1");
  r.set_referral_id("ref-1");
  r.set_quit_date(date);
  r.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
  return r;
}

TEST(ValidateSetQuitDateTest, AcceptsADateWithinAYearOfToday) {
  const absl::CivilDay today(2026, 11, 30);
  struct Case {
    std::string date;
    bool ok;
  };
  for (const Case& c : std::vector<Case>{{"2026-11-30", true},
                                         {"2026-12-07", true},
                                         {"2026-10-01", true},
                                         {"2027-11-30", true},
                                         {"2027-12-01", false},
                                         {"2025-11-29", false},
                                         {"2026-02-30", false},
                                         {"30/11/2026", false},
                                         {"", false}}) {
    SCOPED_TRACE(c.date);
    const absl::Status s = ValidateSetQuitDate(Valid(c.date), 100, today);
    if (c.ok) {
      EXPECT_THAT(s, IsOk());
    } else {
      EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                              HasSubstr("quit_date")));
    }
  }
}

TEST(CheckQuitDateAllowedTest, OnlyOnAReferralTakenOn) {
  struct Case {
    v1::ReferralStatus status;
    bool allowed;
    v1::ReferralStatus after;
  };
  for (const Case& c : std::vector<Case>{
           {v1::REFERRAL_STATUS_ACCEPTED, true,
            v1::REFERRAL_STATUS_IN_TREATMENT},
           {v1::REFERRAL_STATUS_IN_TREATMENT, true,
            v1::REFERRAL_STATUS_IN_TREATMENT},
           {v1::REFERRAL_STATUS_RECEIVED, false, {}},
           {v1::REFERRAL_STATUS_ON_HOLD, false, {}},
           {v1::REFERRAL_STATUS_DECLINED, false, {}},
           {v1::REFERRAL_STATUS_COMPLETED, false, {}},
           {v1::REFERRAL_STATUS_WITHDRAWN, false, {}},
       }) {
    SCOPED_TRACE(v1::ReferralStatus_Name(c.status));
    v1::Referral r;
    r.set_status(c.status);
    const absl::Status s = CheckQuitDateAllowed(r);
    EXPECT_EQ(s.ok(), c.allowed) << s;
    if (c.allowed) {
      EXPECT_EQ(StatusAfterQuitDate(c.status), c.after);
    }
  }
  v1::Referral held;
  held.set_status(v1::REFERRAL_STATUS_ON_HOLD);
  EXPECT_THAT(CheckQuitDateAllowed(held),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("reopen it first")));
}

TEST(QuitDateSetEventTest, CarriesTheRecord) {
  v1::QuitDate q;
  q.set_quit_date_id("qd-1");
  q.set_referral_id("ref-1");
  q.set_quit_date("2026-12-01");
  q.mutable_set_by()->mutable_organisation()->set_ods_code("TDS01");
  q.mutable_set_at()->set_seconds(42);
  const v1::TimelineEvent e = QuitDateSetEvent(q);
  EXPECT_EQ(e.type(), v1::EVENT_TYPE_QUIT_DATE_SET);
  EXPECT_EQ(e.referral_id(), "ref-1");
  EXPECT_EQ(e.quit_date().quit_date(), "2026-12-01");
  EXPECT_EQ(e.actor().organisation().ods_code(), "TDS01");
  EXPECT_EQ(e.occurred_at().seconds(), 42);
}

}  // namespace
}  // namespace nhs::tobacco::domain
