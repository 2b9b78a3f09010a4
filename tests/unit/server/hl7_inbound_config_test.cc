// The organisation registry's HL7 inbound fields (issue 12, hl7in):
// hl7_default_charset must be a character set of HL7 table 0211 the
// gateway decodes; hl7_referral_source a known source; both reach the
// deprecated mllp.trusts form's migration.
#include <string>

#include "absl/strings/str_cat.h"
#include "gateway/domain/field_violations.h"
#include "gateway/server/config_loader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::server {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::testing::Contains;
using ::testing::Field;
using ::testing::HasSubstr;

absl::StatusOr<v1::GatewayConfig> Parse(const std::string& extra) {
  return ParseConfig(absl::StrCat(R"pb(
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
                                  )pb",
                                  extra),
                     /*json=*/false, "/etc/tg");
}

TEST(Hl7InboundConfigTest, CharsetAndSourceOfATrustAreAccepted) {
  auto config = Parse(R"pb(
    organisations {
      ods_code: "RX9"
      role: "mental_health_trust"
      hl7_default_charset: "8859/1"
      hl7_referral_source: REFERRAL_SOURCE_TALKING_THERAPIES
    })pb");
  ASSERT_THAT(config, IsOk());
  EXPECT_EQ(config->organisations(0).hl7_default_charset(), "8859/1");
}

TEST(Hl7InboundConfigTest, UnsupportedCharsetIsRefusedNamingTheField) {
  auto config = Parse(R"pb(
    organisations {
      ods_code: "RX9"
      role: "mental_health_trust"
      hl7_default_charset: "8859/2"
      hl7_referral_source: 42
    })pb");
  ASSERT_FALSE(config.ok());
  const auto violations = domain::GetFieldViolations(config.status());
  EXPECT_THAT(violations,
              Contains(AllOf(Field(&domain::FieldViolation::field,
                                   "organisations[0].hl7_default_charset"),
                             Field(&domain::FieldViolation::description,
                                   HasSubstr("table 0211")))));
  EXPECT_THAT(violations,
              Contains(Field(&domain::FieldViolation::field,
                             "organisations[0].hl7_referral_source")));
}

TEST(Hl7InboundConfigTest, DeprecatedTrustsCarryTheirCharsetIntoTheRegistry) {
  auto config = Parse(R"pb(
    mllp {
      allow_plaintext: true
      trusts {
        sending_facility: "RX9"
        service_ods_code: "TDS01"
        default_charset: "8859/15"
        referral_source: REFERRAL_SOURCE_ACUTE_TRUST
      }
    })pb");
  ASSERT_THAT(config, IsOk());
  ASSERT_EQ(config->organisations_size(), 1);
  EXPECT_EQ(config->organisations(0).hl7_default_charset(), "8859/15");
  EXPECT_EQ(config->organisations(0).hl7_referral_source(),
            v1::REFERRAL_SOURCE_ACUTE_TRUST);
}

}  // namespace
}  // namespace nhs::tobacco::server
