// The outcome rules on the real binary over mutual TLS (issue 12, item 9):
// outcomes only on referrals that reached treatment, the quit date from the
// quit date record, follow-up windows counted from it (an outcome outside
// its window refused naming the window), DISENGAGED / RE_ENGAGED refused as
// outcomes, and ListOutcomes paged by organisation and period, scoped to
// what the caller may read.
#include <grpcpp/grpcpp.h>

#include <set>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/sample_requests.h"
#include "tests/testing/secure_gateway_binary.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::Ctx;
using ::nhs::tobacco::testing::SecureGatewayBinary;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAreArray;

constexpr char kService[] = "service-tds01";

std::string DaysFromToday(int days) {
  return absl::FormatCivilTime(
      absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) + days);
}

class OutcomeRulesTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(gateway_.started()); }

  std::string NextId(const std::string& what) {
    return what + "-" + std::to_string(++ids_);
  }

  // A referral to TDS01 from `referrer` (RX9 files its own; the service
  // files for Y90001, which it takes referrals from).
  std::string Referral(const std::string& referrer = "RX9") {
    v1::CreateReferralRequest r =
        testing::SampleReferralRequest(NextId("create"));
    const char* cert = "trust-rx9";
    if (referrer != "RX9") {
      r.mutable_referral()->mutable_referrer()->set_ods_code(referrer);
      r.mutable_referral()->set_source(v1::REFERRAL_SOURCE_GP);
      cert = kService;
    }
    v1::Referral out;
    grpc::Status s =
        gateway_.As(cert).referrals->CreateReferral(Ctx().get(), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.referral_id();
  }

  grpc::Status SetStatus(const std::string& id, v1::ReferralStatus status,
                         const std::string& reason = "") {
    v1::UpdateReferralStatusRequest r;
    r.set_request_id(NextId("status"));
    r.set_referral_id(id);
    r.set_status(status);
    r.set_reason(reason);
    r.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
    v1::Referral out;
    return gateway_.As(kService).referrals->UpdateReferralStatus(Ctx().get(), r,
                                                                 &out);
  }

  // Accepted, and in treatment from a quit date `days_ago` days back.
  std::string Treated(int days_ago, const std::string& referrer = "RX9") {
    const std::string id = Referral(referrer);
    EXPECT_TRUE(SetStatus(id, v1::REFERRAL_STATUS_ACCEPTED).ok());
    v1::SetQuitDateRequest q;
    q.set_request_id(NextId("quit"));
    q.set_referral_id(id);
    q.set_quit_date(DaysFromToday(-days_ago));
    q.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
    v1::Referral out;
    grpc::Status s =
        gateway_.As(kService).referrals->SetQuitDate(Ctx().get(), q, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return id;
  }

  grpc::Status Record(
      const std::string& id, v1::FollowUpPoint point,
      const std::string& recorded_on, const std::string& quit_date = "",
      v1::OutcomeStatus status = v1::OUTCOME_STATUS_QUIT_SELF_REPORTED,
      v1::Outcome* out = nullptr) {
    v1::RecordOutcomeRequest r;
    r.set_request_id(NextId("outcome"));
    v1::Outcome* o = r.mutable_outcome();
    o->set_referral_id(id);
    o->set_follow_up(point);
    o->set_status(status);
    o->set_quit_date(quit_date);
    o->set_recorded_on(recorded_on);
    o->mutable_recorded_by()->mutable_organisation()->set_ods_code("TDS01");
    v1::Outcome ignored;
    return gateway_.As(kService).outcomes->RecordOutcome(
        Ctx().get(), r, out != nullptr ? out : &ignored);
  }

  int OutcomesOf(const std::string& id) {
    v1::ListOutcomesRequest r;
    r.set_referral_id(id);
    v1::ListOutcomesResponse out;
    EXPECT_TRUE(gateway_.As(kService)
                    .outcomes->ListOutcomes(Ctx().get(), r, &out)
                    .ok());
    return out.outcomes_size();
  }

  // Every outcome id `cert` lists with `request`, following the pages.
  std::vector<std::string> ListAll(const std::string& cert,
                                   v1::ListOutcomesRequest request,
                                   int* pages = nullptr) {
    std::vector<std::string> ids;
    int n = 0;
    do {
      v1::ListOutcomesResponse page;
      grpc::Status s =
          gateway_.As(cert).outcomes->ListOutcomes(Ctx().get(), request, &page);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      ++n;
      EXPECT_LE(page.outcomes_size(), std::max(request.page_size(), 1) + 0);
      for (const auto& o : page.outcomes()) ids.push_back(o.outcome_id());
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty() && n < 50);
    if (pages != nullptr) *pages = n;
    return ids;
  }

  SecureGatewayBinary gateway_{"outcome_rules"};
  int ids_ = 0;
};

TEST_F(OutcomeRulesTest, OutcomeOnADeclinedReferralIsRefused) {
  const std::string id = Referral();
  ASSERT_TRUE(SetStatus(id, v1::REFERRAL_STATUS_DECLINED, "not eligible").ok());
  const grpc::Status s = Record(id, v1::FOLLOW_UP_POINT_WEEK_4,
                                DaysFromToday(0), DaysFromToday(-28));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(),
              AllOf(HasSubstr("reached treatment"), HasSubstr("DECLINED")));
  EXPECT_EQ(OutcomesOf(id), 0);
  // Nor on one only accepted (no treatment, no quit date yet).
  const std::string accepted = Referral();
  ASSERT_TRUE(SetStatus(accepted, v1::REFERRAL_STATUS_ACCEPTED).ok());
  EXPECT_EQ(Record(accepted, v1::FOLLOW_UP_POINT_WEEK_4, DaysFromToday(0))
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(OutcomeRulesTest, FourWeekOutcomeOutsideItsWindowIsRefusedNamingIt) {
  const std::string id = Treated(50);
  const std::string quit = DaysFromToday(-50);
  // Day 20: too early.
  grpc::Status s = Record(id, v1::FOLLOW_UP_POINT_WEEK_4, DaysFromToday(-30));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      s.error_message(),
      AllOf(HasSubstr("outcome.recorded_on"), HasSubstr("day 20"),
            HasSubstr("WEEK_4 follow-up window is days 25-42"),
            HasSubstr(DaysFromToday(-25)), HasSubstr(DaysFromToday(-8))));
  // Day 43: too late.
  s = Record(id, v1::FOLLOW_UP_POINT_WEEK_4, DaysFromToday(-7));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("days 25-42"));
  EXPECT_EQ(OutcomesOf(id), 0);

  // A quit date other than the record's is refused; none is filled in.
  s = Record(id, v1::FOLLOW_UP_POINT_WEEK_4, DaysFromToday(-22),
             DaysFromToday(-49));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(),
              AllOf(HasSubstr("outcome.quit_date"), HasSubstr(quit)));
  v1::Outcome recorded;
  s = Record(id, v1::FOLLOW_UP_POINT_WEEK_4, DaysFromToday(-22), "",
             v1::OUTCOME_STATUS_QUIT_SELF_REPORTED, &recorded);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(recorded.quit_date(), quit);
  EXPECT_EQ(OutcomesOf(id), 1);
}

TEST_F(OutcomeRulesTest, EngagementStatusesAreRefusedPointingAtRecordContact) {
  const std::string id = Treated(28);
  for (v1::OutcomeStatus status :
       {v1::OUTCOME_STATUS_DISENGAGED, v1::OUTCOME_STATUS_RE_ENGAGED}) {
    const grpc::Status s =
        Record(id, v1::FOLLOW_UP_POINT_WEEK_4, DaysFromToday(0), "", status);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(s.error_message(),
                AllOf(HasSubstr("outcome.status"), HasSubstr("RecordContact")));
  }
  EXPECT_EQ(OutcomesOf(id), 0);
}

TEST_F(OutcomeRulesTest, ListOutcomesPagesByOrganisationAndPeriodScoped) {
  // Five outcomes on RX9's referrals, recorded 0..4 days ago (day 30..26
  // after their quit dates), and two on a referral from Y90001.
  std::vector<std::string> rx9;
  for (int i = 0; i < 5; ++i) {
    v1::Outcome o;
    const std::string id = Treated(30);
    ASSERT_TRUE(Record(id, v1::FOLLOW_UP_POINT_WEEK_4, DaysFromToday(-i), "",
                       v1::OUTCOME_STATUS_NOT_QUIT, &o)
                    .ok());
    rx9.push_back(o.outcome_id());
  }
  std::vector<std::string> y90001;
  const std::string other = Treated(90, "Y90001");
  for (auto [point, ago] : {std::pair{v1::FOLLOW_UP_POINT_WEEK_4, 60},
                            std::pair{v1::FOLLOW_UP_POINT_WEEK_12, 0}}) {
    v1::Outcome o;
    ASSERT_TRUE(Record(other, point, DaysFromToday(-ago), "",
                       v1::OUTCOME_STATUS_RELAPSED, &o)
                    .ok());
    y90001.push_back(o.outcome_id());
  }

  // The service treats all of them: seven, two a page.
  v1::ListOutcomesRequest all;
  all.set_page_size(2);
  int pages = 0;
  std::vector<std::string> everything = rx9;
  everything.insert(everything.end(), y90001.begin(), y90001.end());
  EXPECT_THAT(ListAll(kService, all, &pages),
              UnorderedElementsAreArray(everything));
  EXPECT_EQ(pages, 4);

  // By organisation: the referrer RX9's five, newest first, no repeats.
  v1::ListOutcomesRequest by_rx9 = all;
  by_rx9.set_ods_code("RX9");
  std::vector<std::string> listed = ListAll(kService, by_rx9);
  EXPECT_THAT(listed, UnorderedElementsAreArray(rx9));
  EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()).size(), 5u);

  // By period: recorded 1 to 3 days ago.
  v1::ListOutcomesRequest period = by_rx9;
  period.set_recorded_from(DaysFromToday(-3));
  period.set_recorded_to(DaysFromToday(-1));
  EXPECT_THAT(ListAll(kService, period),
              UnorderedElementsAreArray({rx9[1], rx9[2], rx9[3]}));
  v1::ListOutcomesRequest y_period = all;
  y_period.set_ods_code("Y90001");
  y_period.set_recorded_to(DaysFromToday(-30));
  EXPECT_THAT(ListAll(kService, y_period),
              UnorderedElementsAreArray({y90001[0]}));

  // Scoped: the trust lists its own referrals' outcomes only, whatever
  // organisation it names; a practice with no part in any sees nothing.
  EXPECT_THAT(ListAll("trust-rx9", all), UnorderedElementsAreArray(rx9));
  v1::ListOutcomesRequest other_org = all;
  other_org.set_ods_code("TDS01");
  EXPECT_THAT(ListAll("trust-rx9", other_org), UnorderedElementsAreArray(rx9));
  v1::ListOutcomesRequest y_all = all;
  y_all.set_ods_code("Y90001");
  // Every referral here is registered with practice Y90001: the trust
  // sees its own five, never the outcomes of Y90001's own referral.
  EXPECT_THAT(ListAll("trust-rx9", y_all), UnorderedElementsAreArray(rx9));
  EXPECT_TRUE(ListAll("gp-y90002", all).empty());
  EXPECT_TRUE(ListAll("gp-y90002", by_rx9).empty());
  v1::ListOutcomesResponse refused;
  grpc::Status s;

  // Bad input: named fields.
  v1::ListOutcomesRequest bad;
  bad.set_recorded_from("2026-02-30");
  bad.set_page_size(-1);
  s = gateway_.As(kService).outcomes->ListOutcomes(Ctx().get(), bad, &refused);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(),
              AllOf(HasSubstr("recorded_from"), HasSubstr("page_size")));
}

}  // namespace
}  // namespace nhs::tobacco
