// Forged actors on gRPC (issue 11 item 5, issue 10 item 2): the actor of a
// change is the caller's principal. A GP practice calling
// RequireAppointment, or a pharmacy calling Supply, with
// actor.organisation.ods_code of ANOTHER organisation (and any practitioner
// and adapter name, as in the finding) is refused with INVALID_ARGUMENT
// naming the field, and nothing changes; with its own ODS code, or none,
// the change is made and the timeline names the caller's organisation and
// the adapter the call really came through, whatever adapter it named.
//
// (Before issue 10 the pathway wrote whatever actor the request named and
// refused a request without one.)
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/sample_requests.h"
#include "tests/testing/secure_gateway_binary.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::Ctx;
using ::nhs::tobacco::testing::GrpcAs;
using ::nhs::tobacco::testing::SecureGatewayBinary;

// The protocol steps of a timeline. The outbox appends its own events
// (a delivery to the unreachable test endpoint fails) whenever it gets to
// them, so "the last event" would race with it.
std::vector<v1::TimelineEvent> Steps(const v1::GetTimelineResponse& timeline) {
  std::vector<v1::TimelineEvent> steps;
  for (const v1::TimelineEvent& e : timeline.events()) {
    if (e.type() == v1::EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED ||
        e.type() == v1::EVENT_TYPE_PRESCRIPTION_RECOMMENDED) {
      steps.push_back(e);
    }
  }
  return steps;
}

class ForgedActorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    gateway_ = new SecureGatewayBinary("forged_actor");
  }
  static void TearDownTestSuite() {
    delete gateway_;
    gateway_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(gateway_->started()); }

  static GrpcAs& As(const std::string& cert) { return gateway_->As(cert); }
  static std::string NextId(const std::string& what) {
    return absl::StrCat(what, "-", ++counter_);
  }

  static v1::TransitionRequest Step(const std::string& rx,
                                    const std::string& actor_ods) {
    v1::TransitionRequest r;
    r.set_request_id(NextId("step"));
    r.set_prescription_id(rx);
    if (!actor_ods.empty()) {
      r.mutable_actor()->mutable_organisation()->set_ods_code(actor_ods);
    }
    return r;
  }

  // A request from trust RX9's referral, accepted and recommended by TDS01
  // on `route` (to FZZ99 on the pharmacy route), sent and acknowledged by
  // its target.
  static std::string Acknowledged(v1::Route route) {
    v1::Referral referral;
    grpc::Status s =
        As("trust-rx9")
            .referrals->CreateReferral(
                Ctx().get(), testing::SampleReferralRequest(NextId("referral")),
                &referral);
    EXPECT_TRUE(s.ok()) << s.error_message();
    v1::UpdateReferralStatusRequest accept;
    accept.set_request_id(NextId("accept"));
    accept.set_referral_id(referral.referral_id());
    accept.set_status(v1::REFERRAL_STATUS_ACCEPTED);
    accept.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
    s = As("service-tds01")
            .referrals->UpdateReferralStatus(Ctx().get(), accept, &referral);
    EXPECT_TRUE(s.ok()) << s.error_message();
    const bool pharmacy = route == v1::ROUTE_PHARMACY_SUPPLY;
    v1::PrescriptionRequest p;
    s = As("service-tds01")
            .prescriptions->RecommendPrescription(
                Ctx().get(),
                testing::SampleRecommendation(
                    NextId("recommend"), referral.referral_id(),
                    "nrt-patch-21mg-24h", route, pharmacy ? "FZZ99" : ""),
                &p);
    EXPECT_TRUE(s.ok()) << s.error_message();
    const std::string rx = p.prescription_id();
    s = As("service-tds01")
            .prescriptions->MarkSent(Ctx().get(), Step(rx, "TDS01"), &p);
    EXPECT_TRUE(s.ok()) << s.error_message();
    s = As(pharmacy ? "pharmacy-fzz99" : "gp-y90001")
            .prescriptions->Acknowledge(
                Ctx().get(), Step(rx, pharmacy ? "FZZ99" : "Y90001"), &p);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(p.status(), v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
    return rx;
  }

  static v1::GetTimelineResponse Timeline(const std::string& rx) {
    v1::GetTimelineRequest get;
    get.set_prescription_id(rx);
    v1::GetTimelineResponse timeline;
    grpc::Status s =
        As("service-tds01")
            .prescriptions->GetTimeline(Ctx().get(), get, &timeline);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return timeline;
  }

  // A step naming `actor_ods` (when not empty) together with a
  // practitioner and an adapter name of the caller's choosing.
  static v1::TransitionRequest ActorStep(const std::string& rx,
                                         const std::string& actor_ods) {
    v1::TransitionRequest r = Step(rx, actor_ods);
    if (!actor_ods.empty()) {
      v1::Practitioner* who = r.mutable_actor()->mutable_practitioner();
      who->set_identifier("G7654321");
      who->set_register_(v1::PROFESSIONAL_REGISTER_GMC);
      r.mutable_actor()->set_adapter("mllp");
    }
    return r;
  }

  static grpc::Status RequireAppointment(const std::string& rx,
                                         const std::string& actor_ods) {
    v1::PrescriptionRequest p;
    return As("gp-y90001")
        .prescriptions->RequireAppointment(Ctx().get(),
                                           ActorStep(rx, actor_ods), &p);
  }

  static grpc::Status Supply(const std::string& rx,
                             const std::string& actor_ods) {
    v1::PrescriptionRequest p;
    return As("pharmacy-fzz99")
        .prescriptions->Supply(Ctx().get(), ActorStep(rx, actor_ods), &p);
  }

  // The GP practice requires an appointment and the pharmacy supplies,
  // naming `gp_actor` and `pharmacy_actor` as actor (their own ODS code or
  // none): each succeeds, and the timeline names the caller's organisation
  // and the gRPC adapter.
  static void ExpectGpAndPharmacyActAs(const std::string& gp_actor,
                                       const std::string& pharmacy_actor) {
    const std::string appointment = Acknowledged(v1::ROUTE_GP_PRESCRIPTION);
    grpc::Status s = RequireAppointment(appointment, gp_actor);
    EXPECT_TRUE(s.ok()) << "GP, actor '" << gp_actor
                        << "': " << s.error_message();
    ExpectLastEvent(appointment, v1::PRESCRIPTION_STATUS_APPOINTMENT_REQUIRED,
                    "Y90001");
    const std::string supply = Acknowledged(v1::ROUTE_PHARMACY_SUPPLY);
    s = Supply(supply, pharmacy_actor);
    EXPECT_TRUE(s.ok()) << "pharmacy, actor '" << pharmacy_actor
                        << "': " << s.error_message();
    ExpectLastEvent(supply, v1::PRESCRIPTION_STATUS_SUPPLIED, "FZZ99");
  }

  // `step` (one protocol step naming a forged actor) was refused with
  // INVALID_ARGUMENT and the acknowledged request `rx` took no step.
  static void ExpectRefusedAndUnchanged(
      const std::string& rx, const std::function<grpc::Status()>& step) {
    const std::vector<v1::TimelineEvent> before = Steps(Timeline(rx));
    grpc::Status s = step();
    const std::vector<v1::TimelineEvent> after = Steps(Timeline(rx));
    ASSERT_FALSE(after.empty());
    const v1::TimelineEvent& last = after.back();
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << "code " << s.error_code() << " '" << s.error_message()
        << "'; the timeline now names "
        << last.actor().organisation().ods_code() << " for "
        << v1::PrescriptionStatus_Name(last.to_status());
    EXPECT_THAT(s.error_message(),
                ::testing::HasSubstr("actor.organisation.ods_code"));
    EXPECT_EQ(after.size(), before.size());
    EXPECT_EQ(last.to_status(), v1::PRESCRIPTION_STATUS_ACKNOWLEDGED)
        << v1::PrescriptionStatus_Name(last.to_status());
  }

  static void ExpectLastEvent(const std::string& rx,
                              v1::PrescriptionStatus status,
                              const std::string& ods) {
    const std::vector<v1::TimelineEvent> steps = Steps(Timeline(rx));
    ASSERT_FALSE(steps.empty());
    const v1::TimelineEvent& last = steps.back();
    EXPECT_EQ(last.to_status(), status);
    EXPECT_EQ(last.actor().organisation().ods_code(), ods);
    EXPECT_EQ(last.actor().adapter(), "grpc");
  }

  static SecureGatewayBinary* gateway_;
  static int counter_;
};

SecureGatewayBinary* ForgedActorTest::gateway_ = nullptr;
int ForgedActorTest::counter_ = 0;

TEST_F(ForgedActorTest,
       GpNamingAnotherPracticeAsActorIsRefusedAndNothingChanges) {
  const std::string rx = Acknowledged(v1::ROUTE_GP_PRESCRIPTION);
  ExpectRefusedAndUnchanged(rx,
                            [&] { return RequireAppointment(rx, "Y90002"); });
}

TEST_F(ForgedActorTest, PharmacyNamingAnotherPharmacyAsActorIsRefused) {
  const std::string rx = Acknowledged(v1::ROUTE_PHARMACY_SUPPLY);
  ExpectRefusedAndUnchanged(rx, [&] { return Supply(rx, "FZZ98"); });
}

TEST_F(ForgedActorTest, OwnOdsCodeAsActorIsWrittenOnTheTimeline) {
  ExpectGpAndPharmacyActAs("Y90001", "FZZ99");
}

TEST_F(ForgedActorTest, NoActorIsTheCallersOrganisationOnTheTimeline) {
  // The actor comes from the certificate, so a request need not name one.
  ExpectGpAndPharmacyActAs("", "");
}

}  // namespace
}  // namespace nhs::tobacco
