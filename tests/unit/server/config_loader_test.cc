// The config is validated at start-up, every problem named by its path:
// here, the outbox and MLLP settings, the organisation registry, the TLS
// blocks, and the deprecated keys that still work for one release.
#include "gateway/server/config_loader.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gateway/domain/field_violations.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::server {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Everything required but the gRPC block.
constexpr char kWithoutGrpc[] = R"pb(
  store { data_dir: "data" }
  formulary {
    product {
      product_id: "nrt-gum-2mg"
      display: "Nicotine gum"
      kind: PRODUCT_KIND_NRT
    }
    routes: ROUTE_PHARMACY_SUPPLY
  }
)pb";

constexpr char kInsecureGrpc[] = R"pb(
  grpc { allow_insecure: true }
)pb";

// The audit key every config needs, unless `extra` brings its own block.
std::string WithAuditKey(const std::string& extra) {
  if (extra.find("audit {") != std::string::npos) return extra;
  return R"pb(audit { key_file: "audit.key" })pb" + extra;
}

absl::StatusOr<v1::GatewayConfig> Parse(
    const std::string& extra, std::vector<std::string>* warnings = nullptr) {
  return ParseConfig(
      std::string(kWithoutGrpc) + kInsecureGrpc + WithAuditKey(extra),
      /*json=*/false, "/etc/tg", warnings);
}

// The violations of a config with `extra`; `grpc` replaces the insecure
// development gRPC block.
std::vector<domain::FieldViolation> Violations(
    const std::string& extra, const std::string& grpc = kInsecureGrpc) {
  auto config =
      ParseConfig(std::string(kWithoutGrpc) + grpc + WithAuditKey(extra),
                  /*json=*/false, "/etc/tg");
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

// Issue 15: the admin listener is on by default, on loopback.
TEST(ConfigLoaderTest, AdminListenerDefaultsToLoopback9464) {
  auto config = Parse("");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->admin().address(), "127.0.0.1:9464");
  auto disabled = Parse(R"pb(admin { disabled: true })pb");
  ASSERT_TRUE(disabled.ok()) << disabled.status();
  EXPECT_EQ(disabled->admin().address(), "");
  auto ipv6 = Parse(R"pb(admin { address: "[::1]:0" })pb");
  EXPECT_TRUE(ipv6.ok()) << ipv6.status();
}

TEST(ConfigLoaderTest, AdminListenerOffLoopbackNeedsMutualTls) {
  EXPECT_THAT(Violations(R"pb(admin { address: "0.0.0.0:9464" })pb"),
              HasViolation("admin.tls", "not a loopback address"));
  EXPECT_THAT(Violations(R"pb(admin {
                                address: "10.1.2.3:9464"
                                tls { cert_file: "s.pem" }
                              })pb"),
              HasViolation("admin.tls.client_ca_file", "mutual TLS"));
  auto tls = Parse(R"pb(admin {
                          address: "0.0.0.0:9464"
                          tls {
                            cert_file: "s.pem"
                            key_file: "s.key"
                            client_ca_file: "ca.pem"
                          }
                        })pb");
  ASSERT_TRUE(tls.ok()) << tls.status();
  // Relative to the config file's folder, like every other TLS block.
  EXPECT_EQ(tls->admin().tls().cert_file(), "/etc/tg/s.pem");
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

TEST(ConfigLoaderTest, MllpLimitsDefaultFromTheOlderFieldsAndTheReadme) {
  auto config = Parse(R"pb(
    mllp { allow_plaintext: true max_connections: 20 idle_timeout_seconds: 60 }
  )pb");
  ASSERT_TRUE(config.ok()) << config.status();
  const v1::ConnectionLimitsConfig& l = config->mllp().limits();
  EXPECT_EQ(l.max_connections(), 20);
  EXPECT_EQ(l.max_connections_per_peer(), 8);
  EXPECT_EQ(l.handshake_timeout_ms(), 10000);
  EXPECT_EQ(l.request_deadline_ms(), 30000);
  EXPECT_EQ(l.idle_timeout_ms(), 60000);
  EXPECT_FALSE(l.proxy_protocol());
}

TEST(ConfigLoaderTest, MllpLimitsThatCannotHoldAreNamed) {
  const auto v = Violations(R"pb(
    mllp {
      allow_plaintext: true
      limits {
        max_connections: 4
        max_connections_per_peer: 5
        request_deadline_ms: 10
        proxy_protocol: true
      }
    }
  )pb");
  EXPECT_THAT(v, HasViolation("mllp.limits.max_connections_per_peer",
                              "between 1 and max_connections"));
  EXPECT_THAT(v,
              HasViolation("mllp.limits.request_deadline_ms", "at least 100"));
  EXPECT_THAT(v, HasViolation("mllp.limits.trusted_proxy_networks",
                              "required when proxy_protocol"));
  EXPECT_THAT(
      Violations(R"pb(
        mllp {
          allow_plaintext: true
          limits { proxy_protocol: true trusted_proxy_networks: "10.0.0.0/33" }
        }
      )pb"),
      HasViolation("mllp.limits.trusted_proxy_networks[0]", "prefix length"));
}

constexpr char kFhirTls[] = R"pb(
  fhir { tls { cert_file: "s.pem" key_file: "s.key" client_ca_file: "ca.pem" }
)pb";

TEST(ConfigLoaderTest, FhirListenerLimitsDefaultsAreFilledIn) {
  auto config = Parse(std::string(kFhirTls) + "}");
  ASSERT_TRUE(config.ok()) << config.status();
  const v1::FhirListenerConfig& f = config->fhir();
  EXPECT_EQ(f.limits().max_connections(), 256);
  EXPECT_EQ(f.limits().max_connections_per_peer(), 32);
  EXPECT_EQ(f.limits().handshake_timeout_ms(), 10000);
  EXPECT_EQ(f.limits().request_deadline_ms(), 30000);
  EXPECT_EQ(f.limits().idle_timeout_ms(), 60000);
  EXPECT_EQ(f.max_header_bytes(), 16384);
  EXPECT_EQ(f.max_header_count(), 64);
  EXPECT_EQ(f.io_threads(), 4);
  EXPECT_EQ(f.reply_timeout_ms(), 30000);
}

TEST(ConfigLoaderTest, BadFhirListenerLimitsAreNamed) {
  const auto v = Violations(std::string(kFhirTls) + R"pb(
    limits {
      max_connections: 10
      max_connections_per_peer: 20
      request_deadline_ms: -1
      proxy_protocol: true
    }
    max_header_count: 5000
    io_threads: 100
    json_api_rate_limit: -1
  })pb");
  EXPECT_THAT(v, HasViolation("fhir.limits.max_connections_per_peer",
                              "at most max_connections"));
  EXPECT_THAT(v, HasViolation("fhir.limits.request_deadline_ms", "positive"));
  EXPECT_THAT(
      v, HasViolation("fhir.limits.trusted_proxy_networks", "load balancers"));
  EXPECT_THAT(v, HasViolation("fhir.max_header_count", "between 8 and 1000"));
  EXPECT_THAT(v, HasViolation("fhir.io_threads", "between 1 and 64"));
  EXPECT_THAT(v, HasViolation("fhir.json_api_rate_limit", "not be negative"));
}

TEST(ConfigLoaderTest, EventStreamDefaultsAreFilledIn) {
  auto config = Parse(std::string(kFhirTls) + "}");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->fhir().stream_buffer_bytes(), 262144);
  EXPECT_EQ(config->fhir().event_keep_alive_seconds(), 15);
}

TEST(ConfigLoaderTest, BadEventStreamSettingsAreNamed) {
  const auto v = Violations(std::string(kFhirTls) + R"pb(
    stream_buffer_bytes: 1000
    event_keep_alive_seconds: 301
  })pb");
  EXPECT_THAT(v, HasViolation("fhir.stream_buffer_bytes",
                              "between 65536 and 16777216"));
  EXPECT_THAT(
      v, HasViolation("fhir.event_keep_alive_seconds", "between 1 and 300"));
}

const v1::OrganisationConfig* Find(const v1::GatewayConfig& config,
                                   const std::string& ods_code) {
  for (const v1::OrganisationConfig& o : config.organisations()) {
    if (o.ods_code() == ods_code) return &o;
  }
  return nullptr;
}

TEST(ConfigLoaderTest, RegistryEntriesAreReadWithAllTheirRoutes) {
  std::vector<std::string> warnings;
  auto config =
      Parse(R"pb(
              mllp { allow_plaintext: true }
              mesh {
                base_url: "https://mesh.example"
                mailbox_id_env: "MESH_MAILBOX"
                password_env: "MESH_PASSWORD"
                shared_key_file: "mesh/key"
                tls { cert_file: "mesh.pem" key_file: "mesh.key" }
              }
              organisations {
                ods_code: "RX9"
                name: "Sample trust"
                role: "mental_health_trust"
                icb_ods_code: "QXX"
                mllp {
                  outbound_address: "[2001:db8::7]:2576"
                  outbound_tls { client_ca_file: "ca.pem" }
                  receiving_application: "RIO"
                  service_ods_code: "TDS01"
                  discharge_smokers_become_referrals: true
                }
              }
              organisations {
                ods_code: "Y90001"
                role: "gp"
                fhir { url: "https://gp.example:9443/fhir/$process-message" }
                mesh { mailbox_id: "X26OT001" }
                sms {}
              }
            )pb",
            &warnings);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_THAT(warnings, IsEmpty());
  ASSERT_EQ(config->organisations_size(), 2);
  const v1::OrganisationConfig& trust = config->organisations(0);
  EXPECT_EQ(trust.icb_ods_code(), "QXX");
  EXPECT_EQ(trust.mllp().service_ods_code(), "TDS01");
  EXPECT_TRUE(trust.mllp().discharge_smokers_become_referrals());
  EXPECT_EQ(trust.mllp().outbound_tls().client_ca_file(), "/etc/tg/ca.pem");
  EXPECT_EQ(config->organisations(1).fhir().url(),
            "https://gp.example:9443/fhir/$process-message");
  EXPECT_EQ(config->organisations(1).mesh().mailbox_id(), "X26OT001");
  EXPECT_EQ(config->mesh().shared_key_file(), "/etc/tg/mesh/key");
}

// MESH (issue 17): a mailbox route needs the gateway's own mailbox, and the
// gateway's secrets come from one place each.
TEST(ConfigLoaderTest, MeshRoutesNeedTheMeshBlockAndItsSecrets) {
  auto route_alone = Parse(R"pb(
    organisations {
      ods_code: "Y90001"
      mesh { mailbox_id: "X26OT001" }
    }
  )pb");
  EXPECT_THAT(route_alone.status().message(),
              HasSubstr("organisations[0].mesh"));
  auto bad_block = Parse(R"pb(
    mesh {
      base_url: "http://mesh.example"
      password_file: "p"
      password_env: "P"
    }
  )pb");
  EXPECT_THAT(bad_block.status().message(), HasSubstr("mesh.base_url"));
  EXPECT_THAT(bad_block.status().message(), HasSubstr("mesh.password_file"));
  EXPECT_THAT(bad_block.status().message(), HasSubstr("mesh.mailbox_id_file"));
  EXPECT_THAT(bad_block.status().message(), HasSubstr("mesh.tls"));
}

TEST(ConfigLoaderTest, WatchStreamCapsDefaultAndMustBePositive) {
  auto config = Parse("");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->grpc().max_watch_streams(), 256);
  EXPECT_EQ(config->grpc().max_watch_streams_per_organisation(), 32);
  EXPECT_THAT(
      Violations("", R"pb(
        grpc { allow_insecure: true max_watch_streams_per_organisation: -1 }
      )pb"),
      HasViolation("grpc.max_watch_streams_per_organisation", "at least 1"));
}

TEST(ConfigLoaderTest, OnlyAServiceTakesReferralsAndNamesThemByOdsCode) {
  auto config = Parse(R"pb(
    organisations {
      ods_code: "TDS01"
      role: "tobacco_service"
      takes_referrals_from: "Y90001"
    }
  )pb");
  ASSERT_TRUE(config.ok()) << config.status();
  const auto v = Violations(R"pb(
    organisations {
      ods_code: "TDS01"
      role: "tobacco_service"
      takes_referrals_from: "Y90001"
      takes_referrals_from: "not an ods code"
    }
    organisations { ods_code: "Y90001" role: "gp" takes_referrals_from: "RX9" }
  )pb");
  EXPECT_THAT(
      v, HasViolation("organisations[0].takes_referrals_from[1]", "ODS code"));
  EXPECT_THAT(v, HasViolation("organisations[1].takes_referrals_from",
                              "tobacco_service"));
}

TEST(ConfigLoaderTest, BadRegistryEntriesAreNamedByTheirPath) {
  const auto v = Violations(R"pb(
    mllp { allow_plaintext: true }
    organisations { ods_code: "rx9" }
    organisations { ods_code: "Y90001" role: "surgeon" icb_ods_code: "q" }
    organisations { ods_code: "Y90001" }
    organisations {
      ods_code: "FZZ99"
      fhir { url: "http://pharmacy.example/fhir" }
    }
    organisations {
      ods_code: "FZZ98"
      fhir { url: "https://pharmacy.example:99999/fhir" }
    }
    organisations {
      ods_code: "RX8"
      mllp { outbound_address: "engine.example" service_ods_code: "x" }
    }
  )pb");
  EXPECT_THAT(v, HasViolation("organisations[0].ods_code", "ODS code"));
  EXPECT_THAT(v, HasViolation("organisations[1].role", "must be one of gp"));
  EXPECT_THAT(v, HasViolation("organisations[1].icb_ods_code", "ODS code"));
  EXPECT_THAT(v, HasViolation("organisations[2].ods_code", "listed twice"));
  EXPECT_THAT(v, HasViolation("organisations[3].fhir.url", "https://"));
  EXPECT_THAT(v, HasViolation("organisations[4].fhir.url", "1 to 65535"));
  EXPECT_THAT(v, HasViolation("organisations[5].mllp.outbound_address",
                              "missing :port"));
  EXPECT_THAT(v, HasViolation("organisations[5].mllp.service_ods_code", "ODS"));
}

TEST(ConfigLoaderTest, RegistryMllpRouteNeedsTlsWithoutPlaintextConsent) {
  const auto v = Violations(R"pb(
    mllp {
      tls { cert_file: "s.pem" key_file: "s.key" client_ca_file: "ca.pem" }
    }
    organisations {
      ods_code: "RX9"
      mllp { outbound_address: "10.0.0.1:2575" }
    }
  )pb");
  EXPECT_THAT(
      v, HasViolation("organisations[0].mllp.outbound_tls", "is required"));
}

TEST(ConfigLoaderTest, DeprecatedTrustsAndEndpointsBecomeRegistryEntries) {
  std::vector<std::string> warnings;
  auto config = Parse(
      R"pb(
        mllp {
          allow_plaintext: true
          trusts {
            sending_facility: "RX9"
            service_ods_code: "TDS01"
            discharge_smokers_become_referrals: true
            outbound_address: "127.0.0.1:2576"
            receiving_application: "RIO"
          }
          trusts { sending_facility: "RX8" }
        }
        fhir {
          address: "127.0.0.1:8443"
          tls { cert_file: "s.pem" key_file: "s.key" client_ca_file: "ca.pem" }
          endpoints { ods_code: "Y90001" url: "https://gp.example/f" }
          endpoints { ods_code: "RX9" url: "https://rx9.example/f" }
        }
      )pb",
      &warnings);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_THAT(
      warnings,
      ElementsAre(
          AllOf(HasSubstr("mllp.trusts is deprecated and will be removed in "
                          "the next release; use organisations {"),
                HasSubstr("mllp {")),
          AllOf(HasSubstr("fhir.endpoints is deprecated and will be removed "
                          "in the next release; use organisations {"),
                HasSubstr("fhir { url"))));
  const v1::OrganisationConfig* rx9 = Find(*config, "RX9");
  ASSERT_NE(rx9, nullptr);
  EXPECT_EQ(rx9->role(), "mental_health_trust");
  EXPECT_EQ(rx9->mllp().service_ods_code(), "TDS01");
  EXPECT_TRUE(rx9->mllp().discharge_smokers_become_referrals());
  EXPECT_EQ(rx9->mllp().outbound_address(), "127.0.0.1:2576");
  EXPECT_EQ(rx9->mllp().receiving_application(), "RIO");
  EXPECT_EQ(rx9->fhir().url(), "https://rx9.example/f");
  const v1::OrganisationConfig* rx8 = Find(*config, "RX8");
  ASSERT_NE(rx8, nullptr);
  EXPECT_TRUE(rx8->has_mllp()) << "an inbound-only trust may still send";
  const v1::OrganisationConfig* gp = Find(*config, "Y90001");
  ASSERT_NE(gp, nullptr);
  EXPECT_EQ(gp->fhir().url(), "https://gp.example/f");
  EXPECT_FALSE(gp->has_mllp());
  EXPECT_EQ(config->organisations_size(), 3);
}

TEST(ConfigLoaderTest, DeprecatedKeyAgreeingWithTheRegistryIsAccepted) {
  std::vector<std::string> warnings;
  auto config =
      Parse(R"pb(
              mllp {
                allow_plaintext: true
                trusts { sending_facility: "RX9" service_ods_code: "TDS01" }
              }
              organisations {
                ods_code: "RX9"
                name: "Sample trust"
                mllp { service_ods_code: "TDS01" }
              }
            )pb",
            &warnings);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_THAT(warnings, ElementsAre(HasSubstr("mllp.trusts is deprecated")));
  ASSERT_EQ(config->organisations_size(), 1);
  EXPECT_EQ(config->organisations(0).name(), "Sample trust");
}

TEST(ConfigLoaderTest, KeyGivenBothWaysWithDifferentValuesIsRefused) {
  const auto v = Violations(R"pb(
    mllp {
      allow_plaintext: true
      trusts { sending_facility: "RX9" outbound_address: "10.0.0.1:2575" }
    }
    fhir {
      tls { cert_file: "s.pem" key_file: "s.key" client_ca_file: "ca.pem" }
      endpoints { ods_code: "Y90001" url: "https://old.example/f" }
    }
    organisations {
      ods_code: "RX9"
      mllp { outbound_address: "10.0.0.2:2575" }
    }
    organisations {
      ods_code: "Y90001"
      fhir { url: "https://new.example/f" }
    }
  )pb");
  EXPECT_THAT(
      v, HasViolation("mllp.trusts[0]", "differs from organisations[0].mllp"));
  EXPECT_THAT(v, HasViolation("fhir.endpoints[0].url",
                              "differs from organisations[1].fhir.url"));
}

TEST(ConfigLoaderTest, BadDeprecatedEntriesAreNamedWhereTheyWereWritten) {
  const auto v = Violations(R"pb(
    mllp {
      allow_plaintext: true
      trusts { sending_facility: "rx9" }
    }
    fhir {
      tls { cert_file: "s.pem" key_file: "s.key" client_ca_file: "ca.pem" }
      endpoints { ods_code: "Y90001" url: "http://gp.example/f" }
    }
  )pb");
  EXPECT_THAT(v, HasViolation("mllp.trusts[0].sending_facility", "ODS code"));
  EXPECT_THAT(v, HasViolation("fhir.endpoints[0].url", "https://"));
}

TEST(ConfigLoaderTest, FhirTlsIsTheSameBlockAsTheOtherListeners) {
  std::vector<std::string> warnings;
  auto config = Parse(R"pb(
                        fhir {
                          tls {
                            cert_file: "s.pem"
                            key_file: "s.key"
                            client_ca_file: "ca.pem"
                            crl_directory: "crl"
                          }
                        }
                      )pb",
                      &warnings);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_THAT(warnings, IsEmpty());
  EXPECT_EQ(config->fhir().tls().cert_file(), "/etc/tg/s.pem");
  EXPECT_EQ(config->fhir().tls().crl_directory(), "/etc/tg/crl");
  // The outbound client presents the server's pair unless told otherwise.
  EXPECT_EQ(config->fhir().client_cert_path(), "/etc/tg/s.pem");
  EXPECT_EQ(config->fhir().client_key_path(), "/etc/tg/s.key");
}

TEST(ConfigLoaderTest, OldFhirTlsNamesStillWorkWithAWarningEach) {
  std::vector<std::string> warnings;
  auto config = Parse(R"pb(
                        fhir {
                          tls_cert_path: "s.pem"
                          tls_key_path: "s.key"
                          client_ca_file: "ca.pem"
                          crl_directory: "crl"
                        }
                      )pb",
                      &warnings);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_THAT(warnings,
              ElementsAre(HasSubstr("fhir.tls_cert_path is deprecated and "
                                    "will be removed in the next release; "
                                    "use fhir.tls { cert_file }"),
                          HasSubstr("fhir.tls_key_path is deprecated"),
                          HasSubstr("fhir.client_ca_file is deprecated"),
                          HasSubstr("fhir.crl_directory is deprecated")));
  EXPECT_EQ(config->fhir().tls().cert_file(), "/etc/tg/s.pem");
  EXPECT_EQ(config->fhir().tls().key_file(), "/etc/tg/s.key");
  EXPECT_EQ(config->fhir().tls().client_ca_file(), "/etc/tg/ca.pem");
  EXPECT_EQ(config->fhir().tls().crl_directory(), "/etc/tg/crl");
  EXPECT_EQ(config->fhir().client_cert_path(), "/etc/tg/s.pem");
}

TEST(ConfigLoaderTest, OldFhirTlsNameDisagreeingWithTheTlsBlockIsRefused) {
  const auto v = Violations(R"pb(
    fhir {
      tls { cert_file: "new.pem" key_file: "s.key" client_ca_file: "ca.pem" }
      tls_cert_path: "old.pem"
    }
  )pb");
  EXPECT_THAT(
      v, HasViolation("fhir.tls_cert_path", "differs from fhir.tls.cert_file"));
}

TEST(ConfigLoaderTest, EveryListenerTlsBlockNeedsTheSameFiles) {
  const auto v = Violations(R"pb(
                              mllp { tls { key_file: "s.key" } }
                              fhir { tls { client_ca_file: "ca.pem" } }
                            )pb",
                            R"pb(
                              grpc { tls { cert_file: "s.pem" } }
                            )pb");
  EXPECT_THAT(v, HasViolation("grpc.tls.key_file", "is required"));
  EXPECT_THAT(v, HasViolation("grpc.tls.client_ca_file", "is required"));
  EXPECT_THAT(v, HasViolation("mllp.tls.cert_file", "is required"));
  EXPECT_THAT(v, HasViolation("mllp.tls.client_ca_file", "is required"));
  EXPECT_THAT(v, HasViolation("fhir.tls.cert_file", "are required"));
}

TEST(ConfigLoaderTest, ListenerAddressesAreCheckedAsHostPort) {
  const auto v = Violations(
      R"pb(
        mllp { address: "::1:2575" allow_plaintext: true }
        fhir {
          address: "127.0.0.1:70000"
          tls { cert_file: "s.pem" key_file: "s.key" client_ca_file: "ca.pem" }
        }
      )pb",
      R"pb(
        grpc { address: "localhost" allow_insecure: true }
      )pb");
  EXPECT_THAT(v, HasViolation("grpc.address", "missing :port"));
  EXPECT_THAT(v, HasViolation("mllp.address", "IPv6 address in brackets"));
  EXPECT_THAT(v, HasViolation("fhir.address", "port from 0 to 65535"));
}

TEST(ConfigLoaderTest, TheSampleConfigUsesTheRegistryWithoutWarnings) {
  std::ifstream in(std::string(TOBACCO_SOURCE_DIR) +
                   "/deploy/config/gateway.textproto");
  std::stringstream text;
  text << in.rdbuf();
  std::vector<std::string> warnings;
  auto config = ParseConfig(text.str(), /*json=*/false,
                            std::string(TOBACCO_SOURCE_DIR) + "/deploy/config",
                            &warnings);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_THAT(warnings, IsEmpty());
  EXPECT_TRUE(config->mllp().trusts().empty());
  EXPECT_TRUE(config->fhir().endpoints().empty());
  const v1::OrganisationConfig* rx9 = Find(*config, "RX9");
  ASSERT_NE(rx9, nullptr);
  EXPECT_EQ(rx9->mllp().receiving_application(), "RIO");
}

TEST(ConfigLoaderTest, JsonConfigWithADuplicateKeyIsRefusedNamingIt) {
  // Protobuf's JSON reader would keep the last data_dir silently.
  auto config = ParseConfig(R"({"store": {"dataDir": "a", "dataDir": "b"},)"
                            R"( "grpc": {"allowInsecure": true}})",
                            /*json=*/true, "/etc/tg");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(),
              HasSubstr("config.store.dataDir is a duplicate key"));
}

TEST(ConfigLoaderTest, WithoutAnAuditKeyTheGatewayDoesNotStart) {
  const std::string text = std::string(kWithoutGrpc) + kInsecureGrpc;
  auto config = ParseConfig(text, /*json=*/false, "/etc/tg");
  EXPECT_FALSE(config.ok());
  EXPECT_THAT(domain::GetFieldViolations(config.status()),
              HasViolation("audit", "key_file or key_env is required"));
  // Development consents explicitly.
  EXPECT_TRUE(ParseConfig(text + "audit { development_key: true }",
                          /*json=*/false, "/etc/tg")
                  .ok());
}

TEST(ConfigLoaderTest, AuditPathsFollowTheFileAndDefaultsApply) {
  auto config = Parse(R"pb(audit {
                             checkpoint_file: "ckpt/audit.log"
                             retired_keys { key_id: "k0" key_file: "old.key" }
                             key_file: "audit.key"
                           })pb");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->audit().key_file(), "/etc/tg/audit.key");
  EXPECT_EQ(config->audit().checkpoint_file(), "/etc/tg/ckpt/audit.log");
  EXPECT_EQ(config->audit().retired_keys(0).key_file(), "/etc/tg/old.key");
  EXPECT_EQ(config->audit().key_id(), "k1");
  EXPECT_EQ(config->audit().checkpoint_interval_seconds(), 300);
}

TEST(ConfigLoaderTest, AuditKeysAreCheckedByName) {
  auto v = Violations(R"pb(audit {
                             key_id: "has space"
                             key_file: "audit.key"
                             key_env: "TOBACCO_AUDIT_KEY"
                             checkpoint_interval_seconds: -1
                             retired_keys { key_id: "k2" }
                           })pb");
  EXPECT_THAT(v, HasViolation("audit.key_id", "A-Z a-z 0-9"));
  EXPECT_THAT(v, HasViolation("audit", "not both"));
  EXPECT_THAT(v, HasViolation("audit.checkpoint_interval_seconds",
                              "between 1 and 86400"));
  EXPECT_THAT(v, HasViolation("audit.retired_keys[0]",
                              "key_file or key_env is required"));
}

// GP refusals and silence (issue 12): the reason lists and the chaser.
TEST(ConfigLoaderTest, GpRefusalDefaultsAreFilledIn) {
  auto config = Parse("");
  ASSERT_TRUE(config.ok()) << config.status();
  std::vector<std::string> decline;
  for (const auto& r : config->decline_reasons()) decline.push_back(r.code());
  EXPECT_THAT(decline, ElementsAre("CLINICAL_CONTRAINDICATION",
                                   "PATIENT_DECLINED", "WANTS_TO_SEE_PATIENT",
                                   "DOES_NOT_PRESCRIBE_ON_RECOMMENDATION",
                                   "DIAGNOSIS_RELATED_CONCERN"));
  EXPECT_EQ(config->decline_reasons(0).display(), "Clinical contraindication");
  EXPECT_EQ(config->not_supplied_reasons(0).code(), "OUT_OF_STOCK");
  EXPECT_TRUE(config->deadlines().chase_gp_on_overdue());
}

TEST(ConfigLoaderTest, AConfiguredReasonListAndChaserAreKept) {
  auto config = Parse(R"pb(
    deadlines { chase_gp_on_overdue: false }
    decline_reasons { code: "LOCAL_POLICY" display: "Local policy" }
  )pb");
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_EQ(config->decline_reasons_size(), 1);
  EXPECT_EQ(config->decline_reasons(0).code(), "LOCAL_POLICY");
  EXPECT_FALSE(config->deadlines().chase_gp_on_overdue());
}

TEST(ConfigLoaderTest, BadReasonCodesAreNamed) {
  const auto v = Violations(R"pb(
    decline_reasons { code: "PATIENT_DECLINED" display: "Patient declined" }
    decline_reasons { code: "PATIENT_DECLINED" display: "Again" }
    decline_reasons { code: "not upper" display: "x" }
    not_supplied_reasons { code: "OUT_OF_STOCK" }
  )pb");
  EXPECT_THAT(v, HasViolation("decline_reasons[1].code", "listed twice"));
  EXPECT_THAT(v, HasViolation("decline_reasons[2].code", "upper-case"));
  EXPECT_THAT(v, HasViolation("not_supplied_reasons[0].display", "required"));
}

}  // namespace
}  // namespace nhs::tobacco::server
