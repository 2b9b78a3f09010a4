// The GP chaser (issue 12 item 3): a GP-route request that goes overdue
// while the practice holds it brings the practice the letter again, marked
// as a reminder in the narrative, the MessageHeader's event and reason, as
// well as the escalation to the service; at most once per missed deadline.
// The gateway runs in-process on a fake clock (deadlines are working days),
// delivering over mutual TLS on loopback to FHIR receivers that count what
// they get.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "adapters/fhir/https_listener.h"
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
using ::nhs::tobacco::testing::FreshDataDir;
using ::nhs::tobacco::testing::SampleConfig;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kGp[] = "Y90001";
constexpr char kService[] = "TDS01";

std::string Pki(const std::string& name) {
  return (testing::DevCerts() / name).string();
}

template <typename F>
bool Eventually(F done, absl::Duration timeout = absl::Seconds(20)) {
  const absl::Time end = absl::Now() + timeout;
  while (absl::Now() < end) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return done();
}

class GpChaserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshDataDir();
    gp_ = std::make_unique<FhirReceiver>();
    service_ = std::make_unique<FhirReceiver>();
  }
  void TearDown() override {
    clients_.reset();
    server_.reset();
    gp_.reset();
    service_.reset();
    std::filesystem::remove_all(dir_);
  }

  void StartGateway(bool chase) {
    v1::GatewayConfig config = SampleConfig(dir_);
    config.mutable_deadlines()->set_chase_gp_on_overdue(chase);
    auto* mllp = config.mutable_mllp();
    mllp->set_allow_plaintext(true);
    mllp->clear_tls();
    testing::ClearMllpTrusts(config);
    auto* fhir = config.mutable_fhir();
    fhir->set_address("127.0.0.1:0");
    fhir->set_tls_cert_path(Pki("server.pem"));
    fhir->set_tls_key_path(Pki("server.key"));
    fhir->set_client_ca_file(Pki("ca.pem"));
    fhir->set_ca_cert_path(Pki("ca.pem"));
    fhir->set_client_cert_path(Pki("service-tds01.pem"));
    fhir->set_client_key_path(Pki("service-tds01.key"));
    fhir->set_connect_timeout_ms(2000);
    fhir->set_request_timeout_ms(2000);
    fhir->set_max_body_bytes(1 << 20);
    fhir->set_public_endpoint("https://127.0.0.1/fhir/$process-message");
    auto* gp = fhir->add_endpoints();
    gp->set_ods_code(kGp);
    gp->set_url(gp_->url());
    auto* service = fhir->add_endpoints();
    service->set_ods_code(kService);
    service->set_url(service_->url());
    auto* d = config.mutable_delivery();
    d->set_initial_backoff_ms(20);
    d->set_max_backoff_ms(200);
    d->set_poll_interval_ms(10);
    server::GatewayServerOptions options;
    options.clock = &clock_;
    auto server = server::GatewayServer::Start(config, options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    clients_ = std::make_unique<Clients>(server_->port());
    admin_ = v1::AdminService::NewStub(clients_->channel);
  }

  // A GP-route request the practice's system has taken and confirmed
  // (delivery moves it to ACKNOWLEDGED).
  std::string AcknowledgedByThePractice(const std::string& id) {
    v1::Referral referral;
    // No CYP1A2-sensitive medicine: its safety alert would go overdue in
    // the same scans (safety_loop_test covers that), and this test counts
    // the GP's chase alone.
    v1::CreateReferralRequest create = testing::SampleReferralRequest(id);
    create.mutable_referral()->mutable_mental_health()->clear_medicines();
    EXPECT_TRUE(
        clients_->referrals->CreateReferral(Ctx().get(), create, &referral)
            .ok());
    v1::UpdateReferralStatusRequest accept;
    accept.set_request_id(id + "-accept");
    accept.set_referral_id(referral.referral_id());
    accept.set_status(v1::REFERRAL_STATUS_ACCEPTED);
    accept.mutable_actor()->mutable_organisation()->set_ods_code(kService);
    EXPECT_TRUE(clients_->referrals
                    ->UpdateReferralStatus(Ctx().get(), accept, &referral)
                    .ok());
    v1::PrescriptionRequest p;
    EXPECT_TRUE(clients_->prescriptions
                    ->RecommendPrescription(
                        Ctx().get(),
                        testing::SampleRecommendation(
                            id + "-rx", referral.referral_id(),
                            "nrt-patch-21mg-24h", v1::ROUTE_GP_PRESCRIPTION),
                        &p)
                    .ok());
    EXPECT_TRUE(Eventually([&] {
      return Get(p.prescription_id()).status() ==
             v1::PRESCRIPTION_STATUS_ACKNOWLEDGED;
    }));
    return p.prescription_id();
  }

  v1::PrescriptionRequest Get(const std::string& id) {
    v1::GetPrescriptionRequest r;
    r.set_prescription_id(id);
    v1::PrescriptionRequest p;
    EXPECT_TRUE(
        clients_->prescriptions->GetPrescription(Ctx().get(), r, &p).ok());
    return p;
  }

  std::vector<std::string> LateEvents(const std::string& id) {
    v1::GetTimelineRequest r;
    r.set_prescription_id(id);
    v1::GetTimelineResponse timeline;
    EXPECT_TRUE(
        clients_->prescriptions->GetTimeline(Ctx().get(), r, &timeline).ok());
    std::vector<std::string> late;
    for (const v1::TimelineEvent& e : timeline.events()) {
      if (e.type() == v1::EVENT_TYPE_OVERDUE ||
          e.type() == v1::EVENT_TYPE_GP_REMINDER_QUEUED ||
          e.reason_code() == "GP_REMINDER") {
        late.push_back(absl::StrCat(v1::EventType_Name(e.type()), " ",
                                    e.actor().organisation().ods_code()));
      }
    }
    return late;
  }

  bool Drained() {
    v1::ListDeliveriesRequest r;
    r.set_state(v1::DELIVERY_STATE_PENDING);
    v1::ListDeliveriesResponse response;
    EXPECT_TRUE(admin_->ListDeliveries(Ctx().get(), r, &response).ok());
    return response.deliveries().empty();
  }

  int Scan() {
    absl::StatusOr<int> changed =
        server_->deadline_scan().Scan(security::GatewayPrincipal());
    EXPECT_TRUE(changed.ok()) << changed.status();
    return changed.value_or(-1);
  }

  testing::FakeClock clock_{absl::Now()};
  std::filesystem::path dir_;
  std::unique_ptr<FhirReceiver> gp_;
  std::unique_ptr<FhirReceiver> service_;
  std::unique_ptr<server::GatewayServer> server_;
  std::unique_ptr<Clients> clients_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
};

TEST_F(GpChaserTest, AnOverduePracticeGetsTheLetterAgainOnceAsAReminder) {
  StartGateway(/*chase=*/true);
  const std::string rx = AcknowledgedByThePractice("chase");
  // The GP has two working days to decide; a week passes in silence.
  clock_.Advance(absl::Hours(24 * 7));
  EXPECT_EQ(Scan(), 1);
  ASSERT_TRUE(Eventually([&] { return Drained(); }));
  // A second scan finds the deadline already missed: no second reminder.
  EXPECT_EQ(Scan(), 0);
  ASSERT_TRUE(Eventually([&] { return Drained(); }));

  const auto reminders = gp_->WithEvent("prescription-recommendation-reminder");
  ASSERT_EQ(reminders.size(), 1u);
  EXPECT_EQ(gp_->WithEvent("prescription-recommendation").size(), 1u)
      << "the first letter, once";
  EXPECT_EQ(service_->WithEvent("overdue-escalation").size(), 1u);

  const nlohmann::json bundle = reminders[0].bundle();
  const nlohmann::json& header = bundle["entry"][0]["resource"];
  EXPECT_EQ(header["reason"]["coding"][0]["code"], "reminder");
  EXPECT_THAT(header["eventCoding"]["display"].get<std::string>(),
              HasSubstr("Reminder"));
  // The letter again: the same request, its narrative opening as a
  // reminder.
  const nlohmann::json& request = bundle["entry"][1]["resource"];
  EXPECT_EQ(request["resourceType"], "MedicationRequest");
  EXPECT_EQ(request["intent"], "proposal");
  const std::string letter = request["text"]["div"];
  EXPECT_THAT(letter, HasSubstr("<b>Reminder:</b>"));
  EXPECT_THAT(letter, HasSubstr(rx));
  EXPECT_THAT(letter, HasSubstr("This is not a new request"));

  EXPECT_THAT(LateEvents(rx),
              ElementsAre("EVENT_TYPE_OVERDUE Y90001",
                          "EVENT_TYPE_GP_REMINDER_QUEUED Y90001",
                          "EVENT_TYPE_MESSAGE_SENT Y90001",
                          "EVENT_TYPE_MESSAGE_ACKNOWLEDGED "
                          "Y90001"));
  // The reminder never moves the request: it is still the GP's to decide.
  EXPECT_EQ(Get(rx).status(), v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
}

TEST_F(GpChaserTest, WithTheChaserOffOnlyTheServiceHears) {
  StartGateway(/*chase=*/false);
  const std::string rx = AcknowledgedByThePractice("no-chase");
  clock_.Advance(absl::Hours(24 * 7));
  EXPECT_EQ(Scan(), 1);
  ASSERT_TRUE(Eventually([&] { return Drained(); }));
  EXPECT_EQ(service_->WithEvent("overdue-escalation").size(), 1u);
  EXPECT_TRUE(gp_->WithEvent("prescription-recommendation-reminder").empty());
  EXPECT_THAT(LateEvents(rx), ElementsAre("EVENT_TYPE_OVERDUE Y90001"));
}

}  // namespace
}  // namespace nhs::tobacco
