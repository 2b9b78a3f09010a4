// The admin listener of a real gateway (in process, loopback plaintext):
// /healthz, /readyz and /metrics; readiness while the database is locked by
// another connection and while draining; gRPC health per service going
// NOT_SERVING on drain while the listener still serves; the gRPC counters
// moving by exactly the calls made.
#include <sqlite3.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/dev_certs.h"
#include "tests/testing/grpc_health.h"
#include "tests/testing/plain_http_client.h"
#include "tests/testing/raw_https_client.h"
#include "tests/testing/sample_requests.h"
#include "tests/testing/test_gateway.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::Clients;
using ::nhs::tobacco::testing::Ctx;
using ::nhs::tobacco::testing::FreshDataDir;
using ::nhs::tobacco::testing::GrpcHealth;
using ::nhs::tobacco::testing::kNotServing;
using ::nhs::tobacco::testing::kServing;
using ::nhs::tobacco::testing::PlainHttpGet;
using ::nhs::tobacco::testing::PlainHttpResponse;
using ::nhs::tobacco::testing::SampleConfig;
using ::nhs::tobacco::testing::SampleRecommendation;
using ::nhs::tobacco::testing::SampleReferralRequest;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kCreateReferral[] =
    "tobacco_gateway_grpc_server_handled_total{code=\"OK\",method=\"nhs."
    "tobacco.v1.ReferralService/CreateReferral\"}";

class AdminEndpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshDataDir();
    v1::GatewayConfig config = SampleConfig(dir_);
    config.mutable_deadlines()->set_scan_interval_seconds(3600);
    // A locked database fails the probe's write in 300 ms, not 5 s.
    config.mutable_store()->set_busy_timeout_ms(300);
    auto server = server::GatewayServer::Start(config);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    clients_ = std::make_unique<Clients>(server_->port());
  }
  void TearDown() override {
    clients_.reset();
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  PlainHttpResponse Get(const std::string& path) {
    return PlainHttpGet(server_->admin_port(), path);
  }

  // /readyz until it answers `status` (bounded).
  PlainHttpResponse ReadyzUntil(int status) {
    PlainHttpResponse last;
    const absl::Time deadline = absl::Now() + absl::Seconds(15);
    while (absl::Now() < deadline) {
      last = Get("/readyz");
      if (last.status == status) break;
      absl::SleepFor(absl::Milliseconds(100));
    }
    return last;
  }

  std::filesystem::path dir_;
  std::unique_ptr<server::GatewayServer> server_;
  std::unique_ptr<Clients> clients_;
};

TEST_F(AdminEndpointTest, ListensOnItsOwnPortInPlaintextOnLoopback) {
  EXPECT_GT(server_->admin_port(), 0);
  EXPECT_NE(server_->admin_port(), server_->port());
  const PlainHttpResponse health = Get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, R"({"status":"alive"})");
  EXPECT_THAT(health.head, HasSubstr("application/json"));
  EXPECT_EQ(Get("/nothing").status, 404);
}

TEST_F(AdminEndpointTest, ReadyWhenEveryCheckPasses) {
  const PlainHttpResponse ready = Get("/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_THAT(ready.body, HasSubstr(R"("status":"ready")"));
  EXPECT_THAT(ready.body, HasSubstr(R"("store":{"ok":true})"));
  EXPECT_THAT(ready.body, HasSubstr(R"("listener_grpc":{"ok":true})"));
  EXPECT_THAT(ready.body, HasSubstr(R"("delivery":{"ok":true})"));
}

TEST_F(AdminEndpointTest, NotReadyWhileAnotherConnectionHoldsTheDatabaseLock) {
  sqlite3* locker = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "gateway.db").string().c_str(), &locker),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(locker, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(locker);
  const PlainHttpResponse locked = ReadyzUntil(503);
  EXPECT_EQ(locked.status, 503) << locked.body;
  EXPECT_THAT(locked.body, HasSubstr(R"("failing":["store"])"));
  EXPECT_THAT(locked.body, HasSubstr(R"("status":"not ready")"));
  // Liveness is not readiness: the process is still alive.
  EXPECT_EQ(Get("/healthz").status, 200);
  ASSERT_EQ(sqlite3_exec(locker, "COMMIT", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(locker);
  const PlainHttpResponse again = ReadyzUntil(200);
  EXPECT_EQ(again.status, 200) << again.body;
}

// A full database passes an empty write transaction (it needs no page)
// while every real write fails: /readyz says so from the first refusal.
TEST_F(AdminEndpointTest, NotReadyWhileTheDatabaseIsFull) {
  clients_.reset();
  server_.reset();
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  v1::GatewayConfig config = SampleConfig(dir_);
  config.mutable_deadlines()->set_scan_interval_seconds(3600);
  config.mutable_store()->set_max_database_mb(1);
  auto server = server::GatewayServer::Start(config);
  ASSERT_TRUE(server.ok()) << server.status();
  server_ = *std::move(server);
  clients_ = std::make_unique<Clients>(server_->port());
  ASSERT_EQ(ReadyzUntil(200).status, 200);

  grpc::Status refused;
  for (int i = 0; i < 5000 && refused.ok(); ++i) {
    v1::Referral referral;
    refused = clients_->referrals->CreateReferral(
        Ctx().get(), SampleReferralRequest(absl::StrCat("fill-", i)),
        &referral);
  }
  ASSERT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE)
      << "the 1 MiB cap never filled: " << refused.error_message();
  const PlainHttpResponse full = ReadyzUntil(503);
  EXPECT_EQ(full.status, 503)
      << full.body << "\nrefused: " << refused.error_message();
  EXPECT_THAT(full.body, HasSubstr(R"("failing":["store"])"));
  EXPECT_THAT(full.body, HasSubstr("the database is full"));
}

TEST_F(AdminEndpointTest,
       DrainingIsNotReadyAndHealthNotServingWhileGrpcServes) {
  for (const char* service :
       {"", "nhs.tobacco.v1.ReferralService",
        "nhs.tobacco.v1.PrescriptionService", "nhs.tobacco.v1.AdminService",
        "nhs.tobacco.v1.ReportService"}) {
    EXPECT_EQ(GrpcHealth(clients_->channel, service), kServing) << service;
  }
  server_->BeginDrain();
  const PlainHttpResponse draining = Get("/readyz");
  EXPECT_EQ(draining.status, 503);
  EXPECT_THAT(draining.body, HasSubstr(R"("failing":["draining"])"));
  for (const char* service :
       {"", "nhs.tobacco.v1.ReferralService",
        "nhs.tobacco.v1.PrescriptionService", "nhs.tobacco.v1.OutcomeService",
        "nhs.tobacco.v1.SafetyAlertService", "nhs.tobacco.v1.AdminService",
        "nhs.tobacco.v1.FormularyService", "nhs.tobacco.v1.ReportService"}) {
    EXPECT_EQ(GrpcHealth(clients_->channel, service), kNotServing) << service;
  }
  // The listener still serves work already on its way.
  v1::Referral referral;
  EXPECT_TRUE(clients_->referrals
                  ->CreateReferral(Ctx().get(), SampleReferralRequest("late"),
                                   &referral)
                  .ok());
}

TEST_F(AdminEndpointTest, MetricsCountEachCallAndReadTheStoreAtScrapeTime) {
  const PlainHttpResponse before = Get("/metrics");
  ASSERT_EQ(before.status, 200);
  EXPECT_THAT(before.head, HasSubstr("text/plain; version=0.0.4"));
  EXPECT_THAT(before.body, Not(HasSubstr(kCreateReferral)));
  EXPECT_THAT(
      before.body,
      HasSubstr("tobacco_gateway_prescriptions{status=\"recommended\"} 0"));

  v1::Referral referral;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(clients_->referrals
                    ->CreateReferral(
                        Ctx().get(),
                        SampleReferralRequest(absl::StrCat("r", i)), &referral)
                    .ok());
  }
  v1::PrescriptionRequest p;
  ASSERT_TRUE(clients_->prescriptions
                  ->RecommendPrescription(
                      Ctx().get(),
                      SampleRecommendation("rec", referral.referral_id(),
                                           "varenicline-1mg",
                                           v1::ROUTE_GP_PRESCRIPTION),
                      &p)
                  .ok());
  // A refusal is counted under its code.
  v1::CreateReferralRequest bad = SampleReferralRequest("bad");
  bad.mutable_referral()->mutable_patient()->set_nhs_number("123");
  EXPECT_FALSE(
      clients_->referrals->CreateReferral(Ctx().get(), bad, &referral).ok());

  const std::string text = Get("/metrics").body;
  EXPECT_THAT(text, HasSubstr(absl::StrCat(kCreateReferral, " 3")));
  EXPECT_THAT(text,
              HasSubstr("tobacco_gateway_grpc_server_handled_total{code=\""
                        "INVALID_ARGUMENT\",method=\"nhs.tobacco.v1."
                        "ReferralService/CreateReferral\"} 1"));
  EXPECT_THAT(text,
              HasSubstr("tobacco_gateway_grpc_server_handled_total{code=\"OK\","
                        "method=\"nhs.tobacco.v1.PrescriptionService/"
                        "RecommendPrescription\"} 1"));
  EXPECT_THAT(text,
              HasSubstr("tobacco_gateway_grpc_server_handling_seconds_count{"
                        "method=\"nhs.tobacco.v1.ReferralService/"
                        "CreateReferral\"} 4"));
  EXPECT_THAT(
      text,
      HasSubstr("tobacco_gateway_prescriptions{status=\"recommended\"} 1"));
  EXPECT_THAT(text, HasSubstr("tobacco_gateway_prescriptions_overdue 0"));
  EXPECT_THAT(text, HasSubstr("tobacco_gateway_operations_snapshot_ok 1"));
  EXPECT_THAT(text, HasSubstr("tobacco_gateway_build_info{"));
  EXPECT_THAT(text, HasSubstr("tobacco_gateway_store_commit_seconds_count"));
  // No patient identifier ever reaches a label.
  EXPECT_THAT(text, Not(HasSubstr("9990000018")));
}

// With a tls block the admin listener speaks mutual TLS and answers only a
// certificate with the admin role.
TEST(AdminEndpointTlsTest, OnlyAnAdminCertificateIsAnswered) {
  const std::filesystem::path dir = FreshDataDir();
  v1::GatewayConfig config = SampleConfig(dir);
  const std::filesystem::path pki = testing::DevCerts();
  v1::TlsConfig* tls = config.mutable_admin()->mutable_tls();
  tls->set_cert_file((pki / "server.pem").string());
  tls->set_key_file((pki / "server.key").string());
  tls->set_client_ca_file((pki / "ca.pem").string());
  auto server = server::GatewayServer::Start(config);
  ASSERT_TRUE(server.ok()) << server.status();
  const int port = (*server)->admin_port();
  auto get = [port](const std::string& cert, const std::string& path,
                    std::string* body) {
    testing::TlsTestClient client(port, cert);
    client.Write(absl::StrCat("GET ", path,
                              " HTTP/1.1\r\nHost: a\r\nConnection: close"
                              "\r\n\r\n"));
    return client.ReadStatus(absl::Seconds(10), body);
  };
  std::string body;
  EXPECT_EQ(get("admin-ops", "/readyz", &body), 200) << body;
  EXPECT_EQ(get("admin-ops", "/metrics", &body), 200);
  EXPECT_THAT(body, HasSubstr("tobacco_gateway_certificate_expiry_seconds{"
                              "listener=\"admin\""));
  EXPECT_EQ(get("gp-y90001", "/metrics", &body), 403);
  EXPECT_THAT(body, HasSubstr("admin role"));
  // No certificate: no TLS session, so no HTTP answer at all.
  EXPECT_EQ(get("", "/healthz", &body), -1);
  // And no plaintext either.
  EXPECT_EQ(PlainHttpGet(port, "/healthz").status, 0);
  (*server)->Shutdown();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nhs::tobacco
