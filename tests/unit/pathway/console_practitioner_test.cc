// identity (issue 13): the person a console session names is the actor's
// practitioner on the timeline and in the audit row, and the console's
// clinical acts are refused without one.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/violated_fields.h"
#include "tests/unit/pathway/pathway_fixture.h"

namespace nhs::tobacco::pathway {
namespace {

using domain::PrescriptionAction;
using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using ::nhs::tobacco::testing::ViolatedFields;
using ::testing::ElementsAre;

constexpr char kEpsId[] = "24F5DA-A83008-7EFE6Z";

Caller ConsoleGp(bool signed_in) {
  Caller c = As("Y90001", security::Role::kGp, kConsoleAdapter);
  if (signed_in) c.principal.practitioner = {"GMC", "7654321", "Dr Ada Jones"};
  return c;
}

v1::TransitionRequest StepOn(const v1::PrescriptionRequest& p,
                             const std::string& request_id) {
  v1::TransitionRequest t;
  t.set_request_id(request_id);
  t.set_prescription_id(p.prescription_id());
  return t;
}

class ConsolePractitionerTest : public PathwayTest {
 protected:
  // A GP-route request the practice has acknowledged.
  v1::PrescriptionRequest Acknowledged(const Caller& gp) {
    v1::PrescriptionRequest p = Recommended(v1::ROUTE_GP_PRESCRIPTION);
    EXPECT_THAT(
        Step(Service(), PrescriptionAction::kMarkSent, StepOn(p, "sent")),
        IsOk());
    EXPECT_THAT(Step(gp, PrescriptionAction::kAcknowledge, StepOn(p, "ack")),
                IsOk());
    return p;
  }
  absl::StatusOr<v1::PrescriptionRequest> Prescribe(
      const Caller& caller, const v1::PrescriptionRequest& p,
      const v1::Practitioner& in_body = v1::Practitioner()) {
    v1::PrescribeRequest r;
    r.set_request_id("prescribe");
    r.set_prescription_id(p.prescription_id());
    r.set_eps_prescription_id(kEpsId);
    *r.mutable_actor()->mutable_practitioner() = in_body;
    return Await<v1::PrescriptionRequest>(
        [&](Reply<v1::PrescriptionRequest> reply) {
          prescriptions_->Prescribe(caller, r, std::move(reply));
        });
  }
  v1::TimelineEvent LastEvent(const v1::PrescriptionRequest& p) {
    auto timeline =
        prescriptions_->GetTimeline(Inspector(), p.prescription_id());
    EXPECT_THAT(timeline, IsOk());
    if (!timeline.ok() || timeline->events().empty()) return {};
    return *timeline->events().rbegin();
  }
};

TEST_F(ConsolePractitionerTest, AConsolePrescriptionWithoutAPersonIsRefused) {
  v1::PrescriptionRequest p = Acknowledged(ConsoleGp(false));
  auto refused = Prescribe(ConsoleGp(false), p);
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(ViolatedFields(refused.status()), ElementsAre("practitioner"));
  EXPECT_EQ(LastAudit("Prescribe").result(), "FAILED_PRECONDITION");
  EXPECT_EQ(LastEvent(p).to_status(), v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
}

TEST_F(ConsolePractitionerTest,
       APractitionerInTheBodyDoesNotCountInTheConsole) {
  v1::PrescriptionRequest p = Acknowledged(ConsoleGp(false));
  v1::Practitioner claimed;
  claimed.set_register_(v1::PROFESSIONAL_REGISTER_GMC);
  claimed.set_identifier("1111111");
  claimed.set_display_name("Dr Someone Else");
  EXPECT_THAT(Prescribe(ConsoleGp(false), p, claimed),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(ConsolePractitionerTest, TheSessionsPractitionerIsOnTimelineAndAudit) {
  v1::PrescriptionRequest p = Acknowledged(ConsoleGp(true));
  v1::Practitioner claimed;
  claimed.set_register_(v1::PROFESSIONAL_REGISTER_NMC);
  claimed.set_identifier("1111111");
  claimed.set_display_name("Someone Else");
  ASSERT_THAT(Prescribe(ConsoleGp(true), p, claimed), IsOk());
  const v1::TimelineEvent event = LastEvent(p);
  EXPECT_EQ(event.to_status(), v1::PRESCRIPTION_STATUS_PRESCRIBED);
  EXPECT_EQ(event.actor().adapter(), "console");
  EXPECT_EQ(event.actor().organisation().ods_code(), "Y90001");
  EXPECT_EQ(event.actor().practitioner().register_(),
            v1::PROFESSIONAL_REGISTER_GMC);
  EXPECT_EQ(event.actor().practitioner().identifier(), "7654321");
  EXPECT_EQ(event.actor().practitioner().display_name(), "Dr Ada Jones");
  const v1::AuditRecord row = LastAudit("Prescribe", "OK");
  EXPECT_EQ(row.ods_code(), "Y90001");
  EXPECT_EQ(row.practitioner(), "GMC 7654321");
}

TEST_F(ConsolePractitionerTest, AcknowledgingNeedsNoPerson) {
  v1::PrescriptionRequest p = Acknowledged(ConsoleGp(false));
  EXPECT_EQ(LastEvent(p).to_status(), v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
  EXPECT_EQ(LastAudit("Acknowledge", "OK").practitioner(), "");
}

TEST_F(ConsolePractitionerTest, ProgramsPrescribeWithoutAPersonAsBefore) {
  v1::PrescriptionRequest p = Acknowledged(Gp());
  ASSERT_THAT(Prescribe(Gp(), p), IsOk());
  EXPECT_EQ(LastEvent(p).actor().adapter(), "grpc");
  EXPECT_EQ(LastAudit("Prescribe", "OK").practitioner(), "");
}

}  // namespace
}  // namespace nhs::tobacco::pathway
