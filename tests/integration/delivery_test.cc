// The outbox end to end, on loopback: a real gateway sends to a trust's MLLP
// receiver and to GP and pharmacy FHIR receivers (mutual TLS) run by this
// test, whose answers the test chooses: down, reset, AE, AR, HTTP 500/400,
// slow. Proves retries with backoff, dead letters and replay, the timeline's
// SENT/ACKNOWLEDGED/DELIVERY_FAILED, order per record and the
// per-destination limit.

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "adapters/fhir/https_listener.h"
#include "adapters/hl7v2/ack.h"
#include "adapters/hl7v2/mllp_listener.h"
#include "adapters/hl7v2/parser.h"
#include "adapters/hl7v2/writer.h"
#include "gateway/delivery/outbound_renderer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nhs/tobacco/v1/admin_service.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "tests/testing/dev_certs.h"
#include "tests/testing/fhir_receiver.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/sample_requests.h"
#include "tests/testing/test_gateway.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::Clients;
using ::nhs::tobacco::testing::Ctx;
using ::nhs::tobacco::testing::FhirReceiver;
using ::nhs::tobacco::testing::FreeLoopbackPort;
using ::nhs::tobacco::testing::FreshDataDir;
using ::nhs::tobacco::testing::SampleConfig;
using ::nhs::tobacco::testing::SampleRecommendation;
using ::nhs::tobacco::testing::SampleReferralRequest;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kTrust[] = "RX9";
constexpr char kGp[] = "Y90001";
constexpr char kPharmacy[] = "FZZ99";
constexpr char kService[] = "TDS01";

std::string Pki(const std::string& name) {
  return (testing::DevCerts() / name).string();
}

// Polls `done` until true or `timeout`; true if it became true.
template <typename F>
bool Eventually(F done, absl::Duration timeout = absl::Seconds(20)) {
  const absl::Time end = absl::Now() + timeout;
  while (absl::Now() < end) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return done();
}

// The trust's integration engine: an MLLP receiver on a fixed port that
// records each message (MSH-9 type, MSH-10) and answers as told.
class TrustReceiver {
 public:
  enum class Answer { kAccept, kError, kReject, kReset };

  explicit TrustReceiver(int port) : port_(port) {}
  ~TrustReceiver() { Down(); }

  void Up() {
    hl7v2::MllpListenerOptions options;
    options.address = absl::StrCat("127.0.0.1:", port_);
    auto listener = hl7v2::MllpListener::Start(
        options, [this](const std::string& payload,
                        std::function<void(std::string)> reply) {
          Receive(payload, std::move(reply));
        });
    ASSERT_TRUE(listener.ok()) << listener.status();
    listener_ = std::move(*listener);
  }
  void Down() { listener_.reset(); }
  void Answer(Answer a) { answer_ = a; }

  struct Received {
    std::string type;  // MSH-9.1: "RRI", "ORU"
    std::string control_id;
    std::string obr4;  // ORU^R01's report code (TDOUTCOME / TDSAFETY)
  };
  std::vector<Received> received() {
    absl::MutexLock lock(&mu_);
    return received_;
  }

 private:
  void Receive(const std::string& payload,
               std::function<void(std::string)> reply) {
    absl::StatusOr<hl7v2::Message> m = hl7v2::ParseEr7(payload);
    ASSERT_TRUE(m.ok()) << m.status();
    {
      absl::MutexLock lock(&mu_);
      received_.push_back(Received{m->Get("MSH-9").value_or(""),
                                   m->Get("MSH-10").value_or(""),
                                   m->Get("OBR-4.1").value_or("")});
    }
    const enum Answer answer = answer_.load();
    if (answer == Answer::kReset) {
      // Not an ACK at all: the gateway must treat it as no confirmation.
      reply("garbage that is not HL7");
      return;
    }
    hl7v2::AckOutcome outcome;
    outcome.control_id = "ACK1";
    outcome.code = answer == Answer::kAccept  ? hl7v2::AckCode::kAccept
                   : answer == Answer::kError ? hl7v2::AckCode::kError
                                              : hl7v2::AckCode::kReject;
    if (answer != Answer::kAccept) {
      hl7v2::AckError e;
      e.user_message = "NHS number 9990000018 not on our index";
      // A rejection for good (207 "internal error" would be retried).
      if (answer == Answer::kReject)
        e.code = hl7v2::ErrorCode::kUnsupportedMessageType;
      outcome.errors.push_back(e);
    }
    absl::StatusOr<hl7v2::Message> ack = hl7v2::BuildAck(*m, outcome);
    ASSERT_TRUE(ack.ok()) << ack.status();
    reply(hl7v2::WriteEr7(*ack));
  }

  const int port_;
  std::atomic<enum Answer> answer_{Answer::kAccept};
  std::unique_ptr<hl7v2::MllpListener> listener_;
  absl::Mutex mu_;
  std::vector<Received> received_ ABSL_GUARDED_BY(mu_);
};

class DeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshDataDir();
    trust_port_ = FreeLoopbackPort();
    trust_ = std::make_unique<TrustReceiver>(trust_port_);
    gp_ = std::make_unique<FhirReceiver>();
    pharmacy_ = std::make_unique<FhirReceiver>();
    service_ = std::make_unique<FhirReceiver>();
  }

  void StartGateway(int max_in_flight = 4, int max_attempts = 4,
                    const Clock* clock = &Clock::Real()) {
    v1::GatewayConfig config = SampleConfig(dir_);
    auto* mllp = config.mutable_mllp();
    mllp->set_address("127.0.0.1:0");
    mllp->set_allow_plaintext(true);
    mllp->clear_tls();
    testing::ClearMllpTrusts(config);
    auto* trust = mllp->add_trusts();
    trust->set_sending_facility(kTrust);
    trust->set_outbound_address(absl::StrCat("127.0.0.1:", trust_port_));
    auto* fhir = config.mutable_fhir();
    fhir->set_address("127.0.0.1:0");
    fhir->set_tls_cert_path(Pki("server.pem"));
    fhir->set_tls_key_path(Pki("server.key"));
    fhir->set_client_ca_file(Pki("ca.pem"));
    fhir->set_ca_cert_path(Pki("ca.pem"));
    fhir->set_client_cert_path(Pki("service-tds01.pem"));
    fhir->set_client_key_path(Pki("service-tds01.key"));
    // SampleConfig applied defaults before this block existed.
    fhir->set_connect_timeout_ms(2000);
    fhir->set_request_timeout_ms(2000);
    fhir->set_max_body_bytes(1 << 20);
    fhir->set_public_endpoint("https://127.0.0.1/fhir/$process-message");
    auto* gp = fhir->add_endpoints();
    gp->set_ods_code(kGp);
    gp->set_url(gp_url_.empty() ? gp_->url() : gp_url_);
    auto* pharmacy = fhir->add_endpoints();
    pharmacy->set_ods_code(kPharmacy);
    pharmacy->set_url(pharmacy_->url());
    auto* service = fhir->add_endpoints();
    service->set_ods_code(kService);
    service->set_url(service_->url());
    auto* d = config.mutable_delivery();
    d->set_max_attempts(max_attempts);
    d->set_initial_backoff_ms(20);
    d->set_max_backoff_ms(200);
    d->set_poll_interval_ms(10);
    d->set_mllp_ack_timeout_ms(2000);
    d->set_max_in_flight_per_destination(max_in_flight);
    server::GatewayServerOptions options;
    options.clock = clock;
    auto server = server::GatewayServer::Start(config, options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    clients_ = std::make_unique<Clients>(server_->port());
    admin_ = v1::AdminService::NewStub(clients_->channel);
  }

  void TearDown() override {
    clients_.reset();
    server_.reset();
    trust_.reset();
    gp_.reset();
    pharmacy_.reset();
    service_.reset();
    std::filesystem::remove_all(dir_);
  }

  v1::Referral AcceptedReferral(const std::string& id) {
    v1::Referral referral;
    EXPECT_TRUE(
        clients_->referrals
            ->CreateReferral(Ctx().get(), SampleReferralRequest(id), &referral)
            .ok());
    v1::UpdateReferralStatusRequest accept;
    accept.set_request_id(id + "-accept");
    accept.set_referral_id(referral.referral_id());
    accept.set_status(v1::REFERRAL_STATUS_ACCEPTED);
    accept.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
    EXPECT_TRUE(clients_->referrals
                    ->UpdateReferralStatus(Ctx().get(), accept, &referral)
                    .ok());
    return referral;
  }

  v1::PrescriptionRequest Recommend(const std::string& id,
                                    const v1::Referral& referral,
                                    v1::Route route,
                                    const std::string& target = "",
                                    const std::string& nominated = "") {
    v1::RecommendPrescriptionRequest r = SampleRecommendation(
        id, referral.referral_id(), "nrt-patch-21mg-24h", route, target);
    if (!nominated.empty()) {
      r.mutable_nominated_pharmacy()->set_ods_code(nominated);
    }
    v1::PrescriptionRequest p;
    EXPECT_TRUE(
        clients_->prescriptions->RecommendPrescription(Ctx().get(), r, &p)
            .ok());
    return p;
  }

  v1::PrescriptionRequest Get(const std::string& id) {
    v1::GetPrescriptionRequest r;
    r.set_prescription_id(id);
    v1::PrescriptionRequest p;
    EXPECT_TRUE(
        clients_->prescriptions->GetPrescription(Ctx().get(), r, &p).ok());
    return p;
  }

  // The service cancels `prescription_id` (patient declined).
  ::testing::AssertionResult Cancel(const std::string& request_id,
                                    const std::string& prescription_id) {
    v1::ReasonedTransitionRequest cancel;
    cancel.set_request_id(request_id);
    cancel.set_prescription_id(prescription_id);
    cancel.set_reason_code("PATIENT_DECLINED");
    cancel.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
    v1::PrescriptionRequest cancelled;
    grpc::Status s =
        clients_->prescriptions->Cancel(Ctx().get(), cancel, &cancelled);
    if (s.ok()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << s.error_message();
  }

  // A week-4 outcome recorded by the service today, 28 days after the quit
  // date it sets first (issue 12: outcomes count from the quit date
  // record); `outcome` has only what the test is about (status, CO).
  ::testing::AssertionResult RecordOutcome(const std::string& request_id,
                                           const v1::Referral& referral,
                                           v1::Outcome outcome) {
    const absl::CivilDay today =
        absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
    v1::SetQuitDateRequest quit;
    quit.set_request_id(request_id + "-quit");
    quit.set_referral_id(referral.referral_id());
    quit.set_quit_date(absl::FormatCivilTime(today - 28));
    quit.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
    v1::Referral treated;
    grpc::Status set =
        clients_->referrals->SetQuitDate(Ctx().get(), quit, &treated);
    if (!set.ok()) {
      return ::testing::AssertionFailure()
             << "SetQuitDate: " << set.error_message();
    }
    v1::RecordOutcomeRequest request;
    request.set_request_id(request_id);
    outcome.set_referral_id(referral.referral_id());
    outcome.set_follow_up(v1::FOLLOW_UP_POINT_WEEK_4);
    outcome.set_recorded_on(absl::FormatCivilTime(today));
    outcome.mutable_recorded_by()->mutable_organisation()->set_ods_code(
        "TDS01");
    *request.mutable_outcome() = std::move(outcome);
    v1::Outcome recorded;
    grpc::Status s =
        clients_->outcomes->RecordOutcome(Ctx().get(), request, &recorded);
    if (s.ok()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << s.error_code() << " " << s.error_message();
  }

  std::vector<v1::TimelineEvent> Timeline(const std::string& prescription_id) {
    v1::GetTimelineRequest request;
    request.set_prescription_id(prescription_id);
    v1::GetTimelineResponse timeline;
    EXPECT_TRUE(
        clients_->prescriptions->GetTimeline(Ctx().get(), request, &timeline)
            .ok());
    return {timeline.events().begin(), timeline.events().end()};
  }

  std::vector<v1::Delivery> Deliveries(v1::DeliveryState state) {
    v1::ListDeliveriesRequest r;
    r.set_state(state);
    r.set_page_size(500);
    v1::ListDeliveriesResponse response;
    EXPECT_TRUE(admin_->ListDeliveries(Ctx().get(), r, &response).ok());
    return {response.deliveries().begin(), response.deliveries().end()};
  }

  bool Drained() { return Deliveries(v1::DELIVERY_STATE_PENDING).empty(); }

  std::vector<v1::TimelineEvent> ReferralEvents(const std::string& referral) {
    v1::WatchEventsRequest r;
    r.set_referral_id(referral);
    auto ctx = Ctx(absl::Milliseconds(500));
    auto stream = clients_->prescriptions->WatchEvents(ctx.get(), r);
    std::vector<v1::TimelineEvent> events;
    v1::TimelineEvent e;
    while (stream->Read(&e)) events.push_back(e);
    return events;
  }

  std::vector<v1::EventType> TypesOf(const std::vector<v1::TimelineEvent>& es) {
    std::vector<v1::EventType> types;
    for (const auto& e : es) types.push_back(e.type());
    return types;
  }

  std::filesystem::path dir_;
  int trust_port_ = 0;
  std::unique_ptr<TrustReceiver> trust_;
  std::unique_ptr<FhirReceiver> gp_;
  std::unique_ptr<FhirReceiver> pharmacy_;
  std::unique_ptr<FhirReceiver> service_;
  // When set, where the GP's messages go instead of gp_.
  std::string gp_url_;
  std::unique_ptr<server::GatewayServer> server_;
  std::unique_ptr<Clients> clients_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
};

TEST_F(DeliveryTest, EveryCausedMessageArrivesAndTheProtocolAdvances) {
  trust_->Up();
  StartGateway();
  const v1::Referral referral = AcceptedReferral("happy");
  // The patient takes clozapine: the trust also gets a safety alert.
  const v1::PrescriptionRequest gp_rx =
      Recommend("happy-gp", referral, v1::ROUTE_GP_PRESCRIPTION, "", kPharmacy);
  const v1::PrescriptionRequest pharmacy_rx = Recommend(
      "happy-pharmacy", referral, v1::ROUTE_PHARMACY_SUPPLY, kPharmacy);
  // Delivered and confirmed: RECOMMENDED -> SENT -> ACKNOWLEDGED.
  ASSERT_TRUE(Eventually([&] {
    return Get(gp_rx.prescription_id()).status() ==
               v1::PRESCRIPTION_STATUS_ACKNOWLEDGED &&
           Get(pharmacy_rx.prescription_id()).status() ==
               v1::PRESCRIPTION_STATUS_ACKNOWLEDGED;
  }));
  v1::PrescribeRequest prescribe;
  prescribe.set_request_id("happy-prescribe");
  prescribe.set_prescription_id(gp_rx.prescription_id());
  prescribe.set_eps_prescription_id("4D7E1A-Y90001-0003FX");
  prescribe.mutable_actor()->mutable_organisation()->set_ods_code(kGp);
  v1::PrescriptionRequest prescribed;
  ASSERT_TRUE(
      clients_->prescriptions->Prescribe(Ctx().get(), prescribe, &prescribed)
          .ok());
  v1::Outcome quit;
  quit.set_status(v1::OUTCOME_STATUS_QUIT_CO_VERIFIED);
  quit.set_co_reading_ppm(4);
  ASSERT_TRUE(RecordOutcome("happy-outcome", referral, quit));
  ASSERT_TRUE(Eventually([&] { return Drained(); }));

  const std::vector<v1::Delivery> delivered =
      Deliveries(v1::DELIVERY_STATE_DELIVERED);
  // Safety alerts where levels move: the first recommendation (not each
  // one) and the quit date the outcome needed.
  ASSERT_EQ(delivered.size(), 8u);
  std::map<std::string, std::string> id_by_kind;
  std::vector<std::string> safety_alerts;
  for (const v1::Delivery& d : delivered) {
    id_by_kind[v1::MessageKind_Name(d.kind())] = d.message_id();
    if (d.kind() == v1::MESSAGE_KIND_SAFETY_ALERT) {
      safety_alerts.push_back(absl::StrCat(
          "ORU TDSAFETY ", delivery::Hl7ControlId(d.message_id())));
    }
    EXPECT_EQ(d.attempts(), 1) << d.ShortDebugString();
    EXPECT_TRUE(d.handed_over());
  }
  // The trust: RRI^I12, the safety alert and the outcome, each under the
  // control id its message id gives.
  std::vector<std::string> trust_got;
  for (const auto& r : trust_->received()) {
    trust_got.push_back(absl::StrCat(r.type, " ", r.obr4, " ", r.control_id));
  }
  EXPECT_THAT(
      trust_got,
      ::testing::UnorderedElementsAre(
          absl::StrCat("RRI  ",
                       delivery::Hl7ControlId(
                           id_by_kind["MESSAGE_KIND_REFERRAL_RESPONSE"])),
          safety_alerts.at(0), safety_alerts.at(1),
          absl::StrCat("ORU TDOUTCOME ",
                       delivery::Hl7ControlId(
                           id_by_kind["MESSAGE_KIND_TRUST_OUTCOME"]))));
  std::vector<std::string> gp_got;
  for (const auto& r : gp_->received()) {
    gp_got.push_back(absl::StrCat(r.event, " ", r.id));
    EXPECT_EQ(r.destination, gp_->url());
  }
  EXPECT_THAT(
      gp_got,
      ElementsAre(absl::StrCat("prescription-recommendation ",
                               id_by_kind["MESSAGE_KIND_GP_RECOMMENDATION"]),
                  absl::StrCat("outcome-notification ",
                               id_by_kind["MESSAGE_KIND_GP_OUTCOME"])));
  std::vector<std::string> pharmacy_got;
  for (const auto& r : pharmacy_->received()) pharmacy_got.push_back(r.event);
  EXPECT_THAT(pharmacy_got, ::testing::UnorderedElementsAre(
                                "supply-request", "prescription-notice"));

  // The timeline says where each message got to.
  // The safety alert to the trust and the letter to the GP go to different
  // receivers, so their events interleave freely; each keeps its own order.
  std::vector<std::string> steps;
  std::vector<std::string> alert_steps;
  for (const auto& e : Timeline(gp_rx.prescription_id())) {
    const std::string step = absl::StrCat(
        v1::EventType_Name(e.type()), ":",
        v1::PrescriptionStatus_Name(e.to_status()), ":", e.reason_code());
    (e.reason_code() == "SAFETY_ALERT" ? alert_steps : steps).push_back(step);
  }
  EXPECT_THAT(
      steps,
      ElementsAre(
          "EVENT_TYPE_PRESCRIPTION_RECOMMENDED:PRESCRIPTION_STATUS_"
          "RECOMMENDED:",
          "EVENT_TYPE_SAFETY_ALERT:PRESCRIPTION_STATUS_UNSPECIFIED:CYP1A2_"
          "LEVEL_REVIEW",
          "EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED:PRESCRIPTION_STATUS_SENT:GP_"
          "RECOMMENDATION",
          "EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED:PRESCRIPTION_STATUS_"
          "ACKNOWLEDGED:GP_RECOMMENDATION",
          "EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED:PRESCRIPTION_STATUS_"
          "PRESCRIBED:",
          "EVENT_TYPE_MESSAGE_SENT:PRESCRIPTION_STATUS_UNSPECIFIED:"
          "PRESCRIPTION_NOTICE",
          "EVENT_TYPE_MESSAGE_ACKNOWLEDGED:PRESCRIPTION_STATUS_UNSPECIFIED:"
          "PRESCRIPTION_NOTICE"));
  EXPECT_THAT(alert_steps,
              ElementsAre("EVENT_TYPE_MESSAGE_SENT:PRESCRIPTION_STATUS_"
                          "UNSPECIFIED:SAFETY_ALERT",
                          "EVENT_TYPE_MESSAGE_ACKNOWLEDGED:PRESCRIPTION_STATUS_"
                          "UNSPECIFIED:SAFETY_ALERT"));
}

TEST_F(DeliveryTest, ADownTrustGetsItsMessageOnceItComesBack) {
  StartGateway();
  const v1::Referral referral = AcceptedReferral("down");
  ASSERT_TRUE(Eventually([&] {
    auto pending = Deliveries(v1::DELIVERY_STATE_PENDING);
    return pending.size() == 1 && pending[0].attempts() >= 2;
  }));
  const v1::Delivery waiting = Deliveries(v1::DELIVERY_STATE_PENDING)[0];
  EXPECT_THAT(waiting.last_error(), HasSubstr("UNAVAILABLE"));
  EXPECT_FALSE(waiting.handed_over());
  trust_->Up();
  ASSERT_TRUE(Eventually([&] { return Drained(); }));
  ASSERT_EQ(trust_->received().size(), 1u);
  EXPECT_EQ(trust_->received()[0].control_id,
            delivery::Hl7ControlId(waiting.message_id()));
  EXPECT_THAT(TypesOf(ReferralEvents(referral.referral_id())),
              ElementsAre(v1::EVENT_TYPE_REFERRAL_CREATED,
                          v1::EVENT_TYPE_REFERRAL_STATUS_CHANGED,
                          v1::EVENT_TYPE_MESSAGE_SENT,
                          v1::EVENT_TYPE_MESSAGE_ACKNOWLEDGED));
}

TEST_F(DeliveryTest, AeIsRetriedUntilADeadLetterThatAnOperatorReplays) {
  trust_->Up();
  trust_->Answer(TrustReceiver::Answer::kError);
  StartGateway();
  const v1::Referral referral = AcceptedReferral("ae");
  ASSERT_TRUE(Eventually(
      [&] { return Deliveries(v1::DELIVERY_STATE_DEAD_LETTER).size() == 1; }));
  v1::Delivery dead = Deliveries(v1::DELIVERY_STATE_DEAD_LETTER)[0];
  EXPECT_EQ(dead.attempts(), 4);
  EXPECT_EQ(trust_->received().size(), 4u);
  // Our messages ask for enhanced-mode commit ACKs (MSH-15 AL), so the
  // trust answers CE/CR. Its words are kept, its NHS number masked.
  EXPECT_THAT(dead.last_error(),
              HasSubstr("gave up after 4 tries; last: HL7 CE: NHS number "
                        "999 *** **18 not on our index"));
  EXPECT_THAT(
      TypesOf(ReferralEvents(referral.referral_id())),
      ElementsAre(v1::EVENT_TYPE_REFERRAL_CREATED,
                  v1::EVENT_TYPE_REFERRAL_STATUS_CHANGED,
                  v1::EVENT_TYPE_MESSAGE_SENT, v1::EVENT_TYPE_DELIVERY_FAILED));
  // A dead letter is not discarded by accident: replay needs a dead letter.
  v1::Delivery answer;
  v1::ReplayDeliveryRequest replay;
  replay.set_message_id(dead.message_id());
  trust_->Answer(TrustReceiver::Answer::kAccept);
  ASSERT_TRUE(admin_->ReplayDelivery(Ctx().get(), replay, &answer).ok());
  EXPECT_EQ(answer.state(), v1::DELIVERY_STATE_PENDING);
  ASSERT_TRUE(Eventually([&] { return Drained(); }));
  const auto received = trust_->received();
  ASSERT_EQ(received.size(), 5u);
  // Every try carried the same MSH-10, so the trust can deduplicate.
  for (const auto& r : received) {
    EXPECT_EQ(r.control_id, delivery::Hl7ControlId(dead.message_id()));
  }
  grpc::Status again = admin_->ReplayDelivery(Ctx().get(), replay, &answer);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(again.error_message(), HasSubstr("DELIVERED"));
  EXPECT_THAT(TypesOf(ReferralEvents(referral.referral_id())),
              Contains(v1::EVENT_TYPE_MESSAGE_ACKNOWLEDGED));
}

TEST_F(DeliveryTest, ArIsADeadLetterAtOnceAndCanBeDiscarded) {
  trust_->Up();
  trust_->Answer(TrustReceiver::Answer::kReject);
  StartGateway();
  AcceptedReferral("ar");
  ASSERT_TRUE(Eventually(
      [&] { return Deliveries(v1::DELIVERY_STATE_DEAD_LETTER).size() == 1; }));
  const v1::Delivery dead = Deliveries(v1::DELIVERY_STATE_DEAD_LETTER)[0];
  EXPECT_EQ(dead.attempts(), 1);
  EXPECT_THAT(dead.last_error(), HasSubstr("refused by the receiver: HL7 CR"));
  v1::DiscardDeliveryRequest discard;
  discard.set_message_id(dead.message_id());
  v1::Delivery answer;
  grpc::Status no_reason =
      admin_->DiscardDelivery(Ctx().get(), discard, &answer);
  EXPECT_EQ(no_reason.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  discard.set_reason("the trust re-sent the referral by hand");
  ASSERT_TRUE(admin_->DiscardDelivery(Ctx().get(), discard, &answer).ok());
  EXPECT_EQ(answer.state(), v1::DELIVERY_STATE_DISCARDED);
  EXPECT_THAT(answer.last_error(), HasSubstr("re-sent the referral by hand"));
  v1::GetDeliveryStatsResponse stats;
  ASSERT_TRUE(admin_->GetDeliveryStats(Ctx().get(), {}, &stats).ok());
  ASSERT_EQ(stats.destinations_size(), 1);
  EXPECT_EQ(stats.destinations(0).dead_letters(), 0);
  EXPECT_EQ(stats.destinations(0).pending(), 0);
}

TEST_F(DeliveryTest, NoAckFromATrustThatAnswersNonsenseThenRecovery) {
  trust_->Up();
  trust_->Answer(TrustReceiver::Answer::kReset);
  StartGateway();
  AcceptedReferral("reset");
  ASSERT_TRUE(Eventually([&] { return trust_->received().size() >= 2; }));
  const auto pending = Deliveries(v1::DELIVERY_STATE_PENDING);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_THAT(pending[0].last_error(), HasSubstr("not HL7"));
  trust_->Answer(TrustReceiver::Answer::kAccept);
  ASSERT_TRUE(Eventually([&] { return Drained(); }));
  EXPECT_EQ(Deliveries(v1::DELIVERY_STATE_DELIVERED).size(), 1u);
}

TEST_F(DeliveryTest, Http500IsRetriedAnd400IsADeadLetterWithMaskedText) {
  StartGateway();
  const v1::Referral referral = AcceptedReferral("http");
  gp_->FailNext(2, 503);
  const v1::PrescriptionRequest rx =
      Recommend("http-gp", referral, v1::ROUTE_GP_PRESCRIPTION);
  ASSERT_TRUE(Eventually([&] {
    return Get(rx.prescription_id()).status() ==
           v1::PRESCRIPTION_STATUS_ACKNOWLEDGED;
  }));
  auto delivered = Deliveries(v1::DELIVERY_STATE_DELIVERED);
  auto gp_delivery = std::find_if(
      delivered.begin(), delivered.end(), [](const v1::Delivery& d) {
        return d.kind() == v1::MESSAGE_KIND_GP_RECOMMENDATION;
      });
  ASSERT_NE(gp_delivery, delivered.end());
  EXPECT_EQ(gp_delivery->attempts(), 3);
  ASSERT_EQ(gp_->received().size(), 3u);
  EXPECT_EQ(gp_->received()[0].id, gp_->received()[2].id);

  pharmacy_->FailNext(1, 422);
  const v1::PrescriptionRequest supply = Recommend(
      "http-pharmacy", referral, v1::ROUTE_PHARMACY_SUPPLY, kPharmacy);
  // (The trust is down here: its messages die too; this is about FZZ99.)
  v1::Delivery dead;
  ASSERT_TRUE(Eventually([&] {
    for (const v1::Delivery& d : Deliveries(v1::DELIVERY_STATE_DEAD_LETTER)) {
      if (d.destination_ods() == kPharmacy) dead = d;
    }
    return !dead.message_id().empty();
  }));
  EXPECT_EQ(dead.attempts(), 1);
  EXPECT_EQ(dead.last_error(),
            "refused by the receiver: HTTP 422: Patient 999 *** **18 unknown "
            "here");
  // Handed over but refused: SENT, never ACKNOWLEDGED.
  EXPECT_EQ(Get(supply.prescription_id()).status(),
            v1::PRESCRIPTION_STATUS_SENT);
}

TEST_F(DeliveryTest, ASlowReceiverNeverHasMoreThanTheLimitInFlight) {
  trust_->Up();
  StartGateway(/*max_in_flight=*/2);
  pharmacy_->Delay(absl::Milliseconds(150));
  const v1::Referral referral = AcceptedReferral("slow");
  std::vector<std::string> ids;
  for (int i = 0; i < 8; ++i) {
    ids.push_back(Recommend(absl::StrCat("slow-", i), referral,
                            v1::ROUTE_PHARMACY_SUPPLY, kPharmacy)
                      .prescription_id());
  }
  ASSERT_TRUE(Eventually([&] { return Drained(); }, absl::Seconds(30)));
  EXPECT_EQ(pharmacy_->received().size(), 8u);
  EXPECT_EQ(pharmacy_->max_in_flight(), 2);
  for (const std::string& id : ids) {
    EXPECT_EQ(Get(id).status(), v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
  }
}

TEST_F(DeliveryTest, MessagesAboutOneReferralLeaveInTheOrderTheyWereCaused) {
  trust_->Up();
  trust_->Answer(TrustReceiver::Answer::kError);
  // Enough tries that the RRI^I12 is still pending, not dead, meanwhile.
  StartGateway(/*max_in_flight=*/4, /*max_attempts=*/100);
  const v1::Referral referral = AcceptedReferral("order");
  ASSERT_TRUE(Eventually([&] { return trust_->received().size() >= 2; }));
  // The outcome's ORU^R01 is queued behind the RRI^I12 that is failing...
  v1::Outcome not_quit;
  not_quit.set_status(v1::OUTCOME_STATUS_NOT_QUIT);
  ASSERT_TRUE(RecordOutcome("order-outcome", referral, not_quit));
  absl::SleepFor(absl::Milliseconds(200));
  for (const auto& r : trust_->received()) {
    EXPECT_EQ(r.type, "RRI") << "the outcome overtook the RRI";
  }
  // ... and leaves only after it.
  trust_->Answer(TrustReceiver::Answer::kAccept);
  ASSERT_TRUE(Eventually([&] { return Drained(); }));
  const auto received = trust_->received();
  // The RRI^I12 (and its retries) first, then the quit date's safety alert
  // and the outcome, both ORU^R01, in the order they were caused.
  size_t first_oru = 0;
  while (first_oru < received.size() && received[first_oru].type == "RRI") {
    ++first_oru;
  }
  ASSERT_GT(first_oru, 0u);
  ASSERT_EQ(received.size() - first_oru, 2u);
  EXPECT_EQ(received[first_oru].obr4, "TDSAFETY");
  EXPECT_EQ(received.back().obr4, "TDOUTCOME");
  EXPECT_THAT(Deliveries(v1::DELIVERY_STATE_DEAD_LETTER), ::testing::IsEmpty());
}

TEST_F(DeliveryTest, QueuedMessagesSurviveARestartAndLeaveAfterIt) {
  StartGateway();
  AcceptedReferral("restart");
  ASSERT_TRUE(Eventually(
      [&] { return Deliveries(v1::DELIVERY_STATE_PENDING).size() == 1; }));
  server_.reset();
  trust_->Up();
  StartGateway();
  ASSERT_TRUE(Eventually([&] { return Drained(); }));
  EXPECT_EQ(trust_->received().size(), 1u);
  EXPECT_THAT(Deliveries(v1::DELIVERY_STATE_DELIVERED),
              Not(::testing::IsEmpty()));
}

TEST_F(DeliveryTest, AMissedDeadlineEscalatesToTheServiceExactlyOnce) {
  testing::FakeClock clock(absl::Now());
  trust_->Up();
  StartGateway(4, 4, &clock);
  const v1::Referral referral = AcceptedReferral("late");
  const v1::PrescriptionRequest rx =
      Recommend("late-gp", referral, v1::ROUTE_GP_PRESCRIPTION);
  ASSERT_TRUE(Eventually([&] {
    return Get(rx.prescription_id()).status() ==
           v1::PRESCRIPTION_STATUS_ACKNOWLEDGED;
  }));
  // The GP has two working days to decide; a week passes in silence.
  clock.Advance(absl::Hours(24 * 7));
  // The request, and (issue 12) the patient's CYP1A2 safety alert nobody
  // acknowledged in that week.
  ASSERT_EQ(*server_->deadline_scan().Scan(security::GatewayPrincipal()), 2);
  ASSERT_TRUE(Eventually([&] { return Drained(); }));
  // Scans after that find nothing new: once per missed deadline.
  EXPECT_EQ(*server_->deadline_scan().Scan(security::GatewayPrincipal()), 0);
  std::vector<std::string> events;
  for (const auto& r : service_->received()) events.push_back(r.event);
  EXPECT_THAT(events, ::testing::UnorderedElementsAre("overdue-escalation",
                                                      "safety-alert-overdue"));
  EXPECT_TRUE(Get(rx.prescription_id()).overdue());
  std::vector<std::string> late;
  for (const auto& e : Timeline(rx.prescription_id())) {
    if (e.type() == v1::EVENT_TYPE_OVERDUE ||
        e.reason_code() == "OVERDUE_ESCALATION") {
      late.push_back(absl::StrCat(v1::EventType_Name(e.type()), " ",
                                  e.actor().organisation().ods_code()));
    }
  }
  EXPECT_THAT(late, ElementsAre("EVENT_TYPE_OVERDUE Y90001",
                                "EVENT_TYPE_MESSAGE_SENT TDS01",
                                "EVENT_TYPE_MESSAGE_ACKNOWLEDGED TDS01"));
  // The gateway's threads read `clock` until they stop: stop them before it
  // goes (TearDown would, after it; the dispatcher crashed on it once in
  // about forty runs).
  clients_.reset();
  server_.reset();
}

TEST_F(DeliveryTest, ARecommendationCancelledBeforeDeliveryIsNeverSent) {
  // The practice's system is unreachable (nothing listens there).
  gp_url_ = absl::StrCat("https://127.0.0.1:", FreeLoopbackPort(),
                         "/fhir/$process-message");
  trust_->Up();
  StartGateway(4, /*max_attempts=*/100);
  const v1::Referral referral = AcceptedReferral("withdrawn");
  const v1::PrescriptionRequest rx =
      Recommend("withdrawn-gp", referral, v1::ROUTE_GP_PRESCRIPTION);
  auto gp_delivery = [&]() -> std::optional<v1::Delivery> {
    v1::ListDeliveriesRequest r;
    r.set_destination_ods(kGp);
    v1::ListDeliveriesResponse response;
    EXPECT_TRUE(admin_->ListDeliveries(Ctx().get(), r, &response).ok());
    if (response.deliveries().empty()) return std::nullopt;
    return response.deliveries(0);
  };
  ASSERT_TRUE(Eventually([&] {
    auto d = gp_delivery();
    return d.has_value() && d->attempts() >= 2;
  }));
  ASSERT_TRUE(Cancel("withdrawn-cancel", rx.prescription_id()));
  ASSERT_TRUE(Eventually([&] {
    auto d = gp_delivery();
    return d.has_value() && d->state() == v1::DELIVERY_STATE_DISCARDED;
  }));
  EXPECT_EQ(gp_delivery()->last_error(),
            "not sent: the request became CANCELLED before it could be "
            "delivered");
  EXPECT_TRUE(gp_->received().empty());
}

TEST_F(DeliveryTest, ADeliveredRecommendationThatIsCancelledIsWithdrawn) {
  trust_->Up();
  StartGateway();
  const v1::Referral referral = AcceptedReferral("withdraw");
  const v1::PrescriptionRequest rx =
      Recommend("withdraw-gp", referral, v1::ROUTE_GP_PRESCRIPTION);
  ASSERT_TRUE(Eventually([&] {
    return Get(rx.prescription_id()).status() ==
           v1::PRESCRIPTION_STATUS_ACKNOWLEDGED;
  }));
  ASSERT_TRUE(Cancel("withdraw-cancel", rx.prescription_id()));
  ASSERT_TRUE(Eventually([&] { return Drained(); }));
  std::vector<std::string> events;
  for (const auto& r : gp_->received()) events.push_back(r.event);
  EXPECT_THAT(events, ElementsAre("prescription-recommendation",
                                  "prescription-cancellation"));
}

}  // namespace
}  // namespace nhs::tobacco
