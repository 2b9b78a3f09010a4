#ifndef TESTS_TESTING_SECURE_GATEWAY_BINARY_H_
#define TESTS_TESTING_SECURE_GATEWAY_BINARY_H_

#include <grpcpp/grpcpp.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "nhs/tobacco/v1/admin_service.grpc.pb.h"
#include "nhs/tobacco/v1/outcome_service.grpc.pb.h"
#include "nhs/tobacco/v1/prescription_service.grpc.pb.h"
#include "nhs/tobacco/v1/referral_service.grpc.pb.h"
#include "tests/testing/dev_certs.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/grpc_as.h"
#include "tests/testing/test_gateway.h"

namespace nhs::tobacco::testing {

// The real tobacco-gateway binary with every listener on mutual TLS (gRPC,
// HL7 v2 over MLLP, FHIR $process-message), the development PKI of
// certs/make_dev_certs.sh, no rate limits, and outbound FHIR routes to a
// port nobody listens on with one attempt each, so the outbox fills with
// dead letters an operator can list, replay and discard.

// One more client certificate signed by the development CA (for an
// organisation make_dev_certs.sh does not make, or one organisation in a
// second role). Idempotent, like the script.
inline void MakeExtraDevCert(const std::string& name, const std::string& ods,
                             const std::string& role) {
  const std::filesystem::path dir = DevCerts();
  if (std::filesystem::exists(dir / (name + ".pem"))) return;
  const std::string command = absl::StrCat(
      "cd ", dir.string(), " && openssl req -new -newkey rsa:2048 -nodes ",
      "-subj '/C=GB/L=Development/O=", ods, "/OU=", role, "/CN=", name,
      "' -keyout ", name, ".key -out ", name, ".csr 2>/dev/null && ",
      "openssl ca -batch -config ca.cnf -extensions client_ext -notext -in ",
      name, ".csr -out ", name, ".pem 2>/dev/null && rm -f ", name, ".csr");
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

class SecureGatewayBinary {
 public:
  // Starts the binary in a fresh folder named after `name` and waits until
  // its gRPC port answers an admin.
  // `adjust`, when given, changes the config before the binary starts.
  explicit SecureGatewayBinary(
      const std::string& name,
      const std::function<void(v1::GatewayConfig&)>& adjust = nullptr) {
    dir_ = std::filesystem::temp_directory_path() /
           absl::StrCat("tobacco_", name, "_", ::getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    const std::filesystem::path pki = DevCerts();
    auto pem = [&](const std::string& file) { return (pki / file).string(); };
    grpc_port_ = FreeLoopbackPort();
    mllp_port_ = FreeLoopbackPort();
    fhir_port_ = FreeLoopbackPort();
    const int nobody = FreeLoopbackPort();

    v1::GatewayConfig config = SampleConfig(dir_ / "data");
    v1::GrpcListenerConfig* grpc = config.mutable_grpc();
    grpc->set_address(absl::StrCat("127.0.0.1:", grpc_port_));
    grpc->set_allow_insecure(false);
    grpc->set_per_principal_rate_limit(0);
    v1::TlsConfig* tls = grpc->mutable_tls();
    tls->set_cert_file(pem("server.pem"));
    tls->set_key_file(pem("server.key"));
    tls->set_client_ca_file(pem("ca.pem"));
    tls->set_crl_directory(pem("crl"));

    v1::MllpListenerConfig* mllp = config.mutable_mllp();
    mllp->set_address(absl::StrCat("127.0.0.1:", mllp_port_));
    mllp->set_allow_plaintext(false);
    mllp->set_per_principal_rate_limit(0);
    *mllp->mutable_tls() = *tls;

    v1::FhirListenerConfig* fhir = config.mutable_fhir();
    fhir->set_address(absl::StrCat("127.0.0.1:", fhir_port_));
    fhir->set_tls_cert_path(pem("server.pem"));
    fhir->set_tls_key_path(pem("server.key"));
    fhir->set_client_ca_file(pem("ca.pem"));
    fhir->set_crl_directory(pem("crl"));
    fhir->set_per_principal_rate_limit(0);
    fhir->set_client_cert_path(pem("service-tds01.pem"));
    fhir->set_client_key_path(pem("service-tds01.key"));
    fhir->set_ca_cert_path(pem("ca.pem"));
    fhir->set_connect_timeout_ms(500);
    fhir->set_request_timeout_ms(1000);
    for (const char* ods : {"Y90001", "FZZ99", "TDS01"}) {
      v1::FhirEndpoint* e = fhir->add_endpoints();
      e->set_ods_code(ods);
      e->set_url(
          absl::StrCat("https://127.0.0.1:", nobody, "/fhir/$process-message"));
    }
    config.mutable_delivery()->set_max_attempts(1);
    if (adjust) adjust(config);
    // Start() also waits for the MLLP and FHIR listeners the config still has.
    if (config.mllp().address() == absl::StrCat("127.0.0.1:", mllp_port_)) {
      wait_ports_.push_back(mllp_port_);
    }
    if (config.fhir().address() == absl::StrCat("127.0.0.1:", fhir_port_)) {
      wait_ports_.push_back(fhir_port_);
    }

    config_path_ = (dir_ / "gateway.textproto").string();
    WriteConfigFile(config, config_path_);
    log_path_ = (dir_ / "gateway.log").string();
    Start();
  }

  // Stops the binary (SIGTERM, drained) and starts it again on the same
  // data, e.g. after a test changed the store as an older version would.
  void Stop() {
    channels_.clear();
    if (pid_ > 0) {
      EXPECT_TRUE(StopGracefully(pid_)) << ReadFile(log_path_);
    }
    pid_ = -1;
    started_ = false;
  }
  void Start() {
    pid_ = SpawnGateway(TOBACCO_GATEWAY_BIN, config_path_, log_path_);
    EXPECT_GT(pid_, 0);
    GrpcAs admin(grpc_port_, "admin-ops");
    started_ = admin.channel->WaitForConnected(
        absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
    for (int port : wait_ports_) {
      started_ = started_ && WaitForLoopbackPort(port, absl::Seconds(20));
    }
    EXPECT_TRUE(started_) << "gateway did not start; see " << log_path_ << ":\n"
                          << ReadFile(log_path_);
  }
  // The SQLite file (stop the binary before changing it).
  std::filesystem::path database() const {
    return dir_ / "data" / "gateway.db";
  }

  ~SecureGatewayBinary() {
    // Clients hang up first: with their connections open the gateway's
    // drain waits out its whole grace period (10 s).
    channels_.clear();
    if (pid_ > 0) {
      EXPECT_TRUE(StopGracefully(pid_)) << ReadFile(log_path_);
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  SecureGatewayBinary(const SecureGatewayBinary&) = delete;
  SecureGatewayBinary& operator=(const SecureGatewayBinary&) = delete;

  bool started() const { return started_; }
  // The gateway's log so far.
  std::string log() const { return ReadFile(log_path_); }
  pid_t pid() const { return pid_; }
  int grpc_port() const { return grpc_port_; }
  int mllp_port() const { return mllp_port_; }
  int fhir_port() const { return fhir_port_; }
  std::string fhir_url() const {
    return absl::StrCat("https://127.0.0.1:", fhir_port_,
                        "/fhir/$process-message");
  }

  // One channel per certificate, made on first use.
  GrpcAs& As(const std::string& cert) {
    auto& slot = channels_[cert];
    if (slot == nullptr) slot = std::make_unique<GrpcAs>(grpc_port_, cert);
    return *slot;
  }

 private:
  std::filesystem::path dir_;
  std::string config_path_;
  std::string log_path_;
  pid_t pid_ = -1;
  bool started_ = false;
  int grpc_port_ = 0;
  int mllp_port_ = 0;
  int fhir_port_ = 0;
  std::vector<int> wait_ports_;
  std::map<std::string, std::unique_ptr<GrpcAs>> channels_;
};

}  // namespace nhs::tobacco::testing

#endif  // TESTS_TESTING_SECURE_GATEWAY_BINARY_H_
