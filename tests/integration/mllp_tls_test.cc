// HL7 v2 over MLLP with mutual TLS, into a whole in-process gateway, with
// certificates made at test time by certs/make_dev_certs.sh: who may connect,
// who may send, and who the audit log names.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "adapters/hl7v2/message.h"
#include "adapters/hl7v2/mllp_client.h"
#include "adapters/hl7v2/mllp_transport.h"
#include "adapters/hl7v2/parser.h"
#include "gateway/server/config_loader.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/stored_audit.h"
#include "tests/testing/test_gateway.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The reference REF^I12 (MSH-4 RX9) in original acknowledgement mode.
std::string Referral(const std::string& control_id) {
  std::string message = ReadText(std::string(TOBACCO_SOURCE_DIR) +
                                 "/tests/testdata/hl7v2/ref_i12_basic.hl7");
  EXPECT_FALSE(message.empty());
  return absl::StrReplaceAll(message, {{"|P|2.5.1|||AL|AL", "|P|2.5.1"},
                                       {"MSG000101", control_id},
                                       {"\r\n", "\r"},
                                       {"\n", "\r"}});
}

// Messages per second per trust: above what the other tests send.
constexpr int kRateLimit = 20;

class MllpTlsTest : public ::testing::Test {
 protected:
  // One PKI for the suite: generating RSA keys takes seconds.
  static void SetUpTestSuite() {
    pki_ = new fs::path(fs::temp_directory_path() /
                        absl::StrCat("tobacco_mllp_tls_pki_", ::getpid()));
    fs::remove_all(*pki_);
    const std::string script =
        std::string(TOBACCO_SOURCE_DIR) + "/certs/make_dev_certs.sh";
    ASSERT_EQ(
        std::system(
            absl::StrCat(script, " ", pki_->string(), " > /dev/null").c_str()),
        0);
    // OpenSSL's hash-directory layout for the CRL, as crl_directory expects.
    ASSERT_EQ(std::system(absl::StrCat("cd ", pki_->string(),
                                       " && mkdir -p crl && cp crl.pem crl/"
                                       "$(openssl crl -hash -noout -in "
                                       "crl.pem).r0")
                              .c_str()),
              0);
  }
  static void TearDownTestSuite() {
    fs::remove_all(*pki_);
    delete pki_;
  }

  void SetUp() override {
    v1::GatewayConfig config = testing::SampleConfig(testing::FreshDataDir());
    v1::MllpListenerConfig* mllp = config.mutable_mllp();
    mllp->set_allow_plaintext(false);
    mllp->set_per_principal_rate_limit(kRateLimit);
    mllp->mutable_tls()->set_cert_file(Pki("server.pem"));
    mllp->mutable_tls()->set_key_file(Pki("server.key"));
    mllp->mutable_tls()->set_client_ca_file(Pki("ca.pem"));
    mllp->mutable_tls()->set_crl_directory(Pki("crl"));
    auto server = server::GatewayServer::Start(config);
    ASSERT_THAT(server, IsOk());
    server_ = *std::move(server);
    ASSERT_GT(server_->mllp_port(), 0);
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  static std::string Pki(const std::string& name) {
    return (*pki_ / name).string();
  }

  // A client presenting `identity` (e.g. "trust-rx9"; "" for none) and
  // trusting `ca` for the gateway's certificate.
  hl7v2::MllpClient Client(const std::string& identity,
                           const std::string& ca = "ca.pem") {
    hl7v2::MllpTlsOptions tls;
    if (!identity.empty()) {
      tls.cert_file = Pki(identity + ".pem");
      tls.key_file = Pki(identity + ".key");
    }
    tls.ca_file = Pki(ca);
    auto context = hl7v2::MllpTlsContext::ForClient(tls);
    EXPECT_THAT(context, IsOk());
    hl7v2::MllpClientOptions options;
    options.address = absl::StrCat("127.0.0.1:", server_->mllp_port());
    options.io_timeout = absl::Seconds(10);
    options.attempts = 1;
    if (context.ok()) options.tls = *context;
    return hl7v2::MllpClient(options);
  }

  int StoredReferrals() {
    auto list = server_->referrals().ListReferrals(testing::InspectorCaller(),
                                                   v1::ListReferralsRequest());
    EXPECT_THAT(list, IsOk());
    return list.ok() ? list->referrals_size() : -1;
  }

  // Audit rows as "ODS role operation result", oldest first.
  std::vector<std::string> AuditRows() {
    auto records = testing::StoredAuditRecords(server_->store(), 100);
    EXPECT_THAT(records, IsOk());
    std::vector<std::string> rows;
    if (!records.ok()) return rows;
    for (const auto& r : records->records()) {
      rows.push_back(absl::StrCat(r.ods_code(), " ", r.role(), " ",
                                  r.operation(), " ", r.result()));
    }
    return rows;
  }

  // Audit rows are written asynchronously for refusals: wait a little.
  std::vector<std::string> AuditRowsEventually(size_t at_least) {
    std::vector<std::string> rows;
    for (int i = 0; i < 100; ++i) {
      rows = AuditRows();
      if (rows.size() >= at_least) break;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return rows;
  }

  static fs::path* pki_;
  std::unique_ptr<server::GatewayServer> server_;
};

fs::path* MllpTlsTest::pki_ = nullptr;

TEST_F(MllpTlsTest, TrustOverItsRateGetsArWithCode207) {
  hl7v2::MllpClient client = Client("trust-rx9");
  int refused = 0;
  for (int i = 0; i < 4 * kRateLimit; ++i) {
    absl::StatusOr<std::string> ack =
        client.Send(Referral(absl::StrCat("RATE", i)));
    ASSERT_THAT(ack, IsOk());
    if (absl::StrContains(*ack, "|AR|") || absl::StrContains(*ack, "|CR|")) {
      EXPECT_THAT(*ack, HasSubstr("207"));
      ++refused;
    }
  }
  EXPECT_GT(refused, 0);
  EXPECT_EQ(StoredReferrals(), 4 * kRateLimit - refused)
      << "a throttled message stores nothing";
}

TEST_F(MllpTlsTest, TrustCertificateReferralIsStoredAndAuditedAsTheTrust) {
  hl7v2::MllpClient client = Client("trust-rx9");
  absl::StatusOr<std::string> ack = client.Send(Referral("TLS0001"));
  ASSERT_THAT(ack, IsOk());
  EXPECT_THAT(*ack, HasSubstr("MSA|AA|TLS0001"));
  EXPECT_EQ(StoredReferrals(), 1);
  EXPECT_THAT(AuditRowsEventually(1),
              ::testing::Contains("RX9 mental_health_trust CreateReferral OK"));
}

TEST_F(MllpTlsTest, ClientWithoutCertificateIsRefusedAndNothingIsStored) {
  hl7v2::MllpClient client = Client("");
  absl::StatusOr<std::string> ack = client.Send(Referral("TLS0002"));
  EXPECT_FALSE(ack.ok()) << *ack;
  EXPECT_EQ(StoredReferrals(), 0);
}

TEST_F(MllpTlsTest, CertificateFromAnotherCaIsRefusedAndNothingIsStored) {
  hl7v2::MllpClient client = Client("foreign");
  absl::StatusOr<std::string> ack = client.Send(Referral("TLS0003"));
  EXPECT_FALSE(ack.ok()) << *ack;
  EXPECT_EQ(StoredReferrals(), 0);
}

TEST_F(MllpTlsTest, ExpiredCertificateIsRefusedAndNothingIsStored) {
  hl7v2::MllpClient client = Client("expired");
  absl::StatusOr<std::string> ack = client.Send(Referral("TLS0004"));
  EXPECT_FALSE(ack.ok()) << *ack;
  EXPECT_EQ(StoredReferrals(), 0);
}

TEST_F(MllpTlsTest, RevokedCertificateIsRefusedAndNothingIsStored) {
  hl7v2::MllpClient client = Client("revoked-pharmacy");
  absl::StatusOr<std::string> ack = client.Send(Referral("TLS0005"));
  EXPECT_FALSE(ack.ok()) << *ack;
  EXPECT_EQ(StoredReferrals(), 0);
}

TEST_F(MllpTlsTest, PlaintextClientGetsNoAckAndNothingIsStored) {
  hl7v2::MllpClientOptions options;
  options.address = absl::StrCat("127.0.0.1:", server_->mllp_port());
  options.io_timeout = absl::Seconds(5);
  options.attempts = 1;
  hl7v2::MllpClient client(options);
  absl::StatusOr<std::string> ack = client.Send(Referral("TLS0006"));
  EXPECT_FALSE(ack.ok()) << *ack;
  EXPECT_EQ(StoredReferrals(), 0);
}

TEST_F(MllpTlsTest, PharmacyCertificateGetsAeNamingMsh4AndTheDenialIsAudited) {
  hl7v2::MllpClient client = Client("pharmacy-fzz99");
  absl::StatusOr<std::string> ack = client.Send(Referral("TLS0007"));
  ASSERT_THAT(ack, IsOk());
  EXPECT_THAT(*ack, HasSubstr("MSA|AE|TLS0007"));
  EXPECT_THAT(*ack, HasSubstr("MSH^1^4"));
  EXPECT_THAT(*ack, HasSubstr("role pharmacy"));
  EXPECT_EQ(StoredReferrals(), 0);
  EXPECT_THAT(
      AuditRowsEventually(1),
      ::testing::Contains("FZZ99 pharmacy CreateReferral PERMISSION_DENIED"));
}

TEST_F(MllpTlsTest, TrustSendingAnotherOrganisationsMsh4GetsAeNamingMsh4) {
  hl7v2::MllpClient client = Client("trust-rx9");
  std::string message = Referral("TLS0008");
  // MSH-4 claims another trust; the certificate says RX9.
  message = absl::StrReplaceAll(message, {{"|RIO|RX9|", "|RIO|RXA|"}});
  absl::StatusOr<std::string> ack = client.Send(message);
  ASSERT_THAT(ack, IsOk());
  EXPECT_THAT(*ack, HasSubstr("MSA|AE|TLS0008"));
  EXPECT_THAT(*ack, HasSubstr("MSH^1^4"));
  EXPECT_THAT(*ack, HasSubstr("does not match the ODS code RX9"));
  EXPECT_EQ(StoredReferrals(), 0);
}

TEST_F(MllpTlsTest, ClientRefusesAGatewayItsCaDidNotSign) {
  // The client trusts only the other CA, so the gateway's certificate fails
  // verification on the client's side before anything is sent.
  hl7v2::MllpClient client = Client("trust-rx9", "other-ca.pem");
  absl::StatusOr<std::string> ack = client.Send(Referral("TLS0009"));
  EXPECT_THAT(ack.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(ack.status().message()),
              HasSubstr("server certificate"));
  EXPECT_EQ(StoredReferrals(), 0);
}

// The sample config with its mllp block (and trusts) replaced by `mllp`.
absl::StatusOr<v1::GatewayConfig> ConfigWithMllp(const std::string& mllp) {
  std::string text = ReadText(std::string(TOBACCO_SOURCE_DIR) +
                              "/deploy/config/gateway.textproto");
  const size_t start = text.find("\nmllp {");
  const size_t end = text.find("\n}\n", start);
  EXPECT_NE(start, std::string::npos);
  text.replace(start, end + 3 - start, "\n" + mllp + "\n");
  // The sample's trusts (the registry's mllp routes) go with its mllp block,
  // as they did when they were written inside it.
  v1::GatewayConfig config;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &config));
  for (v1::OrganisationConfig& organisation : *config.mutable_organisations()) {
    organisation.clear_mllp();
  }
  EXPECT_TRUE(google::protobuf::TextFormat::PrintToString(config, &text));
  return server::ParseConfig(text, /*json=*/false, "/etc/tobacco");
}

TEST(MllpConfigTest, ListenerWithoutTlsOrExplicitPlaintextIsRefusedNamingTls) {
  auto config = ConfigWithMllp(R"(mllp { address: "127.0.0.1:2575" })");
  EXPECT_THAT(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(config.status().message()), HasSubstr("mllp.tls"));
}

TEST(MllpConfigTest, TlsWithoutClientCaIsRefusedAndRelativePathsFollowTheFile) {
  auto missing = ConfigWithMllp(
      R"(mllp { tls { cert_file: "s.pem" key_file: "s.key" } })");
  EXPECT_THAT(std::string(missing.status().message()),
              HasSubstr("mllp.tls.client_ca_file"));
  auto complete =
      ConfigWithMllp(R"(mllp { tls { cert_file: "s.pem" key_file: "s.key" )"
                     R"(client_ca_file: "ca.pem" } })");
  ASSERT_THAT(complete, IsOk());
  EXPECT_EQ(complete->mllp().tls().client_ca_file(), "/etc/tobacco/ca.pem");
}

}  // namespace
}  // namespace nhs::tobacco
