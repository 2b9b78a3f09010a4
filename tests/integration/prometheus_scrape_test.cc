// The real Prometheus server (Debian's prometheus package) scraping a real
// gateway's admin endpoint every second, with the repo's alert rules
// loaded: a pathway through gRPC and HL7 v2 over MLLP, then Prometheus's
// HTTP API must report the counters and the outbox and prescription gauges
// at exactly the values the pathway made. Also: `promtool check metrics`
// accepts the exposition, and every Grafana dashboard query evaluates.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "adapters/hl7v2/mllp_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/dev_certs.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/plain_http_client.h"
#include "tests/testing/sample_requests.h"
#include "tests/testing/test_gateway.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::Clients;
using ::nhs::tobacco::testing::Ctx;
using ::nhs::tobacco::testing::DevCerts;
using ::nhs::tobacco::testing::FreeLoopbackPort;
using ::nhs::tobacco::testing::FreshDataDir;
using ::nhs::tobacco::testing::PlainHttpGet;
using ::nhs::tobacco::testing::SampleConfig;
using ::nhs::tobacco::testing::SampleRecommendation;
using ::nhs::tobacco::testing::SampleReferralRequest;

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Percent-encodes a PromQL expression for a query string.
std::string UrlEncode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppend(&out, "%", absl::Hex(c, absl::kZeroPad2));
    }
  }
  return out;
}

class PrometheusScrapeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshDataDir();
    v1::GatewayConfig config = SampleConfig(dir_ / "data");
    config.mutable_deadlines()->set_scan_interval_seconds(3600);
    // Outbound FHIR to a port nobody listens on, one try: every message to
    // a GP or pharmacy becomes a dead letter at once.
    const std::filesystem::path pki = DevCerts();
    auto pem = [&](const char* f) { return (pki / f).string(); };
    nobody_ = FreeLoopbackPort();
    v1::FhirListenerConfig* fhir = config.mutable_fhir();
    fhir->set_address("127.0.0.1:0");
    fhir->mutable_tls()->set_cert_file(pem("server.pem"));
    fhir->mutable_tls()->set_key_file(pem("server.key"));
    fhir->mutable_tls()->set_client_ca_file(pem("ca.pem"));
    fhir->set_client_cert_path(pem("service-tds01.pem"));
    fhir->set_client_key_path(pem("service-tds01.key"));
    fhir->set_ca_cert_path(pem("ca.pem"));
    fhir->set_connect_timeout_ms(500);
    fhir->set_request_timeout_ms(1000);
    for (const char* ods : {"Y90001", "FZZ99"}) {
      v1::FhirEndpoint* e = fhir->add_endpoints();
      e->set_ods_code(ods);
      e->set_url(absl::StrCat("https://127.0.0.1:", nobody_,
                              "/fhir/$process-message"));
    }
    config.mutable_delivery()->set_max_attempts(1);
    auto server = server::GatewayServer::Start(config);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    clients_ = std::make_unique<Clients>(server_->port());
  }

  void TearDown() override {
    if (prometheus_ > 0) {
      kill(prometheus_, SIGTERM);
      int wstatus = 0;
      waitpid(prometheus_, &wstatus, 0);
    }
    clients_.reset();
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Prometheus on loopback, scraping the admin port every second, with the
  // repo's alert rules.
  void StartPrometheus() {
    prometheus_port_ = FreeLoopbackPort();
    const std::string rules =
        std::string(TOBACCO_SOURCE_DIR) + "/deploy/prometheus/alerts.yml";
    const std::filesystem::path config = dir_ / "prometheus.yml";
    std::ofstream(config) << "global:\n"
                          << "  scrape_interval: 1s\n"
                          << "  evaluation_interval: 1s\n"
                          << "rule_files:\n"
                          << "  - " << rules << "\n"
                          << "scrape_configs:\n"
                          << "  - job_name: tobacco-gateway\n"
                          << "    static_configs:\n"
                          << "      - targets: [\"127.0.0.1:"
                          << server_->admin_port() << "\"]\n";
    const std::string log = (dir_ / "prometheus.log").string();
    const std::string config_flag =
        absl::StrCat("--config.file=", config.string());
    const std::string storage =
        absl::StrCat("--storage.tsdb.path=", (dir_ / "tsdb").string());
    const std::string listen =
        absl::StrCat("--web.listen-address=127.0.0.1:", prometheus_port_);
    prometheus_ = fork();
    if (prometheus_ == 0) {
      FILE* out = fopen(log.c_str(), "a");
      if (out != nullptr) {
        dup2(fileno(out), STDOUT_FILENO);
        dup2(fileno(out), STDERR_FILENO);
      }
      execlp("prometheus", "prometheus", config_flag.c_str(), storage.c_str(),
             listen.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    ASSERT_GT(prometheus_, 0);
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (absl::Now() < deadline) {
      if (PlainHttpGet(prometheus_port_, "/-/ready").status == 200) return;
      absl::SleepFor(absl::Milliseconds(200));
    }
    FAIL() << "prometheus did not become ready:\n" << ReadText(log);
  }

  // The query's result as JSON ({"status":...,"data":{"result":[...]}}).
  nlohmann::json Query(const std::string& promql) {
    const testing::PlainHttpResponse r =
        PlainHttpGet(prometheus_port_,
                     absl::StrCat("/api/v1/query?query=", UrlEncode(promql)));
    nlohmann::json parsed = nlohmann::json::parse(r.body, nullptr, false);
    return parsed.is_discarded() ? nlohmann::json::object() : parsed;
  }

  // The single value of an instant vector, or "" when there is none.
  std::string Value(const std::string& promql) {
    const nlohmann::json j = Query(promql);
    if (!j.contains("data") || j["data"]["result"].size() != 1) return "";
    return j["data"]["result"][0]["value"][1].get<std::string>();
  }

  // Waits (bounded) until `promql` has the value `want` in Prometheus.
  void ExpectEventually(const std::string& promql, const std::string& want) {
    std::string got;
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (absl::Now() < deadline) {
      got = Value(promql);
      if (got == want) return;
      absl::SleepFor(absl::Milliseconds(250));
    }
    ADD_FAILURE() << promql << ": Prometheus says '" << got << "', expected "
                  << want;
  }

  std::filesystem::path dir_;
  int nobody_ = 0;
  std::unique_ptr<server::GatewayServer> server_;
  std::unique_ptr<Clients> clients_;
  pid_t prometheus_ = -1;
  int prometheus_port_ = 0;
};

TEST_F(PrometheusScrapeTest, PathwayMovesTheScrapedFiguresByExactlyWhatItDid) {
  StartPrometheus();
  ExpectEventually("up{job=\"tobacco-gateway\"}", "1");
  ExpectEventually("tobacco_gateway_ready", "1");
  ExpectEventually("tobacco_gateway_prescriptions{status=\"recommended\"}",
                   "0");

  // gRPC: two referrals, one refused, one recommendation on the GP route.
  v1::Referral referral;
  for (const char* id : {"r1", "r2"}) {
    ASSERT_TRUE(
        clients_->referrals
            ->CreateReferral(Ctx().get(), SampleReferralRequest(id), &referral)
            .ok());
  }
  v1::CreateReferralRequest bad = SampleReferralRequest("bad");
  bad.mutable_referral()->mutable_patient()->set_nhs_number("123");
  EXPECT_FALSE(
      clients_->referrals->CreateReferral(Ctx().get(), bad, &referral).ok());
  v1::PrescriptionRequest p;
  ASSERT_TRUE(clients_->prescriptions
                  ->RecommendPrescription(
                      Ctx().get(),
                      SampleRecommendation("rec", referral.referral_id(),
                                           "varenicline-1mg",
                                           v1::ROUTE_GP_PRESCRIPTION),
                      &p)
                  .ok());

  // HL7 v2: the reference REF^I12 (enhanced mode: commit ACK "CA").
  hl7v2::MllpClientOptions mllp;
  mllp.address = absl::StrCat("127.0.0.1:", server_->mllp_port());
  mllp.io_timeout = absl::Seconds(10);
  hl7v2::MllpClient client(mllp);
  ASSERT_TRUE(client
                  .Send(ReadText(std::string(TOBACCO_SOURCE_DIR) +
                                 "/tests/testdata/hl7v2/ref_i12_basic.hl7"))
                  .ok());

  const std::string handled = "tobacco_gateway_grpc_server_handled_total";
  ExpectEventually(
      absl::StrCat(handled,
                   "{method=\"nhs.tobacco.v1.ReferralService/CreateReferral\","
                   "code=\"OK\"}"),
      "2");
  ExpectEventually(
      absl::StrCat(handled,
                   "{method=\"nhs.tobacco.v1.ReferralService/CreateReferral\","
                   "code=\"INVALID_ARGUMENT\"}"),
      "1");
  ExpectEventually(absl::StrCat(handled,
                                "{method=\"nhs.tobacco.v1.PrescriptionService/"
                                "RecommendPrescription\",code=\"OK\"}"),
                   "1");
  ExpectEventually(
      "tobacco_gateway_grpc_server_handling_seconds_count{method=\"nhs."
      "tobacco.v1.ReferralService/CreateReferral\"}",
      "3");
  ExpectEventually(
      "tobacco_gateway_hl7_messages_received_total{trigger=\"REF^I12\","
      "ack_code=\"CA\"}",
      "1");
  ExpectEventually("tobacco_gateway_prescriptions{status=\"recommended\"}",
                   "1");
  ExpectEventually("sum(tobacco_gateway_prescriptions)", "1");
  ExpectEventually("tobacco_gateway_prescriptions_overdue", "0");
  // The recommendation's message to the GP practice went to dead letters
  // (nobody listens): nothing pending, one dead letter, on that route only.
  ExpectEventually(
      "tobacco_gateway_outbox_dead_letters{destination=\"Y90001\","
      "channel=\"fhir_https\"}",
      "1");
  ExpectEventually(
      "tobacco_gateway_outbox_pending{destination=\"Y90001\","
      "channel=\"fhir_https\"}",
      "0");
  ExpectEventually("sum(tobacco_gateway_outbox_dead_letters)", "1");
  // And the rule the repo ships fires on it.
  ExpectEventually(
      "count(ALERTS{alertname=\"TobaccoGatewayDeadLetters\","
      "destination=\"Y90001\"})",
      "1");
  // The FHIR listener's certificate (the development PKI's, a year or
  // more) is reported.
  const std::string expiry =
      Value("tobacco_gateway_certificate_expiry_seconds{listener=\"fhir\"}");
  ASSERT_FALSE(expiry.empty());
  EXPECT_GT(std::stod(expiry), 14 * 86400.0);
}

TEST_F(PrometheusScrapeTest, PromtoolAcceptsTheExposition) {
  v1::Referral referral;
  ASSERT_TRUE(
      clients_->referrals
          ->CreateReferral(Ctx().get(), SampleReferralRequest("r"), &referral)
          .ok());
  const testing::PlainHttpResponse metrics =
      PlainHttpGet(server_->admin_port(), "/metrics");
  ASSERT_EQ(metrics.status, 200);
  const std::string file = (dir_ / "metrics.txt").string();
  std::ofstream(file) << metrics.body;
  const std::string command =
      absl::StrCat("promtool check metrics < ", file, " 2>&1");
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof(buffer), pipe)) {
    output.append(buffer, n);
  }
  const int status = pclose(pipe);
  EXPECT_EQ(status, 0) << output;
  EXPECT_EQ(output, "") << "promtool's lint findings";
}

TEST_F(PrometheusScrapeTest, EveryDashboardQueryEvaluates) {
  StartPrometheus();
  const nlohmann::json dashboard = nlohmann::json::parse(
      ReadText(std::string(TOBACCO_SOURCE_DIR) +
               "/deploy/prometheus/grafana_dashboard.json"));
  int queries = 0;
  for (const nlohmann::json& panel : dashboard["panels"]) {
    for (const nlohmann::json& target : panel["targets"]) {
      // Grafana's variable, as Grafana would expand "All".
      const std::string expr = absl::StrReplaceAll(
          target["expr"].get<std::string>(), {{"$instance", ".*"}});
      const nlohmann::json answer = Query(expr);
      EXPECT_EQ(answer.value("status", ""), "success")
          << panel["title"] << ": " << expr << " -> " << answer.dump();
      ++queries;
    }
  }
  EXPECT_GT(queries, 15);
}

}  // namespace
}  // namespace nhs::tobacco
