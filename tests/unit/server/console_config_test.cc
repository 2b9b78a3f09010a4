// identity (issue 13): the console block's defaults and checks.
#include <string>
#include <vector>

#include "gateway/domain/field_violations.h"
#include "gateway/server/config_loader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::server {
namespace {

using ::testing::Contains;
using ::testing::Field;
using ::testing::HasSubstr;

constexpr char kBase[] = R"pb(
  store { data_dir: "data" }
  formulary {
    product {
      product_id: "nrt-gum-2mg"
      display: "Nicotine gum"
      kind: PRODUCT_KIND_NRT
    }
    routes: ROUTE_PHARMACY_SUPPLY
  }
  grpc { allow_insecure: true }
  audit { key_file: "audit.key" }
)pb";

absl::StatusOr<v1::GatewayConfig> Parse(const std::string& extra) {
  return ParseConfig(std::string(kBase) + extra, /*json=*/false, "/etc/tg");
}

auto HasViolation(const std::string& field, const std::string& text) {
  return Contains(::testing::AllOf(
      Field(&domain::FieldViolation::field, field),
      Field(&domain::FieldViolation::description, HasSubstr(text))));
}

TEST(ConsoleConfigTest, DefaultsAreFilledIn) {
  auto config = Parse("");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->console().session_idle_timeout_seconds(), 900);
  EXPECT_EQ(config->console().session_max_age_seconds(), 43200);
  EXPECT_EQ(config->console().max_sessions(), 10000);
  EXPECT_TRUE(config->console().allowed_origins().empty());
}

TEST(ConsoleConfigTest, GivenValuesAreKept) {
  auto config = Parse(R"pb(console {
                             session_idle_timeout_seconds: 60
                             session_max_age_seconds: 3600
                             max_sessions: 5
                             allowed_origins: "https://console.example:8443"
                           })pb");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->console().session_idle_timeout_seconds(), 60);
  EXPECT_EQ(config->console().session_max_age_seconds(), 3600);
  EXPECT_EQ(config->console().max_sessions(), 5);
}

TEST(ConsoleConfigTest, BadValuesAreNamed) {
  auto config = Parse(R"pb(console {
                             session_idle_timeout_seconds: -1
                             session_max_age_seconds: 999999999
                             max_sessions: -3
                             allowed_origins: "https://ok.example"
                             allowed_origins: "http://plain.example"
                             allowed_origins: "https://slash.example/"
                           })pb");
  ASSERT_FALSE(config.ok());
  const std::vector<domain::FieldViolation> v =
      domain::GetFieldViolations(config.status());
  EXPECT_THAT(v, HasViolation("console.session_idle_timeout_seconds",
                              "between 1 and 86400"));
  EXPECT_THAT(v, HasViolation("console.session_max_age_seconds", "604800"));
  EXPECT_THAT(v, HasViolation("console.max_sessions", "between 1"));
  EXPECT_THAT(v, HasViolation("console.allowed_origins[1]", "https origin"));
  EXPECT_THAT(v, HasViolation("console.allowed_origins[2]", "https origin"));
  for (const domain::FieldViolation& f : v) {
    EXPECT_NE(f.field, "console.allowed_origins[0]");
  }
}

TEST(ConsoleConfigTest, MaxAgeShorterThanIdleIsRefused) {
  auto config = Parse(R"pb(console {
                             session_idle_timeout_seconds: 600
                             session_max_age_seconds: 300
                           })pb");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(domain::GetFieldViolations(config.status()),
              HasViolation("console.session_max_age_seconds", "at least"));
}

}  // namespace
}  // namespace nhs::tobacco::server
