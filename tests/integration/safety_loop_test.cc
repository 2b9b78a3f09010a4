// The CYP1A2 safety loop on the real tobacco-gateway binary, on mutual TLS
// with the development PKI: the alert reaches the trust's engine over HL7
// v2/MLLP (a receiver run by this test that answers AA), the AA makes it
// SENT and never ACKNOWLEDGED, a named prescriber acknowledges it through
// the gRPC API with the trust's certificate, an alert nobody acknowledges
// goes OVERDUE and escalates to the service (a FHIR receiver run by this
// test), a relapse raises another, and the pharmacy is told only what
// happened (README "The CYP1A2 safety loop").
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "adapters/fhir/https_listener.h"
#include "adapters/hl7v2/ack.h"
#include "adapters/hl7v2/mllp_listener.h"
#include "adapters/hl7v2/parser.h"
#include "adapters/hl7v2/writer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nhs/tobacco/v1/safety_alert_service.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "tests/testing/fhir_receiver.h"
#include "tests/testing/sample_requests.h"
#include "tests/testing/secure_gateway_binary.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::Ctx;
using ::nhs::tobacco::testing::FhirReceiver;
using ::nhs::tobacco::testing::FreeLoopbackPort;
using ::nhs::tobacco::testing::SampleRecommendation;
using ::nhs::tobacco::testing::SampleReferralRequest;
using ::nhs::tobacco::testing::SecureGatewayBinary;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

template <typename F>
bool Eventually(F done, absl::Duration timeout = absl::Seconds(20)) {
  const absl::Time end = absl::Now() + timeout;
  while (absl::Now() < end) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return done();
}

// The trust's integration engine: records each HL7 message and answers AA.
class TrustEngine {
 public:
  TrustEngine() : port_(FreeLoopbackPort()) {
    hl7v2::MllpListenerOptions options;
    options.address = absl::StrCat("127.0.0.1:", port_);
    auto listener = hl7v2::MllpListener::Start(
        options, [this](const std::string& payload,
                        std::function<void(std::string)> reply) {
          absl::StatusOr<hl7v2::Message> m = hl7v2::ParseEr7(payload);
          if (!m.ok()) {
            reply("not HL7");
            return;
          }
          {
            absl::MutexLock lock(&mu_);
            received_.push_back(*m);
          }
          hl7v2::AckOutcome outcome;
          outcome.control_id = "ENGINE1";
          outcome.code = hl7v2::AckCode::kAccept;
          reply(hl7v2::WriteEr7(*hl7v2::BuildAck(*m, outcome)));
        });
    EXPECT_TRUE(listener.ok()) << listener.status();
    if (listener.ok()) listener_ = std::move(*listener);
  }
  int port() const { return port_; }
  // The safety alerts received (ORU^R01 with OBR-4 TDSAFETY).
  std::vector<hl7v2::Message> alerts() {
    absl::MutexLock lock(&mu_);
    std::vector<hl7v2::Message> out;
    for (const auto& m : received_) {
      if (m.Get("OBR-4.1").value_or("") == "TDSAFETY") out.push_back(m);
    }
    return out;
  }

 private:
  const int port_;
  std::unique_ptr<hl7v2::MllpListener> listener_;
  absl::Mutex mu_;
  std::vector<hl7v2::Message> received_ ABSL_GUARDED_BY(mu_);
};

struct LoopSetup {
  // The trust's engine is RX9's MLLP route (else RX9 has none).
  bool trust_routed = true;
  int acknowledge_within_seconds = 3;
};

class SafetyLoopTest : public ::testing::Test {
 protected:
  void Start(LoopSetup setup) {
    trust_ = std::make_unique<TrustEngine>();
    pharmacy_ = std::make_unique<FhirReceiver>();
    service_ = std::make_unique<FhirReceiver>();
    const int trust_port = trust_->port();
    const std::string pharmacy_url = pharmacy_->url();
    const std::string service_url = service_->url();
    gateway_ = std::make_unique<SecureGatewayBinary>(
        absl::StrCat(
            "safety_",
            ::testing::UnitTest::GetInstance()->current_test_info()->name()),
        [&](v1::GatewayConfig& config) {
          // The trust's engine takes plaintext MLLP on loopback.
          config.mutable_mllp()->set_allow_plaintext(true);
          for (v1::OrganisationConfig& o : *config.mutable_organisations()) {
            if (o.ods_code() == "RX9" && setup.trust_routed) {
              o.mutable_mllp()->set_outbound_address(
                  absl::StrCat("127.0.0.1:", trust_port));
            }
          }
          for (v1::FhirEndpoint& e :
               *config.mutable_fhir()->mutable_endpoints()) {
            if (e.ods_code() == "FZZ99") e.set_url(pharmacy_url);
            if (e.ods_code() == "TDS01") e.set_url(service_url);
          }
          config.mutable_delivery()->set_max_attempts(5);
          config.mutable_delivery()->set_initial_backoff_ms(50);
          config.mutable_delivery()->set_poll_interval_ms(20);
          config.mutable_deadlines()->set_scan_interval_seconds(1);
          config.mutable_safety()->set_acknowledge_within_seconds(
              setup.acknowledge_within_seconds);
        });
    ASSERT_TRUE(gateway_->started());
  }

  std::unique_ptr<v1::SafetyAlertService::Stub> Alerts(
      const std::string& cert) {
    return v1::SafetyAlertService::NewStub(gateway_->As(cert).channel);
  }

  // A referral from trust RX9 (patient on clozapine), accepted by TDS01,
  // with its first recommendation on the pharmacy route to FZZ99.
  std::string ReferAndRecommend(const std::string& id) {
    v1::Referral referral;
    grpc::Status s = gateway_->As("trust-rx9")
                         .referrals->CreateReferral(
                             Ctx().get(), SampleReferralRequest(id), &referral);
    EXPECT_TRUE(s.ok()) << s.error_message();
    v1::UpdateReferralStatusRequest accept;
    accept.set_request_id(id + "-accept");
    accept.set_referral_id(referral.referral_id());
    accept.set_status(v1::REFERRAL_STATUS_ACCEPTED);
    accept.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
    s = gateway_->As("service-tds01")
            .referrals->UpdateReferralStatus(Ctx().get(), accept, &referral);
    EXPECT_TRUE(s.ok()) << s.error_message();
    v1::PrescriptionRequest p;
    s = gateway_->As("service-tds01")
            .prescriptions->RecommendPrescription(
                Ctx().get(),
                SampleRecommendation(id + "-rx", referral.referral_id(),
                                     "nrt-patch-21mg-24h",
                                     v1::ROUTE_PHARMACY_SUPPLY, "FZZ99"),
                &p);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return referral.referral_id();
  }

  // The service sets the quit date `days` from today (negative: past).
  void SetQuitDate(const std::string& referral_id, int days,
                   const std::string& request_id) {
    v1::SetQuitDateRequest r;
    r.set_request_id(request_id);
    r.set_referral_id(referral_id);
    r.set_quit_date(Day(days));
    r.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
    v1::Referral out;
    grpc::Status s = gateway_->As("service-tds01")
                         .referrals->SetQuitDate(Ctx().get(), r, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  static std::string Day(int days_from_today) {
    return absl::FormatTime("%Y-%m-%d",
                            absl::Now() + absl::Hours(24) * days_from_today,
                            absl::UTCTimeZone());
  }

  std::vector<v1::SafetyAlert> AlertsOf(const std::string& referral_id) {
    v1::ListSafetyAlertsRequest r;
    r.set_referral_id(referral_id);
    v1::ListSafetyAlertsResponse response;
    grpc::Status s =
        Alerts("service-tds01")->ListSafetyAlerts(Ctx().get(), r, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return {response.alerts().begin(), response.alerts().end()};
  }

  // The referral's events, as the treating service sees them.
  std::vector<v1::TimelineEvent> Events(const std::string& referral_id) {
    v1::WatchEventsRequest r;
    r.set_referral_id(referral_id);
    auto ctx = Ctx(absl::Milliseconds(800));
    auto stream =
        gateway_->As("service-tds01").prescriptions->WatchEvents(ctx.get(), r);
    std::vector<v1::TimelineEvent> events;
    v1::TimelineEvent e;
    while (stream->Read(&e)) events.push_back(e);
    return events;
  }

  static std::vector<v1::EventType> AlertEventTypes(
      const std::vector<v1::TimelineEvent>& events) {
    std::vector<v1::EventType> types;
    for (const auto& e : events) {
      if (!e.safety_alert_id().empty()) types.push_back(e.type());
    }
    return types;
  }

  void TearDown() override {
    gateway_.reset();
    trust_.reset();
    pharmacy_.reset();
    service_.reset();
  }

  std::unique_ptr<TrustEngine> trust_;
  std::unique_ptr<FhirReceiver> pharmacy_;
  std::unique_ptr<FhirReceiver> service_;
  std::unique_ptr<SecureGatewayBinary> gateway_;
};

TEST_F(SafetyLoopTest, TheEnginesAaMakesTheAlertSentAndNeverAcknowledged) {
  Start({.trust_routed = true, .acknowledge_within_seconds = 3});
  const std::string referral = ReferAndRecommend("aa");
  ASSERT_TRUE(Eventually([&] { return trust_->alerts().size() == 1; }));
  const hl7v2::Message oru = trust_->alerts()[0];
  EXPECT_EQ(oru.Get("MSH-9.1").value_or(""), "ORU");
  EXPECT_EQ(oru.Get("MSH-5").value_or(""), "RIO");
  std::vector<v1::SafetyAlert> alerts = AlertsOf(referral);
  ASSERT_EQ(alerts.size(), 1u);
  // The ORU names the alert the prescriber acknowledges by.
  EXPECT_EQ(oru.Get("OBR-20").value_or(""), alerts[0].alert_id());
  EXPECT_EQ(alerts[0].trigger(), v1::SAFETY_ALERT_TRIGGER_FIRST_RECOMMENDATION);
  EXPECT_EQ(alerts[0].prescriber().ods_code(), "RX9");

  // The engine's AA: SENT, with when.
  ASSERT_TRUE(Eventually([&] {
    std::vector<v1::SafetyAlert> a = AlertsOf(referral);
    return !a.empty() && a[0].has_sent_at();
  }));
  // Whatever the engine said, nobody acknowledged: past its due time the
  // alert goes OVERDUE, never ACKNOWLEDGED.
  ASSERT_TRUE(Eventually([&] {
    return AlertsOf(referral)[0].state() == v1::SAFETY_ALERT_STATE_OVERDUE;
  }));
  alerts = AlertsOf(referral);
  EXPECT_FALSE(alerts[0].has_acknowledged_at());
  EXPECT_FALSE(alerts[0].has_acknowledged_by());
  const std::vector<v1::EventType> types = AlertEventTypes(Events(referral));
  EXPECT_THAT(types,
              ::testing::ElementsAre(v1::EVENT_TYPE_SAFETY_ALERT,
                                     v1::EVENT_TYPE_SAFETY_ALERT_SENT,
                                     v1::EVENT_TYPE_SAFETY_ALERT_OVERDUE));
  EXPECT_THAT(types, Not(Contains(v1::EVENT_TYPE_SAFETY_ALERT_ACKNOWLEDGED)));
}

TEST_F(SafetyLoopTest, ANamedPrescriberAcknowledgesThroughTheApi) {
  Start({.trust_routed = true, .acknowledge_within_seconds = 60});
  const std::string referral = ReferAndRecommend("ack");
  ASSERT_TRUE(Eventually([&] {
    std::vector<v1::SafetyAlert> a = AlertsOf(referral);
    return !a.empty() && a[0].state() == v1::SAFETY_ALERT_STATE_SENT;
  }));
  const std::string alert_id = AlertsOf(referral)[0].alert_id();
  auto trust = Alerts("trust-rx9");

  // A system (no person named) cannot acknowledge; nothing changes.
  v1::AcknowledgeSafetyAlertRequest nobody;
  nobody.set_request_id("ack-1");
  nobody.set_alert_id(alert_id);
  v1::SafetyAlert answer;
  grpc::Status s = trust->AcknowledgeSafetyAlert(Ctx().get(), nobody, &answer);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("actor.practitioner.identifier"));
  EXPECT_EQ(AlertsOf(referral)[0].state(), v1::SAFETY_ALERT_STATE_SENT);

  // The pharmacy is neither prescriber nor service.
  v1::AcknowledgeSafetyAlertRequest named = nobody;
  named.set_request_id("ack-2");
  named.mutable_actor()->mutable_practitioner()->set_identifier("C7654321");
  named.mutable_actor()->mutable_practitioner()->set_register_(
      v1::PROFESSIONAL_REGISTER_GMC);
  named.mutable_actor()->mutable_practitioner()->set_display_name(
      "Dr A Prescriber");
  named.set_note("Clozapine level booked for day 5");
  s = Alerts("pharmacy-fzz99")
          ->AcknowledgeSafetyAlert(Ctx().get(), named, &answer);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // The prescriber's trust, a named person.
  s = trust->AcknowledgeSafetyAlert(Ctx().get(), named, &answer);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(answer.state(), v1::SAFETY_ALERT_STATE_ACKNOWLEDGED);
  EXPECT_EQ(answer.acknowledged_by().organisation().ods_code(), "RX9");
  EXPECT_EQ(answer.acknowledged_by().practitioner().display_name(),
            "Dr A Prescriber");
  // A retry with the same request id gets the same answer; a new one is
  // refused: it is acknowledged already.
  v1::SafetyAlert again;
  ASSERT_TRUE(trust->AcknowledgeSafetyAlert(Ctx().get(), named, &again).ok());
  EXPECT_EQ(again.version(), answer.version());
  named.set_request_id("ack-3");
  s = trust->AcknowledgeSafetyAlert(Ctx().get(), named, &again);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  // The timeline names the person.
  bool named_on_timeline = false;
  for (const v1::TimelineEvent& e : Events(referral)) {
    if (e.type() != v1::EVENT_TYPE_SAFETY_ALERT_ACKNOWLEDGED) continue;
    named_on_timeline = e.actor().practitioner().identifier() == "C7654321" &&
                        e.actor().organisation().ods_code() == "RX9" &&
                        e.safety_alert_id() == alert_id &&
                        e.note() == "Clozapine level booked for day 5";
  }
  EXPECT_TRUE(named_on_timeline);
}

TEST_F(SafetyLoopTest, AnUnacknowledgedAlertGoesOverdueAndEscalatesOnce) {
  Start({.trust_routed = true, .acknowledge_within_seconds = 2});
  const std::string referral = ReferAndRecommend("late");
  ASSERT_TRUE(Eventually(
      [&] { return service_->WithEvent("safety-alert-overdue").size() == 1; }));
  const std::vector<v1::SafetyAlert> alerts = AlertsOf(referral);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].state(), v1::SAFETY_ALERT_STATE_OVERDUE);
  const std::string body = service_->WithEvent("safety-alert-overdue")[0].body;
  EXPECT_THAT(body, HasSubstr(alerts[0].alert_id()));
  EXPECT_THAT(body, HasSubstr("not acknowledged"));
  // Later scans escalate no more.
  absl::SleepFor(absl::Seconds(3));
  EXPECT_EQ(service_->WithEvent("safety-alert-overdue").size(), 1u);
  // The service still may acknowledge it, as a named person.
  v1::AcknowledgeSafetyAlertRequest ack;
  ack.set_request_id("late-ack");
  ack.set_alert_id(alerts[0].alert_id());
  ack.mutable_actor()->mutable_practitioner()->set_identifier("12A3456B");
  ack.mutable_actor()->mutable_practitioner()->set_display_name(
      "T. Advisor, phoned the prescriber");
  v1::SafetyAlert answer;
  grpc::Status s = Alerts("service-tds01")
                       ->AcknowledgeSafetyAlert(Ctx().get(), ack, &answer);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(answer.state(), v1::SAFETY_ALERT_STATE_ACKNOWLEDGED);
}

TEST_F(SafetyLoopTest, TheQuitDateAlertsThePrescriberAgain) {
  Start({.trust_routed = true, .acknowledge_within_seconds = 60});
  const std::string referral = ReferAndRecommend("quit");
  ASSERT_TRUE(Eventually([&] { return trust_->alerts().size() == 1; }));
  SetQuitDate(referral, 7, "quit-date");
  ASSERT_TRUE(Eventually([&] { return trust_->alerts().size() == 2; }));
  const hl7v2::Message oru = trust_->alerts()[1];
  EXPECT_THAT(hl7v2::WriteEr7(oru),
              HasSubstr(absl::StrCat("has set a quit date of ", Day(7))));
  const std::vector<v1::SafetyAlert> alerts = AlertsOf(referral);
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].trigger(), v1::SAFETY_ALERT_TRIGGER_QUIT_DATE);
  EXPECT_EQ(alerts[0].trigger_date(), Day(7));
  EXPECT_EQ(oru.Get("OBR-20").value_or(""), alerts[0].alert_id());
  ASSERT_TRUE(Eventually([&] {
    return AlertsOf(referral)[0].state() == v1::SAFETY_ALERT_STATE_SENT;
  }));
  // The same date again moves no levels: no new alert.
  SetQuitDate(referral, 7, "quit-date-again");
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_EQ(AlertsOf(referral).size(), 2u);
}

TEST_F(SafetyLoopTest, ARelapseRaisesAnotherAlertToTheTrust) {
  Start({.trust_routed = true, .acknowledge_within_seconds = 60});
  const std::string referral = ReferAndRecommend("relapse");
  // Quit 30 days ago, so today is in the week-4 follow-up window.
  SetQuitDate(referral, -30, "relapse-quit-date");
  ASSERT_TRUE(Eventually([&] { return trust_->alerts().size() == 2; }));
  v1::RecordOutcomeRequest outcome;
  outcome.set_request_id("relapse-outcome");
  outcome.mutable_outcome()->set_referral_id(referral);
  outcome.mutable_outcome()->set_follow_up(v1::FOLLOW_UP_POINT_WEEK_4);
  outcome.mutable_outcome()->set_status(v1::OUTCOME_STATUS_RELAPSED);
  outcome.mutable_outcome()->set_quit_date(Day(-30));
  outcome.mutable_outcome()
      ->mutable_recorded_by()
      ->mutable_organisation()
      ->set_ods_code("TDS01");
  outcome.mutable_outcome()->set_recorded_on(Day(0));
  v1::Outcome recorded;
  grpc::Status s =
      gateway_->As("service-tds01")
          .outcomes->RecordOutcome(Ctx().get(), outcome, &recorded);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_TRUE(Eventually([&] { return trust_->alerts().size() == 3; }));
  EXPECT_THAT(hl7v2::WriteEr7(trust_->alerts()[2]),
              HasSubstr("relapsed to smoking"));
  const std::vector<v1::SafetyAlert> alerts = AlertsOf(referral);
  ASSERT_EQ(alerts.size(), 3u);
  EXPECT_EQ(alerts[0].trigger(), v1::SAFETY_ALERT_TRIGGER_RELAPSE);
  EXPECT_EQ(alerts[0].outcome_id(), recorded.outcome_id());
}

TEST_F(SafetyLoopTest, ThePharmacyIsToldNoPrescriberWasAlertedWithoutARoute) {
  Start({.trust_routed = false, .acknowledge_within_seconds = 60});
  const std::string referral = ReferAndRecommend("noroute");
  ASSERT_TRUE(Eventually(
      [&] { return pharmacy_->WithEvent("supply-request").size() == 1; }));
  const std::string body = pharmacy_->WithEvent("supply-request")[0].body;
  EXPECT_THAT(body, HasSubstr("was not alerted (no route to the prescriber)"));
  EXPECT_THAT(body, Not(HasSubstr("has been asked to review")));
  // The alert is still a record, with nobody to send it to.
  const std::vector<v1::SafetyAlert> alerts = AlertsOf(referral);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_TRUE(alerts[0].prescriber().ods_code().empty());
  EXPECT_EQ(alerts[0].state(), v1::SAFETY_ALERT_STATE_RAISED);
  EXPECT_TRUE(trust_->alerts().empty());
}

TEST_F(SafetyLoopTest, ThePharmacyIsNotToldThePrescriberWasAlertedBeforeItWas) {
  Start({.trust_routed = true, .acknowledge_within_seconds = 60});
  ReferAndRecommend("routed");
  ASSERT_TRUE(Eventually(
      [&] { return pharmacy_->WithEvent("supply-request").size() == 1; }));
  const std::string body = pharmacy_->WithEvent("supply-request")[0].body;
  // The supply request left with the alert still queued: it says so.
  EXPECT_THAT(body, HasSubstr("prescriber (RX9)"));
  EXPECT_THAT(body, Not(HasSubstr("has been asked to review")));
  EXPECT_THAT(body, Not(HasSubstr("was alerted on")));
}

}  // namespace
}  // namespace nhs::tobacco
