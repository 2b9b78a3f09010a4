// Issue 11 findings 4 and 9 and the PROXY protocol, on the real
// tobacco-gateway binary over loopback with the development PKI:
//  - one peer holding MLLP connections beyond its cap and dribbling a byte
//    every 2 s does not keep another trust from being acknowledged;
//  - a TLS 1.2 client offering only suites without ECDHE, or CBC suites, is
//    refused on every TLS listener (gRPC, MLLP, FHIR);
//  - a PROXY v2 header from a trusted balancer gives the real peer address
//    to the allow list, the caps and the log; from anyone else it is
//    refused.
#include <atomic>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "adapters/hl7v2/mllp_framer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/mllp_test_client.h"
#include "tests/testing/proxy_v2_header.h"
#include "tests/testing/secure_gateway_binary.h"
#include "tests/testing/tls_test_client.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::DevCerts;
using ::nhs::tobacco::testing::ProxyV2Header;
using ::nhs::tobacco::testing::SecureGatewayBinary;
using ::nhs::tobacco::testing::TlsTestClientOptions;
using ::nhs::tobacco::testing::TlsTestConnection;
using ::testing::HasSubstr;

std::string Pem(const std::string& name) {
  return (DevCerts() / name).string();
}

// The reference REF^I12 from RX9 with its own control id.
std::string Referral(const std::string& control_id) {
  std::ifstream in(std::string(TOBACCO_SOURCE_DIR) +
                   "/tests/testdata/hl7v2/ref_i12_basic.hl7");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_FALSE(text.str().empty());
  return absl::StrReplaceAll(
      text.str(), {{"MSG000101", control_id}, {"\r\n", "\r"}, {"\n", "\r"}});
}

TlsTestClientOptions As(const std::string& identity) {
  TlsTestClientOptions options;
  options.tls12_only = false;
  options.tls12_ciphers = "DEFAULT";
  options.cert_file = Pem(identity + ".pem");
  options.key_file = Pem(identity + ".key");
  return options;
}

// Sends one MLLP frame and returns the ACK's payload ("" when none came).
std::string Exchange(TlsTestConnection& c, const std::string& message) {
  if (!c.Write(hl7v2::MllpFrame(message))) return "";
  std::string ack;
  while (!absl::StrContains(ack, "\x1c\r")) {
    const std::string more = c.Read(1);
    if (more.empty()) return "";
    ack += more;
  }
  return ack;
}

// Waits until the log contains `text` (log lines are written as they
// happen, but the test may look first).
bool LogShows(const SecureGatewayBinary& gateway, absl::string_view text) {
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (absl::Now() < deadline) {
    if (absl::StrContains(gateway.log(), text)) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return false;
}

// Finding 4. Today: the cap is global (16 here) and every byte resets the
// idle timer, so 20 connections from one peer dribbling a byte every 2 s
// hold every slot and RX9 is refused. After: 4 per peer (by certificate
// after the handshake), and a frame must be whole within 5 s.
TEST(MllpListenerLimitsBinaryTest,
     OnePeerHoldingConnectionsAndDribblingDoesNotShutAnotherTrustOut) {
  testing::MakeExtraDevCert("trust-rx8", "RX8", "mental_health_trust");
  SecureGatewayBinary gateway("mllp_limits", [](v1::GatewayConfig& c) {
    c.mutable_mllp()->set_max_connections(16);
    c.mutable_mllp()->mutable_limits()->set_max_connections_per_peer(4);
    c.mutable_mllp()->mutable_limits()->set_request_deadline_ms(5000);
  });
  ASSERT_TRUE(gateway.started());

  // The hog: RX8's certificate, from 127.0.0.2, 20 connections, each
  // inside a frame that never ends.
  TlsTestClientOptions hog_options = As("trust-rx8");
  hog_options.source = "127.0.0.2";
  std::vector<std::unique_ptr<TlsTestConnection>> hog;
  for (int i = 0; i < 20; ++i) {
    std::string error;
    auto c =
        TlsTestConnection::Connect(gateway.mllp_port(), hog_options, &error);
    if (c != nullptr && c->Write(std::string(1, hl7v2::kMllpStartBlock))) {
      hog.push_back(std::move(c));
    }
  }
  std::atomic<bool> done{false};
  std::thread dribble([&hog, &done] {
    while (!done.load()) {
      for (auto& c : hog) c->Write("x");
      for (int i = 0; i < 20 && !done.load(); ++i) {
        absl::SleepFor(absl::Milliseconds(100));
      }
    }
  });
  absl::SleepFor(absl::Seconds(1));

  // RX9, over its own connection, twice: at once and after two dribbles.
  for (int round = 0; round < 2; ++round) {
    const absl::Time start = absl::Now();
    std::string error;
    auto rx9 = TlsTestConnection::Connect(gateway.mllp_port(), As("trust-rx9"),
                                          &error);
    if (rx9 == nullptr) {
      ADD_FAILURE() << "round " << round << ": RX9 refused: " << error;
      continue;
    }
    const std::string ack =
        Exchange(*rx9, Referral(absl::StrCat("LIMITS", round)));
    const absl::Duration took = absl::Now() - start;
    EXPECT_THAT(ack, HasSubstr(absl::StrCat("|LIMITS", round)))
        << "round " << round << "\n"
        << gateway.log();
    EXPECT_THAT(ack,
                ::testing::AnyOf(HasSubstr("MSA|AA"), HasSubstr("MSA|CA")));
    EXPECT_LT(took, absl::Seconds(2)) << "round " << round;
    std::cout << "round " << round << ": RX9 connected, sent and was "
              << "acknowledged in " << absl::FormatDuration(took) << "\n";
    if (round == 0) absl::SleepFor(absl::Seconds(4));
  }
  EXPECT_TRUE(LogShows(gateway, "limit of 4 connections per peer reached"))
      << gateway.log();
  EXPECT_TRUE(LogShows(gateway, "frame not complete within 5000 ms"))
      << gateway.log();
  done.store(true);
  dribble.join();
  hog.clear();
}

// Finding 9, on every TLS listener.
TEST(TlsPolicyBinaryTest, Tls12ClientWithoutEcdheOrWithCbcIsRefusedEverywhere) {
  SecureGatewayBinary gateway("tls_policy");
  ASSERT_TRUE(gateway.started());
  const std::vector<std::pair<std::string, int>> listeners = {
      {"gRPC", gateway.grpc_port()},
      {"MLLP", gateway.mllp_port()},
      {"FHIR", gateway.fhir_port()}};
  for (const auto& [name, port] : listeners) {
    TlsTestClientOptions options = As("service-tds01");
    options.tls12_only = true;
    // The client works: ECDHE with AES-GCM over TLS 1.2 is agreed.
    options.tls12_ciphers = "ECDHE-RSA-AES128-GCM-SHA256";
    std::string error;
    auto good = TlsTestConnection::Connect(port, options, &error);
    ASSERT_NE(good, nullptr) << name << ": " << error;
    EXPECT_EQ(good->cipher(), "ECDHE-RSA-AES128-GCM-SHA256") << name;
    good.reset();
    // RSA key exchange (no forward secrecy), and CBC with SHA-1 MACs.
    for (const char* weak :
         {"AES256-GCM-SHA384:AES128-SHA:AES256-SHA256", "ECDHE-RSA-AES128-SHA",
          "ECDHE-RSA-AES256-SHA384"}) {
      options.tls12_ciphers = weak;
      error.clear();
      auto refused = TlsTestConnection::Connect(port, options, &error);
      EXPECT_EQ(refused, nullptr)
          << name << " accepted " << weak << " as " << refused->cipher();
      // A handshake_failure alert (OpenSSL) or the connection dropped
      // (gRPC): either way no session.
      EXPECT_THAT(error, ::testing::AnyOf(HasSubstr("handshake failure"),
                                          HasSubstr("unexpected eof")))
          << name << " " << weak;
    }
  }
}

// PROXY protocol v2 on the MLLP listener (mutual TLS behind the header).
TEST(MllpProxyProtocolBinaryTest,
     TrustedBalancerGivesTheRealPeerAndAnyoneElseIsRefused) {
  SecureGatewayBinary gateway("mllp_proxy", [](v1::GatewayConfig& c) {
    v1::ConnectionLimitsConfig* limits = c.mutable_mllp()->mutable_limits();
    limits->set_proxy_protocol(true);
    limits->add_trusted_proxy_networks("127.0.0.1/32");
    limits->set_handshake_timeout_ms(1000);
    // Only the real clients' network: the balancer's own address (127.0.0.1)
    // is not in it.
    c.mutable_mllp()->add_allowed_networks("203.0.113.0/24");
  });
  ASSERT_TRUE(gateway.started());

  // Through the balancer: the real peer is in the allowed network, so
  // RX9's referral is acknowledged.
  TlsTestClientOptions via_balancer = As("trust-rx9");
  via_balancer.preamble = ProxyV2Header("203.0.113.9", 40123);
  std::string error;
  auto rx9 =
      TlsTestConnection::Connect(gateway.mllp_port(), via_balancer, &error);
  ASSERT_NE(rx9, nullptr) << error << "\n" << gateway.log();
  EXPECT_THAT(Exchange(*rx9, Referral("PROXY1")), HasSubstr("MSA|CA|PROXY1"));
  rx9.reset();

  // The log names the real peer: one that never starts TLS is closed at
  // the handshake deadline under its own address.
  testing::RawMllpConnection silent(gateway.mllp_port());
  silent.Write(ProxyV2Header("203.0.113.10", 5555));
  EXPECT_TRUE(silent.ClosedByPeer());
  EXPECT_TRUE(LogShows(gateway,
                       "connection from 203.0.113.10:5555 closed: TLS "
                       "handshake not finished within 1000 ms"))
      << gateway.log();

  // A real peer outside the allowed networks is refused by its address.
  TlsTestClientOptions outsider = As("trust-rx9");
  outsider.preamble = ProxyV2Header("192.0.2.1", 1234);
  EXPECT_EQ(TlsTestConnection::Connect(gateway.mllp_port(), outsider, &error),
            nullptr);
  EXPECT_TRUE(LogShows(gateway,
                       "connection from 192.0.2.1:1234 refused: not in "
                       "mllp.allowed_networks"))
      << gateway.log();

  // The same header from a peer that is not a trusted balancer.
  TlsTestClientOptions untrusted = via_balancer;
  untrusted.source = "127.0.0.2";
  EXPECT_EQ(TlsTestConnection::Connect(gateway.mllp_port(), untrusted, &error),
            nullptr);
  EXPECT_TRUE(LogShows(gateway, "refused: not a trusted proxy"))
      << gateway.log();
  EXPECT_TRUE(LogShows(gateway, "127.0.0.2")) << gateway.log();
}

}  // namespace
}  // namespace nhs::tobacco
