// The quit date, ON_HOLD/reopen and engagement on the real binary over
// mutual TLS (issue 12, items 4 and 7): the treating service TDS01 sets a
// quit date (its own record, on the timeline, the referral moving to
// IN_TREATMENT), pauses and reopens a referral to the status it left, and
// records contacts: two missed in a row put DISENGAGED on the timeline and
// the referral on the service's disengaged list, a later attended contact
// RE_ENGAGED.
#include <grpcpp/grpcpp.h>

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
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kService[] = "service-tds01";

std::string DaysFromToday(int days) {
  return absl::FormatCivilTime(
      absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) + days);
}

class EngagementTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(gateway_.started()); }

  std::string NextId(const std::string& what) {
    return what + "-" + std::to_string(++ids_);
  }

  // A referral from RX9 to TDS01, accepted by the service.
  std::string AcceptedReferral() {
    v1::Referral referral;
    grpc::Status s =
        gateway_.As("trust-rx9")
            .referrals->CreateReferral(
                Ctx().get(), testing::SampleReferralRequest(NextId("create")),
                &referral);
    EXPECT_TRUE(s.ok()) << s.error_message();
    s = SetStatus(referral.referral_id(), v1::REFERRAL_STATUS_ACCEPTED, "",
                  &referral);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return referral.referral_id();
  }

  grpc::Status SetStatus(const std::string& id, v1::ReferralStatus status,
                         const std::string& reason, v1::Referral* out) {
    v1::UpdateReferralStatusRequest r;
    r.set_request_id(NextId("status"));
    r.set_referral_id(id);
    r.set_status(status);
    r.set_reason(reason);
    r.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
    return gateway_.As(kService).referrals->UpdateReferralStatus(Ctx().get(), r,
                                                                 out);
  }

  grpc::Status SetQuitDate(const std::string& id, const std::string& date,
                           v1::Referral* out,
                           const std::string& cert = kService) {
    v1::SetQuitDateRequest r;
    r.set_request_id(NextId("quit"));
    r.set_referral_id(id);
    r.set_quit_date(date);
    r.set_note("agreed at first session");
    r.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
    return gateway_.As(cert).referrals->SetQuitDate(Ctx().get(), r, out);
  }

  grpc::Status Contact(const std::string& id, v1::ContactOutcome outcome,
                       v1::Contact* out = nullptr) {
    v1::RecordContactRequest r;
    r.set_request_id(NextId("contact"));
    r.set_referral_id(id);
    r.set_outcome(outcome);
    r.set_mode(v1::CONTACT_MODE_PHONE);
    r.set_contact_date(DaysFromToday(0));
    r.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
    v1::Contact ignored;
    return gateway_.As(kService).referrals->RecordContact(
        Ctx().get(), r, out != nullptr ? out : &ignored);
  }

  v1::Referral Get(const std::string& id) {
    v1::GetReferralRequest r;
    r.set_referral_id(id);
    v1::Referral out;
    grpc::Status s =
        gateway_.As(kService).referrals->GetReferral(Ctx().get(), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  // The referral's timeline as the service watches it.
  std::vector<v1::TimelineEvent> Events(const std::string& id) {
    v1::WatchEventsRequest r;
    r.set_referral_id(id);
    auto ctx = Ctx(absl::Milliseconds(500));
    auto stream =
        gateway_.As(kService).prescriptions->WatchEvents(ctx.get(), r);
    std::vector<v1::TimelineEvent> events;
    v1::TimelineEvent e;
    while (stream->Read(&e)) events.push_back(e);
    return events;
  }

  std::vector<v1::EventType> Types(const std::string& id) {
    std::vector<v1::EventType> types;
    for (const auto& e : Events(id)) types.push_back(e.type());
    return types;
  }

  std::vector<std::string> Disengaged() {
    v1::ListReferralsRequest r;
    r.set_disengaged_only(true);
    v1::ListReferralsResponse out;
    grpc::Status s =
        gateway_.As(kService).referrals->ListReferrals(Ctx().get(), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::vector<std::string> ids;
    for (const auto& ref : out.referrals()) ids.push_back(ref.referral_id());
    return ids;
  }

  SecureGatewayBinary gateway_{"engagement"};
  int ids_ = 0;
};

TEST_F(EngagementTest, QuitDateIsARecordOnTheTimelineAndStartsTreatment) {
  const std::string id = AcceptedReferral();
  v1::Referral referral;
  grpc::Status s = SetQuitDate(id, DaysFromToday(3), &referral);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(referral.status(), v1::REFERRAL_STATUS_IN_TREATMENT);
  EXPECT_EQ(referral.quit_date().quit_date(), DaysFromToday(3));
  EXPECT_EQ(referral.quit_date().set_by().organisation().ods_code(), "TDS01");

  // Amended: a second record, naming the one it replaced.
  s = SetQuitDate(id, DaysFromToday(5), &referral);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(referral.status(), v1::REFERRAL_STATUS_IN_TREATMENT);
  EXPECT_EQ(Get(id).quit_date().quit_date(), DaysFromToday(5));
  EXPECT_EQ(Get(id).quit_date().previous_quit_date(), DaysFromToday(3));

  std::vector<v1::TimelineEvent> events = Events(id);
  std::vector<std::string> quit_dates;
  for (const auto& e : events) {
    if (e.type() == v1::EVENT_TYPE_QUIT_DATE_SET) {
      quit_dates.push_back(e.quit_date().quit_date());
    }
  }
  EXPECT_THAT(quit_dates, ElementsAre(DaysFromToday(3), DaysFromToday(5)));
  // The sample patient takes clozapine: each quit date also raises the
  // CYP1A2 safety alert (safety part of issue 12).
  EXPECT_THAT(Types(id), ElementsAre(v1::EVENT_TYPE_REFERRAL_CREATED,
                                     v1::EVENT_TYPE_REFERRAL_STATUS_CHANGED,
                                     v1::EVENT_TYPE_QUIT_DATE_SET,
                                     v1::EVENT_TYPE_REFERRAL_STATUS_CHANGED,
                                     v1::EVENT_TYPE_SAFETY_ALERT,
                                     v1::EVENT_TYPE_QUIT_DATE_SET,
                                     v1::EVENT_TYPE_SAFETY_ALERT));
}

TEST_F(EngagementTest, QuitDateIsRefusedOnAReferralNotTakenOn) {
  v1::Referral referral;
  grpc::Status s =
      gateway_.As("trust-rx9")
          .referrals->CreateReferral(
              Ctx().get(), testing::SampleReferralRequest(NextId("create")),
              &referral);
  ASSERT_TRUE(s.ok()) << s.error_message();
  s = SetQuitDate(referral.referral_id(), DaysFromToday(1), &referral);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("RECEIVED"));
  EXPECT_FALSE(Get(referral.referral_id()).has_quit_date());

  // Bad input: named field, nothing changes.
  const std::string id = AcceptedReferral();
  s = SetQuitDate(id, "2026-13-01", &referral);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("quit_date"));
  EXPECT_EQ(Get(id).status(), v1::REFERRAL_STATUS_ACCEPTED);
  // Another organisation may not set it.
  s = SetQuitDate(id, DaysFromToday(1), &referral, "trust-rx9");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(EngagementTest, OnHoldReopensOnlyToTheStatusItLeft) {
  const std::string id = AcceptedReferral();
  v1::Referral referral;
  ASSERT_TRUE(SetQuitDate(id, DaysFromToday(0), &referral).ok());
  ASSERT_EQ(referral.status(), v1::REFERRAL_STATUS_IN_TREATMENT);

  // A reason is required.
  grpc::Status s = SetStatus(id, v1::REFERRAL_STATUS_ON_HOLD, "", &referral);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("reason"));

  s = SetStatus(id, v1::REFERRAL_STATUS_ON_HOLD, "in hospital", &referral);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(referral.status(), v1::REFERRAL_STATUS_ON_HOLD);
  EXPECT_EQ(referral.held_from(), v1::REFERRAL_STATUS_IN_TREATMENT);
  EXPECT_EQ(referral.status_reason(), "in hospital");

  // Not to another status, and no quit date while paused.
  s = SetStatus(id, v1::REFERRAL_STATUS_ACCEPTED, "", &referral);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("IN_TREATMENT"));
  s = SetQuitDate(id, DaysFromToday(1), &referral);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Get(id).status(), v1::REFERRAL_STATUS_ON_HOLD);

  s = SetStatus(id, v1::REFERRAL_STATUS_IN_TREATMENT, "home again", &referral);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(referral.status(), v1::REFERRAL_STATUS_IN_TREATMENT);
  EXPECT_EQ(referral.held_from(), v1::REFERRAL_STATUS_UNSPECIFIED);

  // An ACCEPTED referral goes back to ACCEPTED.
  const std::string other = AcceptedReferral();
  ASSERT_TRUE(
      SetStatus(other, v1::REFERRAL_STATUS_ON_HOLD, "abroad", &referral).ok());
  EXPECT_EQ(referral.held_from(), v1::REFERRAL_STATUS_ACCEPTED);
  s = SetStatus(other, v1::REFERRAL_STATUS_IN_TREATMENT, "", &referral);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  s = SetStatus(other, v1::REFERRAL_STATUS_ACCEPTED, "back", &referral);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(referral.status(), v1::REFERRAL_STATUS_ACCEPTED);
}

TEST_F(EngagementTest, TwoMissedContactsDisengageAndAnAttendedOneReEngages) {
  const std::string id = AcceptedReferral();
  const std::string steady = AcceptedReferral();
  ASSERT_TRUE(Contact(id, v1::CONTACT_OUTCOME_MISSED).ok());
  // A cancelled contact is not missed, and does not break the run.
  ASSERT_TRUE(Contact(id, v1::CONTACT_OUTCOME_CANCELLED).ok());
  EXPECT_FALSE(Get(id).disengaged());
  EXPECT_THAT(Types(id), Not(Contains(v1::EVENT_TYPE_DISENGAGED)));
  ASSERT_TRUE(Contact(steady, v1::CONTACT_OUTCOME_MISSED).ok());
  ASSERT_TRUE(Contact(steady, v1::CONTACT_OUTCOME_ATTENDED).ok());
  ASSERT_TRUE(Contact(steady, v1::CONTACT_OUTCOME_MISSED).ok());

  v1::Contact second;
  ASSERT_TRUE(Contact(id, v1::CONTACT_OUTCOME_MISSED, &second).ok());
  EXPECT_TRUE(Get(id).disengaged());
  EXPECT_THAT(Disengaged(), ElementsAre(id));
  std::vector<v1::TimelineEvent> events = Events(id);
  int disengaged = 0;
  for (const auto& e : events) {
    if (e.type() != v1::EVENT_TYPE_DISENGAGED) continue;
    ++disengaged;
    EXPECT_EQ(e.contact().contact_id(), second.contact_id());
    EXPECT_EQ(e.actor().organisation().ods_code(), "TDS01");
  }
  EXPECT_EQ(disengaged, 1);

  // A third miss changes nothing more; an attended contact re-engages.
  ASSERT_TRUE(Contact(id, v1::CONTACT_OUTCOME_MISSED).ok());
  ASSERT_TRUE(Contact(id, v1::CONTACT_OUTCOME_ATTENDED).ok());
  EXPECT_FALSE(Get(id).disengaged());
  EXPECT_THAT(Disengaged(), ElementsAre());
  EXPECT_THAT(
      Types(id),
      ElementsAre(v1::EVENT_TYPE_REFERRAL_CREATED,
                  v1::EVENT_TYPE_REFERRAL_STATUS_CHANGED,
                  v1::EVENT_TYPE_CONTACT_RECORDED,
                  v1::EVENT_TYPE_CONTACT_RECORDED,
                  v1::EVENT_TYPE_CONTACT_RECORDED, v1::EVENT_TYPE_DISENGAGED,
                  v1::EVENT_TYPE_CONTACT_RECORDED,
                  v1::EVENT_TYPE_CONTACT_RECORDED, v1::EVENT_TYPE_RE_ENGAGED));
}

TEST_F(EngagementTest, ContactsAreRefusedWithPreciseErrors) {
  const std::string id = AcceptedReferral();
  v1::RecordContactRequest r;
  r.set_request_id(NextId("contact"));
  r.set_referral_id(id);
  r.set_contact_date(DaysFromToday(1));
  r.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
  v1::Contact out;
  grpc::Status s =
      gateway_.As(kService).referrals->RecordContact(Ctx().get(), r, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), AllOf(HasSubstr("outcome"), HasSubstr("mode"),
                                       HasSubstr("contact_date")));
  EXPECT_THAT(Types(id), Not(Contains(v1::EVENT_TYPE_CONTACT_RECORDED)));

  // The same request_id replays the first answer, recording nothing new.
  r.set_outcome(v1::CONTACT_OUTCOME_MISSED);
  r.set_mode(v1::CONTACT_MODE_HOME_VISIT);
  r.set_contact_date(DaysFromToday(0));
  r.set_request_id(NextId("contact"));
  v1::Contact first;
  ASSERT_TRUE(gateway_.As(kService)
                  .referrals->RecordContact(Ctx().get(), r, &first)
                  .ok());
  v1::Contact again;
  ASSERT_TRUE(gateway_.As(kService)
                  .referrals->RecordContact(Ctx().get(), r, &again)
                  .ok());
  EXPECT_EQ(again.contact_id(), first.contact_id());
  EXPECT_EQ(Get(id).missed_contacts_in_a_row(), 1);
}

}  // namespace
}  // namespace nhs::tobacco
