#ifndef TESTS_TESTING_TEST_GATEWAY_H_
#define TESTS_TESTING_TEST_GATEWAY_H_

#include <grpcpp/grpcpp.h>

#include <filesystem>
#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/common/clock.h"
#include "gateway/server/config_loader.h"
#include "gateway/server/gateway_server.h"
#include "gtest/gtest.h"
#include "nhs/tobacco/v1/outcome_service.grpc.pb.h"
#include "nhs/tobacco/v1/prescription_service.grpc.pb.h"
#include "nhs/tobacco/v1/referral_service.grpc.pb.h"
#include "tests/testing/fake_clock.h"

namespace nhs::tobacco::testing {

// The gateway acting on its own behalf through the gRPC adapter: what tests
// that call the use cases directly (to set up or inspect records) act as.
inline pathway::Caller InspectorCaller() {
  return pathway::Caller(security::DevelopmentPrincipal(),
                         pathway::kGrpcAdapter);
}

// The repo's sample config (deploy/config/gateway.textproto) with the gRPC
// port chosen by the OS and the data in `data_dir`: tests exercise the same
// formulary and deadlines a newcomer runs.
inline v1::GatewayConfig SampleConfig(const std::filesystem::path& data_dir) {
  auto config = server::LoadConfig(std::string(TOBACCO_SOURCE_DIR) +
                                   "/deploy/config/gateway.textproto");
  EXPECT_TRUE(config.ok()) << config.status();
  config->mutable_grpc()->set_address("127.0.0.1:0");
  // Tests run in parallel: never the admin listener's well-known port.
  config->mutable_admin()->set_address("127.0.0.1:0");
  // Tests that are not about security run in the explicit development mode;
  // mtls_test.cc covers the certificates.
  config->mutable_grpc()->clear_tls();
  config->mutable_grpc()->set_allow_insecure(true);
  // The sample delivers to the demo receivers (deploy/run.sh) on fixed ports
  // and reads certs/out, which a test machine may lack: tests start with no
  // FHIR block and no outbound routes, and those about them
  // (fhir_process_message, delivery, delivery_crash) configure their own.
  config->clear_fhir();
  // MESH (issue 17) needs a MESH server and secrets: the MESH tests give
  // their own sandbox.
  config->clear_mesh();
  if (config->has_mllp()) {
    // Tests run in parallel: never the well-known MLLP port.
    config->mutable_mllp()->set_address("127.0.0.1:0");
  }
  for (v1::OrganisationConfig& organisation :
       *config->mutable_organisations()) {
    if (organisation.has_mllp()) {
      organisation.mutable_mllp()->clear_outbound_address();
      organisation.mutable_mllp()->clear_outbound_tls();
    }
    // The FHIR endpoints went with the fhir block, the mailboxes with mesh.
    organisation.clear_fhir();
    organisation.clear_mesh();
  }
  config->mutable_store()->set_data_dir(data_dir.string());
  return *config;
}

// Removes every MLLP trust (the registry's mllp routes and the deprecated
// mllp.trusts), for tests that configure their own.
inline void ClearMllpTrusts(v1::GatewayConfig& config) {
  config.mutable_mllp()->clear_trusts();
  for (v1::OrganisationConfig& organisation : *config.mutable_organisations()) {
    organisation.clear_mllp();
  }
}

// The registry entry for `ods_code`, or null.
inline v1::OrganisationConfig* FindOrganisation(v1::GatewayConfig& config,
                                                const std::string& ods_code) {
  for (v1::OrganisationConfig& organisation : *config.mutable_organisations()) {
    if (organisation.ods_code() == ods_code) return &organisation;
  }
  return nullptr;
}

// A fresh data directory per test, removed afterwards.
inline std::filesystem::path FreshDataDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  auto dir = std::filesystem::temp_directory_path() /
             (std::string("tobacco_") + info->test_suite_name() + "_" +
              info->name() + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Stubs on one real TCP channel to a running gateway.
struct Clients {
  explicit Clients(int port)
      : channel(grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                                    grpc::InsecureChannelCredentials())),
        referrals(v1::ReferralService::NewStub(channel)),
        prescriptions(v1::PrescriptionService::NewStub(channel)),
        outcomes(v1::OutcomeService::NewStub(channel)) {}
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::ReferralService::Stub> referrals;
  std::unique_ptr<v1::PrescriptionService::Stub> prescriptions;
  std::unique_ptr<v1::OutcomeService::Stub> outcomes;
};

// A context with a deadline, so no test can hang.
inline std::unique_ptr<grpc::ClientContext> Ctx(
    absl::Duration timeout = absl::Seconds(10)) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return ctx;
}

}  // namespace nhs::tobacco::testing

#endif  // TESTS_TESTING_TEST_GATEWAY_H_
