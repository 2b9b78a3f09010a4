// FHIR $process-message over real mutual TLS against the whole gateway,
// with a development PKI made at test time by certs/make_dev_certs.sh: the
// GP route (recommend -> GP prescribes -> pharmacy dispenses), the pharmacy
// route, every refusal with its HTTP status and OperationOutcome, and the
// certificates that must not get in (none, another CA, expired, revoked) or
// may not change what they ask to (another pharmacy, a GP confirming
// supply). The gateway's own outbound client (fhir::PostMessage) is the
// sender, so its client certificate, receiver verification and timeouts
// are tested too.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "adapters/fhir/https_client.h"
#include "adapters/fhir/https_listener.h"
#include "adapters/fhir/systems.h"
#include "gateway/common/log.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/dev_certs.h"
#include "tests/testing/stored_audit.h"
#include "tests/testing/test_gateway.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::FreshDataDir;
using ::nhs::tobacco::testing::SampleConfig;
using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

template <typename T, typename Call>
absl::StatusOr<T> Await(Call call) {
  absl::Notification done;
  absl::StatusOr<T> out = absl::UnknownError("no reply");
  call([&](absl::StatusOr<T> r) {
    out = std::move(r);
    done.Notify();
  });
  done.WaitForNotificationWithTimeout(absl::Seconds(10));
  return out;
}

Json Example(const std::string& name) {
  std::ifstream in(std::string(TOBACCO_FHIR_TESTDATA_DIR) + "/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return Json::parse(s.str());
}

// The development PKI (certs/make_dev_certs.sh, once per process): the dev
// CA, the gateway's server certificate, one client certificate per
// organisation, the expired, revoked and foreign samples, and the CRL by
// issuer hash.
const std::filesystem::path& Pki() { return testing::DevCerts(); }

std::string PkiFile(const std::string& name) { return (Pki() / name).string(); }

// Client options presenting `client` (a make_dev_certs.sh name; empty =
// no certificate) and trusting the dev CA for the gateway.
fhir::HttpsClientOptions As(const std::string& client) {
  fhir::HttpsClientOptions options;
  options.ca_cert_path = PkiFile("ca.pem");
  options.io_timeout = absl::Seconds(10);
  if (!client.empty()) {
    options.client_cert_path = PkiFile(client + ".pem");
    options.client_key_path = PkiFile(client + ".key");
  }
  return options;
}

constexpr char kGp[] = "gp-y90001";
constexpr char kPharmacy[] = "pharmacy-fzz99";

// Messages per second per sender in these tests: far above what the
// pathway tests send, far below a burst.
constexpr int kRateLimit = 20;

class FhirProcessMessageTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(std::filesystem::exists(Pki())); }

  void SetUp() override {
    dir_ = FreshDataDir();
    v1::GatewayConfig config = SampleConfig(dir_);
    auto* fhir = config.mutable_fhir();
    fhir->set_address("127.0.0.1:0");
    fhir->set_tls_cert_path(PkiFile("server.pem"));
    fhir->set_tls_key_path(PkiFile("server.key"));
    fhir->set_client_ca_file(PkiFile("ca.pem"));
    fhir->set_crl_directory(PkiFile("crl"));
    fhir->set_max_body_bytes(64 * 1024);
    fhir->set_per_principal_rate_limit(kRateLimit);
    fhir->set_public_endpoint("https://127.0.0.1/fhir/$process-message");
    auto server = server::GatewayServer::Start(config);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    ASSERT_GT(server_->fhir_port(), 0);
  }

  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string Url() const {
    return absl::StrCat("https://127.0.0.1:", server_->fhir_port(),
                        "/fhir/$process-message");
  }

  absl::StatusOr<fhir::HttpResponse> TryPost(const std::string& body,
                                             const std::string& client) {
    return fhir::PostMessage(Url(), body, As(client));
  }

  // Posts as `client` (a certificate name from make_dev_certs.sh).
  fhir::HttpResponse Post(const std::string& body, const std::string& client) {
    auto r = TryPost(body, client);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : fhir::HttpResponse{0, "", ""};
  }

  // The audit rows recorded for `record_id`, waiting (boundedly) for at
  // least `at_least`: denials are audited asynchronously.
  std::vector<v1::AuditRecord> AuditOf(const std::string& record_id,
                                       int at_least) {
    std::vector<v1::AuditRecord> rows;
    const absl::Time give_up = absl::Now() + absl::Seconds(5);
    do {
      rows.clear();
      auto listed = testing::StoredAuditRecords(server_->store(), 1000);
      if (listed.ok()) {
        for (const auto& r : listed->records()) {
          if (r.record_id() == record_id) rows.push_back(r);
        }
      }
      if (static_cast<int>(rows.size()) >= at_least) break;
      absl::SleepFor(absl::Milliseconds(20));
    } while (absl::Now() < give_up);
    return rows;
  }

  // A referral and a recommendation moved to ACKNOWLEDGED (what delivery and
  // the receiver's acknowledgement do once the outbox lands).
  std::string Acknowledged(v1::Route route, const std::string& target,
                           const std::string& tag) {
    pathway::ReferralUseCases& referrals = server_->referrals();
    pathway::PrescriptionUseCases& p = server_->prescriptions();
    const pathway::Caller as = testing::InspectorCaller();
    v1::CreateReferralRequest cr;
    cr.set_request_id(absl::StrCat("ref-", tag));
    v1::Referral* ref = cr.mutable_referral();
    ref->mutable_patient()->set_nhs_number("9990000018");
    ref->mutable_patient()->set_date_of_birth("1984-05-12");
    ref->mutable_referrer()->set_ods_code("RX9");
    ref->set_source(v1::REFERRAL_SOURCE_COMMUNITY_MENTAL_HEALTH);
    ref->mutable_service()->set_ods_code("RX9");
    ref->mutable_gp_practice()->set_ods_code("Y90001");
    ref->set_goal(v1::QUIT_GOAL_QUIT_NOW);
    ref->mutable_consent()->set_share_with_gp(true);
    ref->mutable_consent()->set_share_with_pharmacy(true);
    auto referral = Await<v1::Referral>([&](auto reply) {
      referrals.CreateReferral(as, cr, std::move(reply));
    });
    EXPECT_TRUE(referral.ok()) << referral.status();
    v1::RecommendPrescriptionRequest rr;
    rr.set_request_id(absl::StrCat("rec-", tag));
    rr.set_referral_id(referral->referral_id());
    rr.set_product_id("nrt-patch-21mg-24h");
    rr.set_dose_text("Apply ONE patch each morning");
    rr.mutable_quantity()->set_value(28);
    rr.mutable_quantity()->set_unit("patch");
    rr.set_duration_days(28);
    rr.set_route(route);
    if (!target.empty()) rr.mutable_target()->set_ods_code(target);
    rr.mutable_recommended_by()->set_identifier("99Z9999Z");
    rr.mutable_recommended_by()->set_register_(v1::PROFESSIONAL_REGISTER_NMC);
    auto rx = Await<v1::PrescriptionRequest>(
        [&](auto reply) { p.RecommendPrescription(as, rr, std::move(reply)); });
    EXPECT_TRUE(rx.ok()) << rx.status();
    for (auto action : {domain::PrescriptionAction::kMarkSent,
                        domain::PrescriptionAction::kAcknowledge}) {
      v1::TransitionRequest t;
      t.set_request_id(
          absl::StrCat("step-", tag, "-", domain::ActionName(action)));
      t.set_prescription_id(rx->prescription_id());
      t.mutable_actor()->mutable_organisation()->set_ods_code("RX9");
      auto moved = Await<v1::PrescriptionRequest>(
          [&](auto reply) { p.Transition(as, action, t, std::move(reply)); });
      EXPECT_TRUE(moved.ok()) << moved.status();
    }
    return rx->prescription_id();
  }

  // The request and its timeline as stored, read past the use cases so the
  // test's own looks leave no audit rows.
  absl::StatusOr<v1::PrescriptionRequest> StoredRx(const std::string& id) {
    std::optional<v1::PrescriptionRequest> found;
    absl::Status read =
        server_->store().Read([&](store::ReadTransaction& tx) -> absl::Status {
          auto p = tx.GetPrescription(id);
          if (!p.ok()) return p.status();
          found = *std::move(p);
          return absl::OkStatus();
        });
    if (!read.ok()) return read;
    if (!found.has_value()) return absl::NotFoundError(id);
    return *std::move(found);
  }
  absl::StatusOr<v1::GetTimelineResponse> StoredTimeline(
      const std::string& id) {
    v1::GetTimelineResponse timeline;
    absl::Status read =
        server_->store().Read([&](store::ReadTransaction& tx) -> absl::Status {
          store::EventQuery query;
          query.prescription_id = id;
          query.limit = 10000;
          auto events = tx.ListEvents(query);
          if (!events.ok()) return events.status();
          for (auto& e : *events) *timeline.add_events() = std::move(e);
          return absl::OkStatus();
        });
    if (!read.ok()) return read;
    return timeline;
  }

  v1::PrescriptionStatus StatusOf(const std::string& id) {
    auto rx = StoredRx(id);
    EXPECT_TRUE(rx.ok()) << rx.status();
    return rx.ok() ? rx->status() : v1::PRESCRIPTION_STATUS_UNSPECIFIED;
  }

  static Json Decision(const std::string& prescription_id,
                       const std::string& bundle_id) {
    Json j = Example("gp_decision_prescribed_bundle.json");
    j["id"] = bundle_id;
    j["entry"][1]["resource"]["basedOn"][0]["identifier"]["value"] =
        prescription_id;
    return j;
  }

  static Json Dispense(const std::string& prescription_id,
                       const std::string& bundle_id) {
    Json j = Example("pharmacy_dispense_bundle.json");
    j["id"] = bundle_id;
    Json ours;
    ours["identifier"]["system"] = fhir::kPrescriptionRequestSystem;
    ours["identifier"]["value"] = prescription_id;
    j["entry"][1]["resource"]["authorizingPrescription"].push_back(ours);
    return j;
  }

  static Json Outcome(const fhir::HttpResponse& r) {
    return Json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  }

  std::filesystem::path dir_;
  std::string cert_;
  std::unique_ptr<server::GatewayServer> server_;
};

TEST_F(FhirProcessMessageTest, GpRouteMovesFromPrescribedToDispensed) {
  const std::string id = Acknowledged(v1::ROUTE_GP_PRESCRIPTION, "", "gp");
  fhir::HttpResponse prescribed =
      Post(Decision(id, "gp-decision-1").dump(), kGp);
  ASSERT_EQ(prescribed.status, 200) << prescribed.body;
  Json answer = Outcome(prescribed);
  EXPECT_EQ(answer["type"], "message");
  EXPECT_EQ(answer["entry"][0]["resource"]["response"]["code"], "ok");
  EXPECT_EQ(answer["entry"][0]["resource"]["response"]["identifier"],
            "7c1f4a2e-0011-4d1a-9a11-000000000011");
  auto rx = StoredRx(id);
  ASSERT_TRUE(rx.ok());
  EXPECT_EQ(rx->status(), v1::PRESCRIPTION_STATUS_PRESCRIBED);
  EXPECT_EQ(rx->eps_prescription_id(), "4D7E1A-Y90001-0003FX");

  fhir::HttpResponse dispensed =
      Post(Dispense(id, "dispense-1").dump(), kPharmacy);
  ASSERT_EQ(dispensed.status, 200) << dispensed.body;
  EXPECT_EQ(StatusOf(id), v1::PRESCRIPTION_STATUS_DISPENSED);
  auto timeline = StoredTimeline(id);
  ASSERT_TRUE(timeline.ok());
  EXPECT_EQ(timeline->events().rbegin()->actor().adapter(), "fhir");
}

// README "Logs": each message's event, in JSON, names the sender, the
// Bundle, the event, the request it moved and the HTTP status, and never
// the patient; a refusal is a WARNING with its status.
TEST_F(FhirProcessMessageTest, EachMessageIsLoggedWithItsIdsAndNoPatientData) {
  const std::string id = Acknowledged(v1::ROUTE_GP_PRESCRIPTION, "", "gp");
  SetLogFormat(LogFormat::kJson);
  ::testing::internal::CaptureStderr();
  fhir::HttpResponse prescribed =
      Post(Decision(id, "gp-decision-log").dump(), kGp);
  fhir::HttpResponse again =
      Post(Dispense("no-such-request", "dispense-log").dump(), kPharmacy);
  const std::string log = ::testing::internal::GetCapturedStderr();
  SetLogFormat(LogFormat::kText);
  ASSERT_EQ(prescribed.status, 200) << prescribed.body;
  ASSERT_GE(again.status, 400);
  std::vector<Json> events;
  for (absl::string_view line : absl::StrSplit(log, '\n', absl::SkipEmpty())) {
    Json event = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(event.is_discarded()) << line;
    if (event["component"] == "fhir") events.push_back(event);
  }
  ASSERT_EQ(events.size(), 2u) << log;
  EXPECT_EQ(events[0]["level"], "INFO");
  EXPECT_EQ(events[0]["message"], "message processed");
  EXPECT_EQ(events[0]["fhir_bundle_id"], "gp-decision-log");
  EXPECT_EQ(events[0]["fhir_sender"], "Y90001");
  EXPECT_EQ(events[0]["prescription_id"], id);
  EXPECT_EQ(events[0]["http_status"], 200);
  EXPECT_EQ(events[1]["level"], "WARNING");
  EXPECT_EQ(events[1]["fhir_bundle_id"], "dispense-log");
  EXPECT_EQ(events[1]["http_status"], again.status);
  EXPECT_THAT(log, Not(HasSubstr("9990000018")));
}

TEST_F(FhirProcessMessageTest, DispenseNamingOnlyTheEpsIdFindsTheRequest) {
  const std::string id = Acknowledged(v1::ROUTE_GP_PRESCRIPTION, "", "eps");
  ASSERT_EQ(Post(Decision(id, "gp-decision-eps").dump(), kGp).status, 200);
  // The reference example as a pharmacy system sends it: EPS id only.
  Json j = Example("pharmacy_dispense_bundle.json");
  fhir::HttpResponse r = Post(j.dump(), kPharmacy);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(StatusOf(id), v1::PRESCRIPTION_STATUS_DISPENSED);
}

TEST_F(FhirProcessMessageTest, DispenseOfAnUnknownEpsIdIsForbidden) {
  Json j = Example("pharmacy_dispense_bundle.json");
  j["entry"][1]["resource"]["authorizingPrescription"][0]["identifier"]
   ["value"] = "335C70-A83008-84058A";
  fhir::HttpResponse r = Post(j.dump(), kPharmacy);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Outcome(r)["issue"][0]["code"], "forbidden");
}

TEST_F(FhirProcessMessageTest, PharmacyRouteEndsSupplied) {
  const std::string id =
      Acknowledged(v1::ROUTE_PHARMACY_SUPPLY, "FZZ99", "pharmacy");
  fhir::HttpResponse r = Post(Dispense(id, "supply-1").dump(), kPharmacy);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(StatusOf(id), v1::PRESCRIPTION_STATUS_SUPPLIED);
}

TEST_F(FhirProcessMessageTest, PharmacyDeclineWithReasonIsNotSupplied) {
  const std::string id =
      Acknowledged(v1::ROUTE_PHARMACY_SUPPLY, "FZZ99", "declined");
  Json j = Dispense(id, "declined-1");
  j["entry"][1]["resource"]["status"] = "declined";
  j["entry"][1]["resource"]["statusReasonCodeableConcept"]["coding"] =
      Json::array({{{"code", "OUT_OF_STOCK"}}});
  fhir::HttpResponse r = Post(j.dump(), kPharmacy);
  ASSERT_EQ(r.status, 200) << r.body;
  auto rx = StoredRx(id);
  EXPECT_EQ(rx->status(), v1::PRESCRIPTION_STATUS_NOT_SUPPLIED);
  EXPECT_EQ(rx->status_reason(), "OUT_OF_STOCK");
}

TEST_F(FhirProcessMessageTest, DuplicateBundleGetsTheFirstAnswerAndNothingNew) {
  const std::string id = Acknowledged(v1::ROUTE_GP_PRESCRIPTION, "", "dup");
  const std::string body = Decision(id, "gp-decision-dup").dump();
  fhir::HttpResponse first = Post(body, kGp);
  ASSERT_EQ(first.status, 200) << first.body;
  const auto events = server_->prescriptions()
                          .GetTimeline(testing::InspectorCaller(), id)
                          ->events_size();
  fhir::HttpResponse again = Post(body, kGp);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(server_->prescriptions()
                .GetTimeline(testing::InspectorCaller(), id)
                ->events_size(),
            events);
}

TEST_F(FhirProcessMessageTest, SameBundleIdWithAnotherBodyIsAConflict) {
  const std::string id = Acknowledged(v1::ROUTE_GP_PRESCRIPTION, "", "reuse");
  ASSERT_EQ(Post(Decision(id, "gp-decision-reuse").dump(), kGp).status, 200);
  Json changed = Decision(id, "gp-decision-reuse");
  changed["entry"][1]["resource"]["note"][0]["text"] = "something else";
  fhir::HttpResponse r = Post(changed.dump(), kGp);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(Outcome(r)["issue"][0]["code"], "duplicate");
}

TEST_F(FhirProcessMessageTest, ASenderOverItsRateGets429AndOthersDoNot) {
  // Eight senders at once: each post is a new connection with a full TLS
  // handshake (no resumption), so one sender alone may not outrun the
  // bucket's refill on a loaded machine.
  std::atomic<int> throttled = 0;
  std::vector<std::thread> senders;
  for (int t = 0; t < 8; ++t) {
    senders.emplace_back([&] {
      for (int i = 0; i < kRateLimit; ++i) {
        if (Post("{", kGp).status == 429) ++throttled;
      }
    });
  }
  for (std::thread& sender : senders) sender.join();
  EXPECT_GT(throttled.load(), 0);
  EXPECT_EQ(Post("{", kPharmacy).status, 400)
      << "another organisation's budget is its own";
}

TEST_F(FhirProcessMessageTest, MalformedJsonIsABadRequest) {
  fhir::HttpResponse r = Post("{\"resourceType\": \"Bundle\",", kGp);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Outcome(r)["resourceType"], "OperationOutcome");
  EXPECT_EQ(Outcome(r)["issue"][0]["code"], "structure");
}

TEST_F(FhirProcessMessageTest, WrongResourceTypeIsUnprocessable) {
  fhir::HttpResponse r = Post(R"({"resourceType": "Patient", "id": "p"})", kGp);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(Outcome(r)["issue"][0]["expression"][0], "resourceType");
}

TEST_F(FhirProcessMessageTest, MissingNhsNumberIsUnprocessableAtItsElement) {
  const std::string id = Acknowledged(v1::ROUTE_GP_PRESCRIPTION, "", "nonhs");
  Json j = Decision(id, "gp-decision-nonhs");
  j["entry"][2]["resource"].erase("identifier");
  fhir::HttpResponse r = Post(j.dump(), kGp);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(Outcome(r)["issue"][0]["expression"][0],
            "Bundle.entry[2].resource.identifier");
  EXPECT_EQ(StatusOf(id), v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
}

TEST_F(FhirProcessMessageTest, UnknownPrescriptionIsRefusedLikeOneNotEntitled) {
  // A GP may not decide on a pharmacy-route request; its refusal must read
  // exactly like the one for a request that does not exist.
  const std::string other =
      Acknowledged(v1::ROUTE_PHARMACY_SUPPLY, "FZZ99", "not-gp");
  fhir::HttpResponse unknown =
      Post(Decision("no-such-id", "gp-unknown").dump(), kGp);
  fhir::HttpResponse forbidden =
      Post(Decision(other, "gp-not-entitled").dump(), kGp);
  EXPECT_EQ(unknown.status, 403) << unknown.body;
  EXPECT_EQ(forbidden.status, 403) << forbidden.body;
  EXPECT_EQ(Outcome(unknown)["issue"][0]["code"], "forbidden");
  EXPECT_EQ(Outcome(unknown)["issue"][0]["diagnostics"],
            Outcome(forbidden)["issue"][0]["diagnostics"]);
  EXPECT_EQ(StatusOf(other), v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
}

TEST_F(FhirProcessMessageTest, WrongStateIsAConflictAndChangesNothing) {
  const std::string id = Acknowledged(v1::ROUTE_GP_PRESCRIPTION, "", "again");
  ASSERT_EQ(Post(Decision(id, "gp-decision-first").dump(), kGp).status, 200);
  const auto events = server_->prescriptions()
                          .GetTimeline(testing::InspectorCaller(), id)
                          ->events_size();
  fhir::HttpResponse r = Post(Decision(id, "gp-decision-second").dump(), kGp);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_THAT(Outcome(r)["issue"][0]["diagnostics"].get<std::string>(),
              HasSubstr("PRESCRIBED"));
  EXPECT_EQ(StatusOf(id), v1::PRESCRIPTION_STATUS_PRESCRIBED);
  EXPECT_EQ(server_->prescriptions()
                .GetTimeline(testing::InspectorCaller(), id)
                ->events_size(),
            events);
}

TEST_F(FhirProcessMessageTest, AnotherPatientsMessageIsUnprocessable) {
  const std::string id = Acknowledged(v1::ROUTE_GP_PRESCRIPTION, "", "other");
  Json j = Decision(id, "gp-decision-other");
  j["entry"][2]["resource"]["identifier"][0]["value"] = "9990000026";
  fhir::HttpResponse r = Post(j.dump(), kGp);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(StatusOf(id), v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
}

TEST_F(FhirProcessMessageTest, OversizedBodyIsRefusedUnread) {
  fhir::HttpResponse r = Post(std::string(100 * 1024, ' '), kGp);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(Outcome(r)["resourceType"], "OperationOutcome");
}

// A certificate the handshake must refuse: no HTTP is spoken, so nothing
// can change.
class FhirRefusedCertificateTest
    : public FhirProcessMessageTest,
      public ::testing::WithParamInterface<const char*> {};

TEST_P(FhirRefusedCertificateTest, HandshakeFailsAndNothingChanges) {
  const std::string id =
      Acknowledged(v1::ROUTE_PHARMACY_SUPPLY, "FZZ99", "refused");
  auto r = TryPost(Dispense(id, "refused-1").dump(), GetParam());
  EXPECT_FALSE(r.ok()) << "HTTP " << r->status << " " << r->body;
  if (!r.ok()) {
    EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
  }
  EXPECT_EQ(StatusOf(id), v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
}

// "" = no certificate; foreign = signed by another CA (claiming FZZ99);
// expired = valid only in 2020; revoked-pharmacy = on the CRL.
INSTANTIATE_TEST_SUITE_P(Certificates, FhirRefusedCertificateTest,
                         ::testing::Values("", "foreign", "expired",
                                           "revoked-pharmacy"));

TEST_F(FhirProcessMessageTest, AnotherPharmacyConfirmingASupplyIsForbidden) {
  const std::string id =
      Acknowledged(v1::ROUTE_PHARMACY_SUPPLY, "FZZ99", "fzz98");
  Json j = Dispense(id, "supply-by-fzz98");
  // FZZ98 names itself as performer: honest, but not the target.
  j["entry"][3]["resource"]["identifier"][0]["value"] = "FZZ98";
  fhir::HttpResponse r = Post(j.dump(), "pharmacy-fzz98");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Outcome(r)["resourceType"], "OperationOutcome");
  EXPECT_EQ(Outcome(r)["issue"][0]["code"], "forbidden");
  EXPECT_EQ(StatusOf(id), v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
  // Recommended, sent and acknowledged are audited already; the refusal is
  // written asynchronously after them.
  std::vector<v1::AuditRecord> audit = AuditOf(id, 4);
  ASSERT_FALSE(audit.empty());
  EXPECT_EQ(audit.back().ods_code(), "FZZ98");
  EXPECT_EQ(audit.back().operation(), "Supply");
  EXPECT_EQ(audit.back().result(), "PERMISSION_DENIED");
}

TEST_F(FhirProcessMessageTest, GpConfirmingASupplyIsForbidden) {
  const std::string id =
      Acknowledged(v1::ROUTE_PHARMACY_SUPPLY, "FZZ99", "gp-supply");
  fhir::HttpResponse r = Post(Dispense(id, "supply-by-gp").dump(), kGp);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(StatusOf(id), v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
}

TEST_F(FhirProcessMessageTest, AnotherPracticesDecisionIsForbidden) {
  const std::string id = Acknowledged(v1::ROUTE_GP_PRESCRIPTION, "", "y90002");
  Json j = Decision(id, "gp-decision-y90002");
  j["entry"][3]["resource"]["identifier"][0]["value"] = "Y90002";
  fhir::HttpResponse r = Post(j.dump(), "gp-y90002");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(StatusOf(id), v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
}

TEST_F(FhirProcessMessageTest,
       MessageSentInAnotherOrganisationsNameIsForbidden) {
  // FZZ98 is the target, but the message says FZZ99 supplied it.
  const std::string id =
      Acknowledged(v1::ROUTE_PHARMACY_SUPPLY, "FZZ98", "impersonate");
  fhir::HttpResponse r =
      Post(Dispense(id, "supply-in-fzz99s-name").dump(), "pharmacy-fzz98");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_THAT(Outcome(r)["issue"][0]["diagnostics"].get<std::string>(),
              HasSubstr("certificate"));
  EXPECT_EQ(StatusOf(id), v1::PRESCRIPTION_STATUS_ACKNOWLEDGED);
}

TEST_F(FhirProcessMessageTest, PharmacyWithoutTheEpsIdCannotDispense) {
  const std::string id = Acknowledged(v1::ROUTE_GP_PRESCRIPTION, "", "no-eps");
  ASSERT_EQ(Post(Decision(id, "gp-decision-no-eps").dump(), kGp).status, 200);
  Json j = Dispense(id, "dispense-wrong-eps");
  j["entry"][1]["resource"]["authorizingPrescription"][0]["identifier"]
   ["value"] = "335C70-A83008-84058A";  // valid, but another prescription
  fhir::HttpResponse r = Post(j.dump(), kPharmacy);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(StatusOf(id), v1::PRESCRIPTION_STATUS_PRESCRIBED);
}

TEST_F(FhirProcessMessageTest, OutboundClientRefusesAReceiverItCannotVerify) {
  fhir::HttpsClientOptions options = As(kGp);
  options.ca_cert_path = PkiFile("other-ca.pem");
  auto r = fhir::PostMessage(Url(), "{}", options);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("SSLServerVerification"));
}

// The outbound client against receivers that never answer: it must give
// up on its own timeouts, say DEADLINE_EXCEEDED (so the outbox retries),
// and not hang.
class FhirHttpsClientTimeoutTest : public ::testing::Test {
 protected:
  static fhir::HttpsClientOptions Impatient() {
    fhir::HttpsClientOptions options = As(kGp);
    options.connect_timeout = absl::Milliseconds(300);
    options.io_timeout = absl::Milliseconds(300);
    return options;
  }
};

TEST_F(FhirHttpsClientTimeoutTest, ReceiverThatNeverAnswersTheMessageTimesOut) {
  // A real TLS endpoint whose handler holds the answer back until the
  // client has given up.
  absl::Mutex mu;
  fhir::Respond held;
  absl::Notification received;
  fhir::HttpsListenerOptions options;
  options.address = "127.0.0.1:0";
  options.tls_cert_path = PkiFile("server.pem");
  options.tls_key_path = PkiFile("server.key");
  options.reply_timeout = absl::Seconds(20);
  auto listener = fhir::HttpsListener::Start(
      options, [&](const fhir::InboundMessage&, fhir::Respond respond) {
        absl::MutexLock lock(&mu);
        held = std::move(respond);
        received.Notify();
      });
  ASSERT_TRUE(listener.ok()) << listener.status();
  const absl::Time start = absl::Now();
  auto r =
      fhir::PostMessage(absl::StrCat("https://127.0.0.1:", (*listener)->port(),
                                     "/fhir/$process-message"),
                        "{}", Impatient());
  const absl::Duration took = absl::Now() - start;
  EXPECT_TRUE(received.HasBeenNotified());
  ASSERT_FALSE(r.ok()) << "HTTP " << r->status;
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded)
      << r.status();
  EXPECT_GE(took, absl::Milliseconds(300));
  EXPECT_LT(took, absl::Seconds(5));
  // Let the server's worker finish so Stop() does not wait for it.
  absl::MutexLock lock(&mu);
  if (held) held(fhir::HttpResponse{});
}

TEST_F(FhirHttpsClientTimeoutTest,
       ReceiverThatNeverCompletesTheHandshakeTimesOut) {
  // Listening but never accepting: the kernel completes the TCP handshake,
  // nobody ever answers the TLS ClientHello.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const absl::Time start = absl::Now();
  auto r =
      fhir::PostMessage(absl::StrCat("https://127.0.0.1:", ntohs(addr.sin_port),
                                     "/fhir/$process-message"),
                        "{}", Impatient());
  const absl::Duration took = absl::Now() - start;
  ::close(fd);
  ASSERT_FALSE(r.ok()) << "HTTP " << r->status;
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded)
      << r.status();
  EXPECT_LT(took, absl::Seconds(5));
}

}  // namespace
}  // namespace nhs::tobacco
