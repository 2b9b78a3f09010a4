// The config is validated at start-up, every problem named by its path:
// here, the outbox and MLLP settings.
#include "gateway/server/config_loader.h"

#include <string>

#include "gateway/domain/field_violations.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::server {
namespace {

using ::testing::Contains;
using ::testing::Field;
using ::testing::HasSubstr;

constexpr char kMinimal[] = R"pb(
  store { data_dir: "data" }
  grpc { allow_insecure: true }
  formulary {
    product {
      product_id: "nrt-gum-2mg"
      display: "Nicotine gum"
      kind: PRODUCT_KIND_NRT
    }
    routes: ROUTE_PHARMACY_SUPPLY
  }
)pb";

absl::StatusOr<v1::GatewayConfig> Parse(const std::string& extra) {
  return ParseConfig(std::string(kMinimal) + extra, /*json=*/false, "/etc/tg");
}

std::vector<domain::FieldViolation> Violations(const std::string& extra) {
  auto config = Parse(extra);
  EXPECT_FALSE(config.ok());
  return domain::GetFieldViolations(config.status());
}

auto HasViolation(const std::string& field, const std::string& text) {
  return Contains(::testing::AllOf(
      Field(&domain::FieldViolation::field, field),
      Field(&domain::FieldViolation::description, HasSubstr(text))));
}

TEST(ConfigLoaderTest, DeliveryDefaultsAreFilledIn) {
  auto config = Parse("");
  ASSERT_TRUE(config.ok()) << config.status();
  const v1::DeliveryConfig& d = config->delivery();
  EXPECT_EQ(d.max_attempts(), 12);
  EXPECT_EQ(d.initial_backoff_ms(), 1000);
  EXPECT_EQ(d.max_backoff_ms(), 300000);
  EXPECT_EQ(d.max_in_flight_per_destination(), 4);
  EXPECT_EQ(d.workers(), 8);
  EXPECT_EQ(d.delivered_retention_days(), 30);
  EXPECT_FALSE(config->has_mllp());
}

TEST(ConfigLoaderTest, BadDeliverySettingsAreNamed) {
  const auto v = Violations(R"pb(
    delivery {
      max_attempts: -1
      initial_backoff_ms: 5000
      max_backoff_ms: 10
      workers: 1000
    }
  )pb");
  EXPECT_THAT(v, HasViolation("delivery.max_attempts", "between 1 and 1000"));
  EXPECT_THAT(v, HasViolation("delivery.max_backoff_ms", "at least"));
  EXPECT_THAT(v, HasViolation("delivery.workers", "between 1 and 256"));
}

TEST(ConfigLoaderTest, TrustOutboundNeedsAnAddressAndTlsOrPlaintextConsent) {
  const auto v = Violations(R"pb(
    mllp {
      tls { cert_file: "s.pem" key_file: "s.key" client_ca_file: "ca.pem" }
      trusts { sending_facility: "RX9" outbound_address: "engine.example" }
      trusts { sending_facility: "RX8" outbound_address: "10.0.0.1:2575" }
      trusts {
        sending_facility: "RX7"
        outbound_address: "10.0.0.2:2575"
        outbound_tls { cert_file: "c.pem" }
      }
    }
  )pb");
  EXPECT_THAT(v, HasViolation("mllp.trusts[0].outbound_address", "host:port"));
  EXPECT_THAT(v, HasViolation("mllp.trusts[1].outbound_tls", "is required"));
  EXPECT_THAT(v, HasViolation("mllp.trusts[2].outbound_tls.client_ca_file",
                              "is required"));
  EXPECT_THAT(
      v, HasViolation("mllp.trusts[2].outbound_tls.cert_file", "go together"));
}

TEST(ConfigLoaderTest, OutboundTlsPathsAreRelativeToTheConfigFile) {
  auto config = Parse(R"pb(
    mllp {
      allow_plaintext: true
      trusts {
        sending_facility: "RX9"
        outbound_address: "127.0.0.1:2576"
        outbound_tls { client_ca_file: "certs/ca.pem" }
      }
    }
  )pb");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->mllp().trusts(0).outbound_tls().client_ca_file(),
            "/etc/tg/certs/ca.pem");
}

TEST(ConfigLoaderTest, AllowedNetworksMustBeCidrBlocks) {
  EXPECT_THAT(Violations(R"pb(
                mllp {
                  allow_plaintext: true
                  allowed_networks: "10.0.0.0/8"
                  allowed_networks: "10.0.0.0/40"
                }
              )pb"),
              HasViolation("mllp.allowed_networks[1]", "prefix length"));
}

}  // namespace
}  // namespace nhs::tobacco::server
