// The outbox under kill -9: the real tobacco-gateway binary serves the whole
// pathway to several clients while it delivers to peer receivers running
// in this process (a trust's MLLP engine answering AA, plaintext on
// loopback; the GP practice's and pharmacy's FHIR endpoint on mutual TLS
// with the dev certificates), and is killed at random moments and
// restarted. Then: every acknowledged request is stored exactly once, every
// message those changes owe was queued once and received at least once (the
// distinct ids received are exactly the delivered ones; resends after a
// crash reuse the id, so receivers can deduplicate), no prescription moved
// backwards, no dead letters, and no patient identifier reached the logs.
#include <atomic>
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "adapters/fhir/https_listener.h"
#include "adapters/hl7v2/ack.h"
#include "adapters/hl7v2/mllp_listener.h"
#include "adapters/hl7v2/parser.h"
#include "adapters/hl7v2/writer.h"
#include "gateway/domain/prescription_state_machine.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nhs/tobacco/v1/admin_service.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "tests/testing/dev_certs.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/sample_requests.h"
#include "tests/testing/test_gateway.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::Clients;
using ::nhs::tobacco::testing::Ctx;
using ::nhs::tobacco::testing::DevCerts;
using ::nhs::tobacco::testing::FreshDataDir;
using ::nhs::tobacco::testing::SampleConfig;
using ::nhs::tobacco::testing::SampleRecommendation;
using ::nhs::tobacco::testing::SampleReferralRequest;

constexpr absl::string_view kMessageIdSystem =
    "https://example.org/fhir/Id/td-message";

// Every message id a peer received, with how often, and (FHIR) the
// Bundle.id each copy came in.
class Received {
 public:
  void Add(const std::string& id, const std::string& bundle_id = "") {
    absl::MutexLock lock(&mu_);
    ++counts_[id];
    bundle_ids_[id].insert(bundle_id);
  }
  std::map<std::string, int> counts() {
    absl::MutexLock lock(&mu_);
    return counts_;
  }
  std::map<std::string, std::set<std::string>> bundle_ids() {
    absl::MutexLock lock(&mu_);
    return bundle_ids_;
  }

 private:
  absl::Mutex mu_;
  std::map<std::string, int> counts_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::set<std::string>> bundle_ids_ ABSL_GUARDED_BY(mu_);
};

// The trust's integration engine: records MSH-10 and answers AA with
// MSA-2 = MSH-10, as a receiver that deduplicates would.
std::unique_ptr<hl7v2::MllpListener> StartMllpPeer(Received& received) {
  hl7v2::MllpListenerOptions options;
  options.address = "127.0.0.1:0";
  options.log_warning = [](const std::string&) {};  // peers vanish on kill
  auto listener = hl7v2::MllpListener::Start(
      options, [&received](const std::string& payload,
                           std::function<void(std::string)> reply) {
        absl::StatusOr<hl7v2::Message> request = hl7v2::ParseEr7(payload);
        if (!request.ok()) return;  // the gateway retries; the test fails
        received.Add(request->Get("MSH-10").value_or(""));
        hl7v2::AckOutcome outcome;
        outcome.code = hl7v2::AckCode::kAccept;
        outcome.kind = hl7v2::AckKind::kApplication;
        outcome.control_id = "PEERACK";
        outcome.timestamp = absl::Now();
        absl::StatusOr<hl7v2::Message> ack = hl7v2::BuildAck(*request, outcome);
        if (ack.ok()) reply(hl7v2::WriteEr7(*ack));
      });
  EXPECT_TRUE(listener.ok()) << listener.status();
  return listener.ok() ? *std::move(listener) : nullptr;
}

// The string at `pointer` in `json`; empty when absent or not a string.
std::string StringAt(const nlohmann::json& json, const char* pointer) {
  const nlohmann::json::json_pointer at(pointer);
  if (!json.contains(at) || !json.at(at).is_string()) return "";
  return json.at(at).get<std::string>();
}

// The GP practice's and the pharmacy's FHIR endpoint (one server for both):
// mutual TLS against the dev CA, answers 200. It records the message id as
// FHIR messaging defines it, MessageHeader.id, which must equal
// Bundle.identifier.value; the adapter derives Bundle.id from it (a
// name-based UUID), so the Bundle.id of every copy is kept to show it is
// as stable a deduplication key.
std::unique_ptr<fhir::HttpsListener> StartFhirPeer(Received& received) {
  fhir::HttpsListenerOptions options;
  options.address = "127.0.0.1:0";
  options.tls_cert_path = (DevCerts() / "server.pem").string();
  options.tls_key_path = (DevCerts() / "server.key").string();
  options.client_ca_path = (DevCerts() / "ca.pem").string();
  auto listener = fhir::HttpsListener::Start(
      options,
      [&received](const fhir::InboundMessage& message, fhir::Respond respond) {
        nlohmann::json bundle = nlohmann::json::parse(
            message.body.begin(), message.body.end(), nullptr, false);
        const std::string header_id = StringAt(bundle, "/entry/0/resource/id");
        if (header_id.empty() ||
            StringAt(bundle, "/entry/0/resource/resourceType") !=
                "MessageHeader" ||
            StringAt(bundle, "/identifier/value") != header_id) {
          respond({400, R"({"resourceType":"OperationOutcome"})"});
          return;
        }
        received.Add(header_id, StringAt(bundle, "/id"));
        respond({200,
                 R"({"resourceType":"OperationOutcome","issue":[)"
                 R"({"severity":"information","code":"informational"}]})"});
      });
  EXPECT_TRUE(listener.ok()) << listener.status();
  return listener.ok() ? *std::move(listener) : nullptr;
}

// One patient's pathway: five requests with fixed request ids, each causing
// messages: accept -> RRI^I12 to the trust; GP recommendation -> FHIR to the
// GP; pharmacy recommendation -> FHIR supply request to the pharmacy (and,
// the patient taking clozapine, a CYP1A2 safety alert to the trust with a
// recommendation); outcome -> ORU^R01 to the trust + Observation to the GP.
// What each step answered is kept (empty: not acknowledged).
struct Flow {
  std::string key;
  std::string referral_id;
  bool accepted = false;
  std::string gp_prescription_id;
  std::string pharmacy_prescription_id;
  std::string outcome_id;

  int acknowledged() const {
    return !referral_id.empty() + accepted + !gp_prescription_id.empty() +
           !pharmacy_prescription_id.empty() + !outcome_id.empty();
  }
};

struct OutcomeDates {
  std::string quit_date;
  std::string recorded_on;
};

// Runs `flow` from its first step (acknowledged steps are retried and must
// answer as before) and stops at the first failure, returning it.
grpc::Status RunFlow(Clients& c, const OutcomeDates& dates, Flow& flow) {
  grpc::Status s;
  const auto answered = [&flow](std::string& kept, const std::string& got) {
    EXPECT_TRUE(kept.empty() || kept == got)
        << flow.key << ": a retried request answered differently";
    kept = got;
  };
  v1::Referral referral;
  s = c.referrals->CreateReferral(
      Ctx(absl::Seconds(5)).get(),
      SampleReferralRequest(absl::StrCat(flow.key, "-create")), &referral);
  if (!s.ok()) return s;
  answered(flow.referral_id, referral.referral_id());

  v1::UpdateReferralStatusRequest accept;
  accept.set_request_id(absl::StrCat(flow.key, "-accept"));
  accept.set_referral_id(flow.referral_id);
  accept.set_status(v1::REFERRAL_STATUS_ACCEPTED);
  accept.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
  s = c.referrals->UpdateReferralStatus(Ctx(absl::Seconds(5)).get(), accept,
                                        &referral);
  if (!s.ok()) return s;
  flow.accepted = true;

  v1::PrescriptionRequest p;
  s = c.prescriptions->RecommendPrescription(
      Ctx(absl::Seconds(5)).get(),
      SampleRecommendation(absl::StrCat(flow.key, "-gp"), flow.referral_id,
                           "varenicline-1mg", v1::ROUTE_GP_PRESCRIPTION),
      &p);
  if (!s.ok()) return s;
  answered(flow.gp_prescription_id, p.prescription_id());

  s = c.prescriptions->RecommendPrescription(
      Ctx(absl::Seconds(5)).get(),
      SampleRecommendation(absl::StrCat(flow.key, "-pharmacy"),
                           flow.referral_id, "vape-starter-kit",
                           v1::ROUTE_PHARMACY_SUPPLY, "FZZ99"),
      &p);
  if (!s.ok()) return s;
  answered(flow.pharmacy_prescription_id, p.prescription_id());

  // Treatment starts from the quit date the outcome counts from (issue 12).
  v1::SetQuitDateRequest quit;
  quit.set_request_id(absl::StrCat(flow.key, "-quit"));
  quit.set_referral_id(flow.referral_id);
  quit.set_quit_date(dates.quit_date);
  quit.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
  s = c.referrals->SetQuitDate(Ctx(absl::Seconds(5)).get(), quit, &referral);
  if (!s.ok()) return s;

  v1::RecordOutcomeRequest outcome;
  outcome.set_request_id(absl::StrCat(flow.key, "-outcome"));
  v1::Outcome* o = outcome.mutable_outcome();
  o->set_referral_id(flow.referral_id);
  o->set_follow_up(v1::FOLLOW_UP_POINT_WEEK_4);
  o->set_status(v1::OUTCOME_STATUS_QUIT_CO_VERIFIED);
  o->set_co_reading_ppm(4);
  o->set_quit_date(dates.quit_date);
  o->set_recorded_on(dates.recorded_on);
  o->mutable_recorded_by()->mutable_organisation()->set_ods_code("TDS01");
  v1::Outcome recorded;
  s = c.outcomes->RecordOutcome(Ctx(absl::Seconds(5)).get(), outcome,
                                &recorded);
  if (!s.ok()) return s;
  answered(flow.outcome_id, recorded.outcome_id());
  return s;
}

// HL7 MSH-10 for a message id: its first 20 hex digits (delivery.proto).
std::string ControlIdOf(const std::string& message_id) {
  return absl::StrReplaceAll(message_id, {{"-", ""}}).substr(0, 20);
}

bool IsLegalStep(v1::PrescriptionStatus from, v1::PrescriptionStatus to,
                 v1::Route route) {
  using domain::PrescriptionAction;
  for (PrescriptionAction a :
       {PrescriptionAction::kMarkSent, PrescriptionAction::kAcknowledge,
        PrescriptionAction::kPrescribe, PrescriptionAction::kDecline,
        PrescriptionAction::kRequireAppointment, PrescriptionAction::kDispense,
        PrescriptionAction::kSupply, PrescriptionAction::kRecordNotSupplied,
        PrescriptionAction::kCancel, PrescriptionAction::kExpire}) {
    absl::StatusOr<v1::PrescriptionStatus> next =
        domain::NextStatus(from, route, a);
    if (next.ok() && *next == to) return true;
  }
  return false;
}

struct Gateway {
  std::string config_path;
  std::string log_path;
  int port = 0;
  pid_t pid = -1;
  std::unique_ptr<Clients> clients;
  std::unique_ptr<v1::AdminService::Stub> admin;

  void Start() {
    pid = testing::SpawnGateway(TOBACCO_GATEWAY_BIN, config_path, log_path);
    ASSERT_GT(pid, 0);
    clients = std::make_unique<Clients>(port);
    admin = v1::AdminService::NewStub(clients->channel);
    ASSERT_TRUE(clients->channel->WaitForConnected(
        absl::ToChronoTime(absl::Now() + absl::Seconds(20))))
        << "gateway did not start; see " << log_path;
  }
};

TEST(DeliveryCrashTest, KillNineWhileDeliveringLosesAndDuplicatesNothing) {
  const auto dir = FreshDataDir();
  Received hl7_received;
  Received fhir_received;
  std::unique_ptr<hl7v2::MllpListener> trust = StartMllpPeer(hl7_received);
  std::unique_ptr<fhir::HttpsListener> practices = StartFhirPeer(fhir_received);
  ASSERT_NE(trust, nullptr);
  ASSERT_NE(practices, nullptr);

  Gateway gateway;
  gateway.port = testing::FreeLoopbackPort();
  v1::GatewayConfig config = SampleConfig(dir / "data");
  config.mutable_grpc()->set_address(absl::StrCat("127.0.0.1:", gateway.port));
  ASSERT_TRUE(config.has_mllp());
  v1::OrganisationConfig* rx9 = testing::FindOrganisation(config, "RX9");
  ASSERT_NE(rx9, nullptr);
  ASSERT_TRUE(rx9->has_mllp());
  rx9->mutable_mllp()->set_outbound_address(
      absl::StrCat("127.0.0.1:", trust->port()));
  v1::FhirListenerConfig* fhir = config.mutable_fhir();
  fhir->set_address("127.0.0.1:0");
  fhir->set_tls_cert_path((DevCerts() / "server.pem").string());
  fhir->set_tls_key_path((DevCerts() / "server.key").string());
  fhir->set_client_ca_file((DevCerts() / "ca.pem").string());
  fhir->set_ca_cert_path((DevCerts() / "ca.pem").string());
  // The server certificate is for serverAuth only; the gateway presents the
  // tobacco service's client certificate to receivers.
  fhir->set_client_cert_path((DevCerts() / "service-tds01.pem").string());
  fhir->set_client_key_path((DevCerts() / "service-tds01.key").string());
  fhir->set_connect_timeout_ms(2000);
  fhir->set_request_timeout_ms(2000);
  const std::string fhir_url = absl::StrCat(
      "https://127.0.0.1:", practices->port(), "/fhir/$process-message");
  for (const char* ods : {"Y90001", "FZZ99"}) {
    v1::FhirEndpoint* e = fhir->add_endpoints();
    e->set_ods_code(ods);
    e->set_url(fhir_url);
  }
  // Small backoffs and timeouts so the leases of sends cut short by a kill
  // expire within the test.
  v1::DeliveryConfig* delivery = config.mutable_delivery();
  delivery->set_initial_backoff_ms(50);
  delivery->set_max_backoff_ms(500);
  delivery->set_poll_interval_ms(20);
  delivery->set_mllp_ack_timeout_ms(2000);
  gateway.config_path = (dir / "gateway.textproto").string();
  gateway.log_path = (dir / "gateway.log").string();
  testing::WriteConfigFile(config, gateway.config_path);

  const absl::CivilDay today =
      absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  const OutcomeDates dates{absl::FormatCivilTime(today - 30),
                           absl::FormatCivilTime(today - 1)};

  constexpr int kKills = 5;
  constexpr int kWriters = 4;
  constexpr int kMaxFlowsPerWriterPerRound = 50;
  std::mt19937 rng(20261128);
  absl::Mutex mu;
  std::vector<Flow> flows;
  int acknowledged_before_recovery = 0;
  int cut_short = 0;

  for (int round = 0; round < kKills; ++round) {
    gateway.Start();
    if (::testing::Test::HasFatalFailure()) return;
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        for (int i = 0; i < kMaxFlowsPerWriterPerRound; ++i) {
          Flow flow;
          flow.key = absl::StrCat("r", round, "-w", w, "-", i);
          const grpc::Status s = RunFlow(*gateway.clients, dates, flow);
          absl::MutexLock lock(&mu);
          flows.push_back(flow);
          if (!s.ok()) return;  // the gateway is gone
        }
      });
    }
    // At a random moment: while clients write, or while the backlog they
    // left is being delivered.
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + rng() % 1500));
    testing::KillNine(gateway.pid);
    for (std::thread& t : writers) t.join();
  }
  for (const Flow& f : flows) {
    acknowledged_before_recovery += f.acknowledged();
    if (f.acknowledged() < 5) ++cut_short;
  }
  ASSERT_GT(flows.size(), 20u) << "the load never got going";

  // Last lifetime: every flow is retried from its first request. Acknowledged
  // requests answer as before (checked in RunFlow); the rest complete now.
  gateway.Start();
  if (::testing::Test::HasFatalFailure()) return;
  for (Flow& flow : flows) {
    const grpc::Status s = RunFlow(*gateway.clients, dates, flow);
    ASSERT_TRUE(s.ok()) << flow.key << ": " << s.error_message();
  }

  // Drain: nothing pending anywhere (bounded).
  const absl::Time drain_start = absl::Now();
  int64_t pending = -1;
  int64_t dead_letters = 0;
  while (true) {
    v1::GetDeliveryStatsResponse stats;
    grpc::Status s = gateway.admin->GetDeliveryStats(
        Ctx().get(), v1::GetDeliveryStatsRequest(), &stats);
    ASSERT_TRUE(s.ok()) << s.error_message();
    pending = 0;
    dead_letters = 0;
    for (const v1::DestinationStats& d : stats.destinations()) {
      pending += d.pending();
      dead_letters += d.dead_letters();
    }
    if (pending == 0) break;
    ASSERT_LT(absl::Now() - drain_start, absl::Seconds(90))
        << pending << " messages still pending";
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const absl::Duration drain_time = absl::Now() - drain_start;
  EXPECT_EQ(dead_letters, 0);

  // Exactly once in the store: one referral per flow, two requests and one
  // outcome per referral.
  std::set<std::string> referral_ids;
  for (const Flow& f : flows) referral_ids.insert(f.referral_id);
  EXPECT_EQ(referral_ids.size(), flows.size());
  {
    size_t total = 0;
    std::string token;
    do {
      v1::ListReferralsRequest list;
      list.set_page_size(500);
      list.set_page_token(token);
      v1::ListReferralsResponse page;
      ASSERT_TRUE(
          gateway.clients->referrals->ListReferrals(Ctx().get(), list, &page)
              .ok());
      total += page.referrals_size();
      token = page.next_page_token();
    } while (!token.empty());
    EXPECT_EQ(total, flows.size()) << "a retry created a second referral";
  }
  for (const Flow& f : flows) {
    v1::ListPrescriptionsRequest list;
    list.set_referral_id(f.referral_id);
    v1::ListPrescriptionsResponse listed;
    ASSERT_TRUE(gateway.clients->prescriptions
                    ->ListPrescriptions(Ctx().get(), list, &listed)
                    .ok());
    EXPECT_EQ(listed.prescriptions_size(), 2) << f.key;
    v1::ListOutcomesRequest outcomes_request;
    outcomes_request.set_referral_id(f.referral_id);
    v1::ListOutcomesResponse outcomes;
    ASSERT_TRUE(gateway.clients->outcomes
                    ->ListOutcomes(Ctx().get(), outcomes_request, &outcomes)
                    .ok());
    EXPECT_EQ(outcomes.outcomes_size(), 1) << f.key;
  }

  // Every message the changes owe was queued exactly once, and delivered.
  std::vector<v1::Delivery> deliveries;
  {
    std::string token;
    do {
      v1::ListDeliveriesRequest list;
      list.set_page_size(500);
      list.set_page_token(token);
      v1::ListDeliveriesResponse page;
      grpc::Status s = gateway.admin->ListDeliveries(Ctx().get(), list, &page);
      ASSERT_TRUE(s.ok()) << s.error_message();
      for (const v1::Delivery& d : page.deliveries()) deliveries.push_back(d);
      token = page.next_page_token();
    } while (!token.empty());
  }
  // (record id, kind) -> message ids
  std::map<std::pair<std::string, v1::MessageKind>, std::vector<std::string>>
      queued;
  // prescription id -> its message ids
  std::map<std::string, std::set<std::string>> about_prescription;
  std::set<std::string> delivered_fhir;
  std::map<std::string, std::string> delivered_hl7;  // control id -> id
  int max_attempts = 0;
  for (const v1::Delivery& d : deliveries) {
    EXPECT_EQ(d.state(), v1::DELIVERY_STATE_DELIVERED)
        << d.message_id() << " " << v1::MessageKind_Name(d.kind()) << ": "
        << d.last_error();
    max_attempts = std::max(max_attempts, d.attempts());
    const std::string& record =
        d.prescription_id().empty() ? d.referral_id() : d.prescription_id();
    queued[{record, d.kind()}].push_back(d.message_id());
    if (!d.prescription_id().empty()) {
      about_prescription[d.prescription_id()].insert(d.message_id());
    }
    if (d.state() != v1::DELIVERY_STATE_DELIVERED) continue;
    if (d.channel() == v1::DELIVERY_CHANNEL_HL7V2_MLLP) {
      EXPECT_TRUE(
          delivered_hl7.emplace(ControlIdOf(d.message_id()), d.message_id())
              .second)
          << "two messages share MSH-10";
    } else {
      delivered_fhir.insert(d.message_id());
    }
  }
  size_t owed = 0;
  for (const Flow& f : flows) {
    for (const auto& [record, kind] :
         std::vector<std::pair<std::string, v1::MessageKind>>{
             {f.referral_id, v1::MESSAGE_KIND_REFERRAL_RESPONSE},
             {f.referral_id, v1::MESSAGE_KIND_TRUST_OUTCOME},
             {f.referral_id, v1::MESSAGE_KIND_GP_OUTCOME},
             {f.gp_prescription_id, v1::MESSAGE_KIND_GP_RECOMMENDATION},
             {f.pharmacy_prescription_id,
              v1::MESSAGE_KIND_PHARMACY_SUPPLY_REQUEST}}) {
      const std::vector<std::string>& ids = queued[std::pair(record, kind)];
      EXPECT_EQ(ids.size(), 1u) << f.key << " " << v1::MessageKind_Name(kind);
      owed += ids.size();
    }
    // The CYP1A2 safety alert (a record of its own, safety_alerts.h) goes to
    // the trust where levels move: the first recommendation and the quit
    // date the outcome needs; two per flow, whichever record they are filed
    // under.
    const size_t alerts =
        queued[std::pair(f.gp_prescription_id, v1::MESSAGE_KIND_SAFETY_ALERT)]
            .size() +
        queued[std::pair(f.pharmacy_prescription_id,
                         v1::MESSAGE_KIND_SAFETY_ALERT)]
            .size() +
        queued[std::pair(f.referral_id, v1::MESSAGE_KIND_SAFETY_ALERT)].size();
    EXPECT_EQ(alerts, 2u) << f.key;
    owed += alerts;
  }
  EXPECT_EQ(deliveries.size(), owed) << "messages no change of ours owed";

  // The peers received exactly the delivered ids (at least once each).
  int receipts = 0;
  int duplicates = 0;
  std::set<std::string> received_fhir;
  for (const auto& [id, n] : fhir_received.counts()) {
    received_fhir.insert(id);
    receipts += n;
    duplicates += n - 1;
  }
  std::set<std::string> received_hl7;
  for (const auto& [id, n] : hl7_received.counts()) {
    received_hl7.insert(id);
    receipts += n;
    duplicates += n - 1;
  }
  EXPECT_EQ(received_fhir, delivered_fhir);
  for (const auto& [id, bundle_ids] : fhir_received.bundle_ids()) {
    EXPECT_EQ(bundle_ids.size(), 1u) << id << ": resent with another Bundle.id";
  }
  std::set<std::string> delivered_control_ids;
  for (const auto& [control_id, id] : delivered_hl7) {
    delivered_control_ids.insert(control_id);
  }
  EXPECT_EQ(received_hl7, delivered_control_ids);

  // No prescription moved backwards or skipped a step, each request's
  // message is acknowledged once on its timeline however often it was sent,
  // and delivery left each request ACKNOWLEDGED.
  for (const Flow& f : flows) {
    for (const auto& [id, route] :
         {std::pair{f.gp_prescription_id, v1::ROUTE_GP_PRESCRIPTION},
          std::pair{f.pharmacy_prescription_id, v1::ROUTE_PHARMACY_SUPPLY}}) {
      v1::GetTimelineRequest request;
      request.set_prescription_id(id);
      v1::GetTimelineResponse timeline;
      ASSERT_TRUE(gateway.clients->prescriptions
                      ->GetTimeline(Ctx().get(), request, &timeline)
                      .ok());
      v1::PrescriptionStatus status = v1::PRESCRIPTION_STATUS_UNSPECIFIED;
      std::vector<v1::PrescriptionStatus> path;
      std::map<std::string, int> acknowledgements;
      for (const v1::TimelineEvent& e : timeline.events()) {
        EXPECT_NE(e.type(), v1::EVENT_TYPE_DELIVERY_FAILED) << f.key;
        if (e.type() == v1::EVENT_TYPE_PRESCRIPTION_RECOMMENDED) {
          EXPECT_EQ(status, v1::PRESCRIPTION_STATUS_UNSPECIFIED);
          status = e.to_status();
          path.push_back(status);
        } else if (e.type() == v1::EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED) {
          EXPECT_EQ(e.from_status(), status)
              << f.key << ": moved from a status it was not in";
          EXPECT_TRUE(IsLegalStep(status, e.to_status(), route))
              << f.key << ": " << v1::PrescriptionStatus_Name(status) << " -> "
              << v1::PrescriptionStatus_Name(e.to_status());
          status = e.to_status();
          path.push_back(status);
        }
        const bool acknowledged =
            e.type() == v1::EVENT_TYPE_MESSAGE_ACKNOWLEDGED ||
            (e.type() == v1::EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED &&
             e.to_status() == v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
        for (const v1::ExternalId& x : e.external_ids()) {
          if (acknowledged && x.system() == kMessageIdSystem) {
            ++acknowledgements[x.value()];
          }
        }
      }
      EXPECT_THAT(path,
                  ::testing::ElementsAre(v1::PRESCRIPTION_STATUS_RECOMMENDED,
                                         v1::PRESCRIPTION_STATUS_SENT,
                                         v1::PRESCRIPTION_STATUS_ACKNOWLEDGED))
          << f.key;
      // The request's own message and any safety alert.
      std::set<std::string> acknowledged_ids;
      for (const auto& [message_id, n] : acknowledgements) {
        EXPECT_EQ(n, 1) << f.key << " " << message_id;
        acknowledged_ids.insert(message_id);
      }
      EXPECT_EQ(acknowledged_ids, about_prescription[id]) << f.key;
    }
  }

  std::cout << "delivery crash test: " << kKills << " kills, " << flows.size()
            << " flows (" << acknowledged_before_recovery
            << " requests acknowledged before recovery, " << cut_short
            << " flows cut short by a kill), " << deliveries.size()
            << " messages (" << delivered_hl7.size() << " HL7, "
            << delivered_fhir.size() << " FHIR), " << receipts << " receipts, "
            << duplicates << " duplicates by id, most tries for one message "
            << max_attempts << ", drain " << absl::FormatDuration(drain_time)
            << "\n";

  EXPECT_TRUE(testing::StopGracefully(gateway.pid))
      << "graceful shutdown after recovery";
  trust->Stop();
  practices->Stop();
  // Seven gateway lifetimes of logs, including every failed send: no patient
  // identifier may appear in any line.
  const std::string log = testing::ReadFile(gateway.log_path);
  EXPECT_FALSE(log.empty());
  EXPECT_EQ(log.find("9990000018"), std::string::npos);
  EXPECT_EQ(log.find("999 000 0018"), std::string::npos);
  EXPECT_EQ(log.find("1980-04-01"), std::string::npos) << "date of birth";
  // Kept when something failed: the log says what the gateway saw.
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nhs::tobacco
