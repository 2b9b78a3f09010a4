// MESH end to end (issue 17), on loopback: a real gateway sends the GP's
// letter as a GP Connect Send Document to the practice's mailbox in NHS
// Digital's MESH sandbox (mutual TLS, the NHSMESH header checked in full);
// the test plays the practice's system: lists its inbox, downloads the
// message, checks the ITK3 structure and that the PDF reads (pdftotext),
// acknowledges it, and returns the ITK3 infrastructure and business
// acknowledgements, which move the request SENT -> ACKNOWLEDGED. Then what
// goes wrong: MESH refusing the gateway's credentials, an unknown recipient,
// MESH down and back, a negative acknowledgement, a non-delivery report, and
// an acknowledgement that never comes.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "adapters/gp_connect/itk3_acknowledgement.h"
#include "adapters/mesh/mesh_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nhs/tobacco/v1/admin_service.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "tests/testing/fake_clock.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/mesh_sandbox.h"
#include "tests/testing/sample_requests.h"
#include "tests/testing/test_gateway.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::Clients;
using ::nhs::tobacco::testing::Ctx;
using ::nhs::tobacco::testing::FreshDataDir;
using ::nhs::tobacco::testing::MeshSandbox;
using ::nhs::tobacco::testing::SampleConfig;
using ::nhs::tobacco::testing::SampleRecommendation;
using ::nhs::tobacco::testing::SampleReferralRequest;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kGp[] = "Y90001";
constexpr char kGatewayMailbox[] = "TDS01OT001";
constexpr char kPracticeMailbox[] = "Y90001OT001";
constexpr char kGatewayPassword[] = "gateway-secret";
constexpr char kPracticePassword[] = "practice-secret";
constexpr char kWorkflow[] = "GPFED_CONSULT_REPORT";
constexpr char kAckWorkflow[] = "GPFED_CONSULT_REPORT_ACK";
// Small, so every letter (a PDF, base64 in JSON: tens of KiB) goes in
// chunks.
constexpr int64_t kChunkSize = 16 * 1024;

template <typename F>
bool Eventually(F done, absl::Duration timeout = absl::Seconds(30)) {
  const absl::Time end = absl::Now() + timeout;
  while (absl::Now() < end) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return done();
}

// The first object under `j` whose contentType is application/pdf and that
// carries the bytes: the letter, wherever the payload puts it.
const nlohmann::json* FindPdf(const nlohmann::json& j) {
  if (j.is_object()) {
    // STU3's Binary holds it in content; an R4 attachment in data.
    if (j.value("contentType", "") == "application/pdf" &&
        (j.contains("content") || j.contains("data"))) {
      return &j;
    }
    for (const auto& [key, value] : j.items()) {
      if (const nlohmann::json* found = FindPdf(value)) return found;
    }
  } else if (j.is_array()) {
    for (const auto& value : j) {
      if (const nlohmann::json* found = FindPdf(value)) return found;
    }
  }
  return nullptr;
}

std::string RunCapture(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0)
    out.append(buffer, n);
  pclose(pipe);
  return out;
}

// A TCP relay in front of MESH that holds every answer for `delay` before
// passing it on (TLS passes through untouched): the window in which MESH has
// a message and the gateway has not yet heard so.
class SlowAnswers {
 public:
  explicit SlowAnswers(int target_port) : target_port_(target_port) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    socklen_t len = sizeof(addr);
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    listen(listen_fd_, 64);
    acceptor_ = std::thread([this] { Accept(); });
  }
  ~SlowAnswers() {
    stopping_ = true;
    shutdown(listen_fd_, SHUT_RDWR);
    close(listen_fd_);
    acceptor_.join();
    for (int fd : fds_) shutdown(fd, SHUT_RDWR);
    for (std::thread& t : pumps_) t.join();
    for (int fd : fds_) close(fd);
  }
  int port() const { return port_; }
  void set_delay(absl::Duration d) { delay_ms_ = absl::ToInt64Milliseconds(d); }

 private:
  void Accept() {
    while (!stopping_) {
      const int client = accept(listen_fd_, nullptr, nullptr);
      if (client < 0) return;
      const int server = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      addr.sin_port = htons(static_cast<uint16_t>(target_port_));
      if (connect(server, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) !=
          0) {
        close(client);
        close(server);
        continue;
      }
      fds_.push_back(client);
      fds_.push_back(server);
      pumps_.emplace_back([this, client, server] { Pump(client, server, 0); });
      pumps_.emplace_back([this, client, server] { Pump(server, client, 1); });
    }
  }
  // Copies `from` to `to`; answers (direction 1) wait for the delay first.
  void Pump(int from, int to, int direction) {
    char buffer[16384];
    while (true) {
      const ssize_t n = read(from, buffer, sizeof(buffer));
      if (n <= 0) break;
      if (direction == 1 && delay_ms_ > 0) {
        absl::SleepFor(absl::Milliseconds(delay_ms_.load()));
      }
      // MSG_NOSIGNAL: a peer gone (the gateway killed) is not a SIGPIPE.
      if (send(to, buffer, n, MSG_NOSIGNAL) != n) break;
    }
    shutdown(to, SHUT_WR);
  }

  const int target_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> delay_ms_{0};
  std::thread acceptor_;
  // Touched by the acceptor thread only until the destructor joins it.
  std::vector<int> fds_;
  std::vector<std::thread> pumps_;
};

class MeshPathwayTest : public ::testing::Test {
 protected:
  MeshPathwayTest()
      : mesh_({{kGatewayMailbox, kGatewayPassword, "TDS01"},
               {kPracticeMailbox, kPracticePassword, kGp}},
              {{kWorkflow, {kPracticeMailbox}},
               {kAckWorkflow, {kGatewayMailbox}}}) {}

  void SetUp() override {
    dir_ = FreshDataDir();
    ASSERT_TRUE(mesh_.Start());
    mesh::MeshClientOptions practice;
    practice.base_url = mesh_.base_url();
    practice.mailbox_id = kPracticeMailbox;
    practice.password = kPracticePassword;
    practice.shared_key = "TestKey";
    practice.tls = mesh_.client_tls();
    practice_ = std::make_unique<mesh::MeshClient>(practice);
  }

  void TearDown() override {
    clients_.reset();
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A secret file the gateway reads (mode 0600, as ReadSecret demands).
  std::string SecretFile(const std::string& name, const std::string& value) {
    const std::filesystem::path path = dir_ / name;
    std::ofstream(path) << value << "\n";
    ::chmod(path.c_str(), 0600);
    return path.string();
  }

  struct Options {
    std::string shared_key = "TestKey";
    std::string practice_mailbox = kPracticeMailbox;
    int max_attempts = 4;
    const Clock* clock = &Clock::Real();
  };

  v1::GatewayConfig Config(const Options& o, const std::string& base_url = "") {
    v1::GatewayConfig config = SampleConfig(dir_ / "data");
    v1::MeshConfig* m = config.mutable_mesh();
    m->set_base_url(base_url.empty() ? mesh_.base_url() : base_url);
    m->set_mailbox_id_file(SecretFile("mesh_mailbox", kGatewayMailbox));
    m->set_password_file(SecretFile("mesh_password", kGatewayPassword));
    m->set_shared_key_file(SecretFile("mesh_key", o.shared_key));
    m->mutable_tls()->set_client_ca_file(mesh_.ca_path());
    m->mutable_tls()->set_cert_file(mesh_.client_cert());
    m->mutable_tls()->set_key_file(mesh_.client_key());
    m->set_chunk_size_bytes(kChunkSize);
    m->set_poll_interval_seconds(1);
    m->set_connect_timeout_ms(2000);
    m->set_io_timeout_ms(5000);
    v1::OrganisationConfig* gp = testing::FindOrganisation(config, kGp);
    EXPECT_NE(gp, nullptr);
    if (gp != nullptr) gp->mutable_mesh()->set_mailbox_id(o.practice_mailbox);
    auto* d = config.mutable_delivery();
    d->set_max_attempts(o.max_attempts);
    d->set_initial_backoff_ms(100);
    d->set_max_backoff_ms(500);
    d->set_poll_interval_ms(20);
    return config;
  }

  void StartGateway(const Options& o) {
    const v1::GatewayConfig config = Config(o);
    server::GatewayServerOptions options;
    options.clock = o.clock;
    auto server = server::GatewayServer::Start(config, options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    clients_ = std::make_unique<Clients>(server_->port());
    admin_ = v1::AdminService::NewStub(clients_->channel);
  }

  // A referral and a GP recommendation for it: the letter to Y90001.
  v1::PrescriptionRequest RecommendToGp(const std::string& id) {
    v1::Referral referral;
    // MESH routes a document by NHS number, birth date and family name.
    v1::CreateReferralRequest create = SampleReferralRequest(id);
    create.mutable_referral()->mutable_patient()->set_given_name("Sam");
    create.mutable_referral()->mutable_patient()->set_family_name(
        "Testpatient");
    grpc::Status created =
        clients_->referrals->CreateReferral(Ctx().get(), create, &referral);
    EXPECT_TRUE(created.ok()) << created.error_message();
    v1::UpdateReferralStatusRequest accept;
    accept.set_request_id(id + "-accept");
    accept.set_referral_id(referral.referral_id());
    accept.set_status(v1::REFERRAL_STATUS_ACCEPTED);
    accept.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
    EXPECT_TRUE(clients_->referrals
                    ->UpdateReferralStatus(Ctx().get(), accept, &referral)
                    .ok());
    v1::PrescriptionRequest p;
    grpc::Status s = clients_->prescriptions->RecommendPrescription(
        Ctx().get(),
        SampleRecommendation(id + "-rx", referral.referral_id(),
                             "nrt-patch-21mg-24h", v1::ROUTE_GP_PRESCRIPTION,
                             kGp),
        &p);
    EXPECT_TRUE(s.ok()) << s.error_message();
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

  std::vector<v1::TimelineEvent> Timeline(const std::string& prescription_id) {
    v1::GetTimelineRequest request;
    request.set_prescription_id(prescription_id);
    v1::GetTimelineResponse timeline;
    EXPECT_TRUE(
        clients_->prescriptions->GetTimeline(Ctx().get(), request, &timeline)
            .ok());
    return {timeline.events().begin(), timeline.events().end()};
  }

  std::vector<v1::EventType> EventTypes(const std::string& prescription_id) {
    std::vector<v1::EventType> types;
    for (const auto& e : Timeline(prescription_id)) types.push_back(e.type());
    return types;
  }

  // The outbox's letter to the practice about `prescription_id`.
  v1::Delivery LetterOf(const std::string& prescription_id) {
    v1::ListDeliveriesRequest r;
    r.set_destination_ods(kGp);
    r.set_page_size(500);
    v1::ListDeliveriesResponse response;
    EXPECT_TRUE(admin_->ListDeliveries(Ctx().get(), r, &response).ok());
    for (const v1::Delivery& d : response.deliveries()) {
      if (d.prescription_id() == prescription_id &&
          d.kind() == v1::MESSAGE_KIND_GP_RECOMMENDATION) {
        return d;
      }
    }
    return v1::Delivery();
  }

  // The practice's system: waits for one message in its inbox, downloads
  // and acknowledges it.
  mesh::InboxMessage ReceiveAtPractice() {
    std::vector<std::string> ids;
    EXPECT_TRUE(Eventually([&] {
      absl::StatusOr<std::vector<std::string>> listed = practice_->ListInbox();
      if (listed.ok()) ids = *listed;
      return !ids.empty();
    })) << "nothing reached the practice's mailbox";
    if (ids.empty()) return {};
    EXPECT_EQ(ids.size(), 1u);
    absl::StatusOr<mesh::InboxMessage> m = practice_->Download(ids[0]);
    EXPECT_TRUE(m.ok()) << m.status();
    if (!m.ok()) return {};
    EXPECT_TRUE(practice_->Acknowledge(ids[0]).ok());
    return *std::move(m);
  }

  // The practice's system answers with an ITK3 acknowledgement.
  void SendAck(const std::string& message_id,
               gp_connect::Itk3Acknowledgement::Kind kind, bool positive,
               const std::string& code = "") {
    gp_connect::Itk3Acknowledgement ack;
    ack.kind = kind;
    ack.acknowledged_message_id = message_id;
    ack.positive = positive;
    ack.code = code;
    static int counter = 0;
    absl::StatusOr<std::string> json = gp_connect::BuildItk3Acknowledgement(
        ack, absl::StrCat("5b0c6c2e-7f3a-4b8e-9d2a-00000000000", counter++),
        absl::Now(), kGp, "TDS01");
    ASSERT_TRUE(json.ok()) << json.status();
    mesh::OutgoingMessage out;
    out.to_mailbox = kGatewayMailbox;
    out.workflow_id = kAckWorkflow;
    out.local_id = absl::StrCat("ack-", counter);
    out.subject = "ITK3 response";
    out.filename = "ack.json";
    out.content_type = "application/fhir+json";
    out.body = *json;
    absl::StatusOr<std::string> sent = practice_->Send(out);
    ASSERT_TRUE(sent.ok()) << sent.status();
  }

  std::vector<std::string> PracticeInbox() {
    absl::StatusOr<std::vector<std::string>> listed = practice_->ListInbox();
    EXPECT_TRUE(listed.ok()) << listed.status();
    return listed.ok() ? *listed : std::vector<std::string>();
  }

  std::filesystem::path dir_;
  MeshSandbox mesh_;
  std::unique_ptr<mesh::MeshClient> practice_;
  std::unique_ptr<server::GatewayServer> server_;
  std::unique_ptr<Clients> clients_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
};

TEST_F(MeshPathwayTest,
       LetterReachesThePracticeAndItsAcknowledgementsMoveTheRequest) {
  StartGateway({});
  const v1::PrescriptionRequest p = RecommendToGp("mesh-happy");
  ASSERT_FALSE(p.prescription_id().empty());

  const mesh::InboxMessage m = ReceiveAtPractice();
  EXPECT_EQ(m.workflow_id, kWorkflow);
  EXPECT_EQ(m.from_mailbox, kGatewayMailbox);
  EXPECT_GT(static_cast<int64_t>(m.body.size()), kChunkSize)
      << "the letter went in chunks and came out whole";
  // The ITK3 message: a FHIR STU3 message Bundle whose id MESH carries as
  // the local id, asking for both acknowledgements.
  const nlohmann::json bundle = nlohmann::json::parse(m.body, nullptr, false);
  ASSERT_TRUE(bundle.is_object()) << "not JSON";
  EXPECT_EQ(bundle.value("resourceType", ""), "Bundle");
  EXPECT_EQ(bundle.value("type", ""), "message");
  const nlohmann::json& header = bundle["entry"][0]["resource"];
  EXPECT_EQ(header.value("resourceType", ""), "MessageHeader");
  EXPECT_THAT(header.dump(), HasSubstr("ITK-MessageHandling"));
  EXPECT_THAT(header.dump(), HasSubstr("BusAckRequested"));
  EXPECT_THAT(header.dump(), HasSubstr("InfAckRequested"));
  EXPECT_EQ(m.local_id, LetterOf(p.prescription_id()).message_id());
  EXPECT_THAT(m.body, Not(HasSubstr("Stop smoking service letter")))
      << "the subject is MESH's, not the payload's";

  // The letter opens and says what is recommended.
  const nlohmann::json* pdf = FindPdf(bundle);
  ASSERT_NE(pdf, nullptr) << "no PDF in the Send Document";
  std::string bytes;
  ASSERT_TRUE(absl::Base64Unescape(
      (*pdf)[pdf->contains("content") ? "content" : "data"].get<std::string>(),
      &bytes));
  EXPECT_EQ(bytes.substr(0, 5), "%PDF-");
  const std::filesystem::path pdf_path = dir_ / "letter.pdf";
  std::ofstream(pdf_path, std::ios::binary) << bytes;
  const std::string text =
      RunCapture(absl::StrCat("pdftotext -layout ", pdf_path.string(), " -"));
  EXPECT_THAT(text, HasSubstr("21mg"));
  EXPECT_THAT(text, HasSubstr("patch"));

  // MESH took it: SENT, and the delivery waits for the acknowledgements.
  EXPECT_TRUE(Eventually([&] {
    return Get(p.prescription_id()).status() == v1::PRESCRIPTION_STATUS_SENT;
  }));
  v1::Delivery d = LetterOf(p.prescription_id());
  EXPECT_EQ(d.state(), v1::DELIVERY_STATE_AWAITING_ACKNOWLEDGEMENT);
  EXPECT_EQ(d.channel(), v1::DELIVERY_CHANNEL_MESH);
  EXPECT_FALSE(d.transport_message_id().empty());

  SendAck(d.message_id(),
          gp_connect::Itk3Acknowledgement::Kind::kInfrastructure, true);
  EXPECT_TRUE(Eventually([&] {
    return LetterOf(p.prescription_id()).has_infrastructure_acknowledged_at();
  })) << "the infrastructure acknowledgement was not recorded";
  EXPECT_EQ(Get(p.prescription_id()).status(), v1::PRESCRIPTION_STATUS_SENT);

  SendAck(d.message_id(), gp_connect::Itk3Acknowledgement::Kind::kBusiness,
          true);
  EXPECT_TRUE(Eventually([&] {
    return Get(p.prescription_id()).status() ==
           v1::PRESCRIPTION_STATUS_ACKNOWLEDGED;
  })) << "the business acknowledgement did not move the request";
  EXPECT_EQ(LetterOf(p.prescription_id()).state(),
            v1::DELIVERY_STATE_DELIVERED);
  EXPECT_THAT(EventTypes(p.prescription_id()),
              Contains(v1::EVENT_TYPE_MESSAGE_RECEIVED));
  // The gateway took both acknowledgements out of its inbox.
  mesh::MeshClientOptions gateway_box;
  gateway_box.base_url = mesh_.base_url();
  gateway_box.mailbox_id = kGatewayMailbox;
  gateway_box.password = kGatewayPassword;
  gateway_box.shared_key = "TestKey";
  gateway_box.tls = mesh_.client_tls();
  EXPECT_TRUE(Eventually([&] {
    absl::StatusOr<std::vector<std::string>> left =
        mesh::MeshClient(gateway_box).ListInbox();
    return left.ok() && left->empty();
  }));
}

TEST_F(MeshPathwayTest, NegativeBusinessAcknowledgementIsADeadLetter) {
  StartGateway({});
  const v1::PrescriptionRequest p = RecommendToGp("mesh-nack");
  const mesh::InboxMessage m = ReceiveAtPractice();
  ASSERT_FALSE(m.local_id.empty());
  SendAck(m.local_id, gp_connect::Itk3Acknowledgement::Kind::kInfrastructure,
          true);
  // 30002: the patient is not registered at this practice.
  SendAck(m.local_id, gp_connect::Itk3Acknowledgement::Kind::kBusiness, false,
          "30002");
  EXPECT_TRUE(Eventually([&] {
    return LetterOf(p.prescription_id()).state() ==
           v1::DELIVERY_STATE_DEAD_LETTER;
  }));
  EXPECT_THAT(LetterOf(p.prescription_id()).last_error(),
              HasSubstr("ITK3 business acknowledgement: 30002"));
  EXPECT_THAT(EventTypes(p.prescription_id()),
              Contains(v1::EVENT_TYPE_DELIVERY_FAILED));
  EXPECT_EQ(Get(p.prescription_id()).status(), v1::PRESCRIPTION_STATUS_SENT)
      << "never acknowledged";
}

TEST_F(MeshPathwayTest, NonDeliveryReportIsADeadLetter) {
  StartGateway({});
  const v1::PrescriptionRequest p = RecommendToGp("mesh-undelivered");
  ASSERT_TRUE(Eventually([&] {
    return LetterOf(p.prescription_id()).state() ==
           v1::DELIVERY_STATE_AWAITING_ACKNOWLEDGEMENT;
  }));
  const v1::Delivery d = LetterOf(p.prescription_id());
  // MESH tells the sender the practice never collected it.
  mesh_.PutReport(kGatewayMailbox, "14", "Message not collected by recipient",
                  kWorkflow, d.message_id(), d.transport_message_id(),
                  "undeliverable");
  EXPECT_TRUE(Eventually([&] {
    return LetterOf(p.prescription_id()).state() ==
           v1::DELIVERY_STATE_DEAD_LETTER;
  }));
  EXPECT_THAT(LetterOf(p.prescription_id()).last_error(),
              HasSubstr("MESH non-delivery report"));
}

TEST_F(MeshPathwayTest, WrongSharedKeyIsRetriedThenADeadLetter) {
  StartGateway({.shared_key = "NotTheKey", .max_attempts = 3});
  const v1::PrescriptionRequest p = RecommendToGp("mesh-badkey");
  EXPECT_TRUE(Eventually([&] {
    return LetterOf(p.prescription_id()).state() ==
           v1::DELIVERY_STATE_DEAD_LETTER;
  }));
  const v1::Delivery d = LetterOf(p.prescription_id());
  EXPECT_EQ(d.attempts(), 3) << "refused credentials are retried";
  EXPECT_THAT(d.last_error(), HasSubstr("403"));
  EXPECT_THAT(d.last_error(), Not(HasSubstr(kGatewayPassword)));
  EXPECT_TRUE(practice_->ListInbox()->empty()) << "nothing was sent";
  EXPECT_EQ(Get(p.prescription_id()).status(),
            v1::PRESCRIPTION_STATUS_RECOMMENDED);
}

TEST_F(MeshPathwayTest, UnknownRecipientMailboxIsADeadLetterAtOnce) {
  StartGateway({.practice_mailbox = "NOSUCHBOX01"});
  const v1::PrescriptionRequest p = RecommendToGp("mesh-nobody");
  EXPECT_TRUE(Eventually([&] {
    return LetterOf(p.prescription_id()).state() ==
           v1::DELIVERY_STATE_DEAD_LETTER;
  }));
  EXPECT_EQ(LetterOf(p.prescription_id()).attempts(), 1) << "not retried";
}

TEST_F(MeshPathwayTest, MeshDownAndBackDeliversOnce) {
  StartGateway({.max_attempts = 50});
  mesh_.Stop();
  const v1::PrescriptionRequest p = RecommendToGp("mesh-outage");
  EXPECT_TRUE(Eventually([&] {
    const v1::Delivery d = LetterOf(p.prescription_id());
    return d.attempts() >= 2 && !d.last_error().empty();
  })) << "the gateway kept trying while MESH was down";
  EXPECT_EQ(LetterOf(p.prescription_id()).state(), v1::DELIVERY_STATE_PENDING);
  ASSERT_TRUE(mesh_.Start());
  const mesh::InboxMessage m = ReceiveAtPractice();
  EXPECT_EQ(m.local_id, LetterOf(p.prescription_id()).message_id());
  EXPECT_TRUE(Eventually([&] {
    return Get(p.prescription_id()).status() == v1::PRESCRIPTION_STATUS_SENT;
  }));
  absl::SleepFor(absl::Seconds(2));
  EXPECT_TRUE(practice_->ListInbox()->empty()) << "sent once";
}

TEST_F(MeshPathwayTest, MissingAcknowledgementGoesOverdueOnceAndTellsService) {
  testing::FakeClock clock(absl::Now());
  StartGateway({.clock = &clock});
  const v1::PrescriptionRequest p = RecommendToGp("mesh-silent");
  ASSERT_TRUE(Eventually([&] {
    return LetterOf(p.prescription_id()).state() ==
           v1::DELIVERY_STATE_AWAITING_ACKNOWLEDGEMENT;
  }));
  // Past the infrastructure acknowledgement's deadline (60 minutes).
  clock.Advance(absl::Minutes(61));
  EXPECT_TRUE(Eventually([&] {
    return LetterOf(p.prescription_id()).acknowledgement_overdue();
  })) << "the poller did not flag the missing acknowledgement";
  absl::SleepFor(absl::Seconds(3));  // more polls: still once
  int overdue = 0;
  for (const v1::TimelineEvent& e : Timeline(p.prescription_id())) {
    if (e.type() == v1::EVENT_TYPE_ACKNOWLEDGEMENT_OVERDUE) {
      ++overdue;
      EXPECT_THAT(e.note(), HasSubstr("infrastructure acknowledgement"));
    }
  }
  EXPECT_EQ(overdue, 1);
  // The service is told on its route (the sample's TDS01 has none here, so
  // the escalation is not queued; the timeline event is what it watches).
  // The gateway stops before its fake clock goes.
  clients_.reset();
  server_.reset();
}

// kill -9 after MESH took the letter and before the gateway heard so: the
// resend after the restart carries the same mex-localid and the same ITK3
// message (MessageHeader.id, byte for byte), so the practice's system can
// recognise the duplicate.
TEST_F(MeshPathwayTest,
       KillNineBetweenMeshAcceptingAndRecordingResendsSameIds) {
  SlowAnswers relay(mesh_.port());
  relay.set_delay(absl::Milliseconds(1500));
  const int grpc_port = testing::FreeLoopbackPort();
  v1::GatewayConfig config =
      Config({}, absl::StrCat("https://127.0.0.1:", relay.port()));
  config.mutable_grpc()->set_address(absl::StrCat("127.0.0.1:", grpc_port));
  // Every answer (TLS handshake flights too) waits in the relay.
  config.mutable_mesh()->set_connect_timeout_ms(15000);
  config.mutable_mesh()->set_io_timeout_ms(15000);
  const std::string config_path = (dir_ / "gateway.textproto").string();
  const std::string log_path = (dir_ / "gateway.log").string();
  testing::WriteConfigFile(config, config_path);

  pid_t pid = testing::SpawnGateway(TOBACCO_GATEWAY_BIN, config_path, log_path);
  ASSERT_GT(pid, 0);
  // A failed assertion must not leave the gateway running.
  struct Reaper {
    pid_t& pid;
    ~Reaper() {
      if (pid > 0) testing::KillNine(pid);
    }
  } reaper{pid};
  clients_ = std::make_unique<Clients>(grpc_port);
  admin_ = v1::AdminService::NewStub(clients_->channel);
  ASSERT_TRUE(clients_->channel->WaitForConnected(
      absl::ToChronoTime(absl::Now() + absl::Seconds(30))))
      << "gateway did not start; see " << log_path;
  const v1::PrescriptionRequest p = RecommendToGp("mesh-crash");

  // MESH has it (the practice sees it) while MESH's answer is still held.
  ASSERT_TRUE(
      Eventually([&] { return !PracticeInbox().empty(); }, absl::Seconds(60)));
  testing::KillNine(pid);
  pid = -1;

  relay.set_delay(absl::ZeroDuration());
  pid = testing::SpawnGateway(TOBACCO_GATEWAY_BIN, config_path, log_path);
  ASSERT_GT(pid, 0);
  clients_ = std::make_unique<Clients>(grpc_port);
  admin_ = v1::AdminService::NewStub(clients_->channel);
  ASSERT_TRUE(clients_->channel->WaitForConnected(
      absl::ToChronoTime(absl::Now() + absl::Seconds(30))));
  EXPECT_TRUE(Eventually(
      [&] {
        return LetterOf(p.prescription_id()).state() ==
               v1::DELIVERY_STATE_AWAITING_ACKNOWLEDGEMENT;
      },
      absl::Seconds(60)))
      << "the claim cut short by the kill was not sent again";
  const std::vector<std::string> ids = PracticeInbox();
  ASSERT_EQ(ids.size(), 2u) << "the first copy and the resend";
  absl::StatusOr<mesh::InboxMessage> first = practice_->Download(ids[0]);
  absl::StatusOr<mesh::InboxMessage> second = practice_->Download(ids[1]);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->local_id, second->local_id);
  EXPECT_EQ(first->local_id, LetterOf(p.prescription_id()).message_id());
  EXPECT_EQ(first->body, second->body) << "the same ITK3 message";
  EXPECT_EQ(Get(p.prescription_id()).status(), v1::PRESCRIPTION_STATUS_SENT);
  EXPECT_TRUE(testing::StopGracefully(pid));
  pid = -1;
  clients_.reset();

  std::ifstream log(log_path);
  const std::string text((std::istreambuf_iterator<char>(log)),
                         std::istreambuf_iterator<char>());
  EXPECT_THAT(text, Not(HasSubstr("9990000018"))) << "no NHS number logged";
  EXPECT_THAT(text, Not(HasSubstr("Testpatient"))) << "no name logged";
  EXPECT_THAT(text, Not(HasSubstr(kGatewayPassword)));
}

}  // namespace
}  // namespace nhs::tobacco
