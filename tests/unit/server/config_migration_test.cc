// Deprecated config keys keep working for one release: they are converted
// into the organisation registry and fhir.tls, here without the loader (as
// GatewayServer does for a config built in code).
#include "gateway/server/config_migration.h"

#include <string>

#include "gateway/domain/field_violations.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::server {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

v1::GatewayConfig Config(const std::string& text) {
  v1::GatewayConfig config;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &config));
  return config;
}

TEST(MigrateDeprecatedKeysTest, ConvertsOnceAndASecondCallChangesNothing) {
  v1::GatewayConfig config = Config(R"pb(
    mllp { trusts { sending_facility: "RX9" outbound_address: "h:1" } }
    fhir {
      tls_cert_path: "/s.pem"
      endpoints { ods_code: "Y90001" url: "https://gp.example/f" }
    }
  )pb");
  MigrationReport first;
  ASSERT_THAT(MigrateDeprecatedKeys(config, first), IsOk());
  EXPECT_EQ(first.warnings.size(), 3);
  ASSERT_EQ(config.organisations_size(), 2);
  EXPECT_EQ(config.organisations(0).mllp().outbound_address(), "h:1");
  EXPECT_EQ(config.fhir().tls().cert_file(), "/s.pem");
  ASSERT_EQ(first.origins.size(), 2);
  EXPECT_EQ(first.origins[0].ods_code, "mllp.trusts[0].sending_facility");
  EXPECT_EQ(first.origins[0].mllp, "mllp.trusts[0]");
  EXPECT_EQ(first.origins[1].fhir_url, "fhir.endpoints[0].url");

  const v1::GatewayConfig migrated = config;
  MigrationReport second;
  ASSERT_THAT(MigrateDeprecatedKeys(config, second), IsOk());
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(config, migrated));
}

TEST(MigrateDeprecatedKeysTest, ConfigWithoutOldKeysGetsNoWarning) {
  v1::GatewayConfig config = Config(R"pb(
    mllp { allow_plaintext: true }
    fhir { tls { cert_file: "/s.pem" } }
    organisations {
      ods_code: "RX9"
      mllp {}
    }
  )pb");
  MigrationReport report;
  ASSERT_THAT(MigrateDeprecatedKeys(config, report), IsOk());
  EXPECT_THAT(report.warnings, IsEmpty());
  ASSERT_EQ(report.origins.size(), 1);
  EXPECT_EQ(report.origins[0].mllp, "organisations[0].mllp");
}

TEST(MigrateDeprecatedKeysTest, TrustDifferingFromTheRegistryIsRefused) {
  v1::GatewayConfig config = Config(R"pb(
    mllp { trusts { sending_facility: "RX9" service_ods_code: "TDS01" } }
    organisations {
      ods_code: "RX9"
      mllp { service_ods_code: "TDS02" }
    }
  )pb");
  MigrationReport report;
  const absl::Status status = MigrateDeprecatedKeys(config, report);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(domain::GetFieldViolations(status),
              ElementsAre(Field(&domain::FieldViolation::description,
                                HasSubstr("organisations[0].mllp"))));
}

}  // namespace
}  // namespace nhs::tobacco::server
