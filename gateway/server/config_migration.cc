#include "gateway/server/config_migration.h"

#include "absl/strings/str_cat.h"
#include "gateway/domain/field_violations.h"
#include "google/protobuf/util/message_differencer.h"

namespace nhs::tobacco::server {
namespace {

constexpr char kRemoval[] =
    " is deprecated and will be removed in the next release; use ";

// The index of the registry entry for `ods_code`, added (with its origin)
// when missing.
int Entry(v1::GatewayConfig& config, const std::string& ods_code,
          const std::string& ods_code_path, MigrationReport& report) {
  for (int i = 0; i < config.organisations_size(); ++i) {
    if (config.organisations(i).ods_code() == ods_code) return i;
  }
  config.add_organisations()->set_ods_code(ods_code);
  report.origins.push_back({ods_code_path, "", ""});
  return config.organisations_size() - 1;
}

v1::MllpRouteConfig MllpRouteOf(const v1::MllpTrustConfig& trust) {
  v1::MllpRouteConfig route;
  route.set_outbound_address(trust.outbound_address());
  if (trust.has_outbound_tls()) {
    *route.mutable_outbound_tls() = trust.outbound_tls();
  }
  route.set_receiving_application(trust.receiving_application());
  route.set_service_ods_code(trust.service_ods_code());
  route.set_discharge_smokers_become_referrals(
      trust.discharge_smokers_become_referrals());
  return route;
}

void MigrateTrusts(v1::GatewayConfig& config, MigrationReport& report,
                   domain::Violations& v) {
  if (!config.has_mllp() || config.mllp().trusts().empty()) return;
  report.warnings.push_back(absl::StrCat(
      "config: mllp.trusts", kRemoval,
      "organisations { ods_code: \"...\" role: \"mental_health_trust\" "
      "mllp { outbound_address: ... service_ods_code: ... } }"));
  for (int i = 0; i < config.mllp().trusts_size(); ++i) {
    const v1::MllpTrustConfig& trust = config.mllp().trusts(i);
    const std::string path = absl::StrCat("mllp.trusts[", i, "]");
    const int index = Entry(config, trust.sending_facility(),
                            path + ".sending_facility", report);
    v1::OrganisationConfig& o = *config.mutable_organisations(index);
    OrganisationOrigin& origin = report.origins[index];
    const v1::MllpRouteConfig route = MllpRouteOf(trust);
    // hl7in: the registry's own fields for how the trust's HL7 is read.
    if (o.hl7_default_charset().empty()) {
      o.set_hl7_default_charset(trust.default_charset());
    }
    if (o.hl7_referral_source() == v1::REFERRAL_SOURCE_UNSPECIFIED) {
      o.set_hl7_referral_source(trust.referral_source());
    }
    if (!o.has_mllp()) {
      *o.mutable_mllp() = route;
      origin.mllp = path;
      if (o.role().empty()) o.set_role("mental_health_trust");
    } else if (!google::protobuf::util::MessageDifferencer::Equals(o.mllp(),
                                                                   route)) {
      v.Add(path, absl::StrCat("differs from ", origin.mllp, " for ",
                               trust.sending_facility(),
                               ": give the trust's MLLP settings once, in "
                               "organisations { mllp { ... } }"));
    }
  }
}

void MigrateFhirEndpoints(v1::GatewayConfig& config, MigrationReport& report,
                          domain::Violations& v) {
  if (!config.has_fhir() || config.fhir().endpoints().empty()) return;
  report.warnings.push_back(absl::StrCat(
      "config: fhir.endpoints", kRemoval,
      "organisations { ods_code: \"...\" fhir { url: \"...\" } }"));
  for (int i = 0; i < config.fhir().endpoints_size(); ++i) {
    const v1::FhirEndpoint& e = config.fhir().endpoints(i);
    const std::string path = absl::StrCat("fhir.endpoints[", i, "]");
    const int index = Entry(config, e.ods_code(), path + ".ods_code", report);
    v1::OrganisationConfig& o = *config.mutable_organisations(index);
    OrganisationOrigin& origin = report.origins[index];
    if (o.fhir().url().empty()) {
      o.mutable_fhir()->set_url(e.url());
      origin.fhir_url = path + ".url";
    } else if (o.fhir().url() != e.url()) {
      v.Add(
          path + ".url",
          absl::StrCat("differs from ", origin.fhir_url, " for ", e.ods_code(),
                       ": give the endpoint once, in organisations { fhir "
                       "{ url } }"));
    }
  }
}

// fhir.<old> becomes fhir.tls.<new>, the TLS block all listeners share.
void MigrateFhirTlsField(const char* old_name, const std::string& old_value,
                         const char* new_name, std::string* new_value,
                         MigrationReport& report, domain::Violations& v) {
  if (old_value.empty()) return;
  report.warnings.push_back(absl::StrCat("config: fhir.", old_name, kRemoval,
                                         "fhir.tls { ", new_name, " }"));
  if (new_value->empty()) {
    *new_value = old_value;
  } else if (*new_value != old_value) {
    v.Add(absl::StrCat("fhir.", old_name),
          absl::StrCat("differs from fhir.tls.", new_name,
                       ": give it once, as fhir.tls.", new_name));
  }
}

void MigrateFhirTls(v1::GatewayConfig& config, MigrationReport& report,
                    domain::Violations& v) {
  if (!config.has_fhir()) return;
  v1::FhirListenerConfig& f = *config.mutable_fhir();
  v1::TlsConfig tls = f.tls();
  MigrateFhirTlsField("tls_cert_path", f.tls_cert_path(), "cert_file",
                      tls.mutable_cert_file(), report, v);
  MigrateFhirTlsField("tls_key_path", f.tls_key_path(), "key_file",
                      tls.mutable_key_file(), report, v);
  MigrateFhirTlsField("client_ca_file", f.client_ca_file(), "client_ca_file",
                      tls.mutable_client_ca_file(), report, v);
  MigrateFhirTlsField("crl_directory", f.crl_directory(), "crl_directory",
                      tls.mutable_crl_directory(), report, v);
  if (f.has_tls() || tls.ByteSizeLong() > 0) *f.mutable_tls() = tls;
}

}  // namespace

absl::Status MigrateDeprecatedKeys(v1::GatewayConfig& config,
                                   MigrationReport& report) {
  report.origins.clear();
  for (int i = 0; i < config.organisations_size(); ++i) {
    const std::string path = absl::StrCat("organisations[", i, "]");
    report.origins.push_back(
        {path + ".ods_code", path + ".mllp", path + ".fhir.url"});
  }
  domain::Violations v;
  MigrateTrusts(config, report, v);
  MigrateFhirEndpoints(config, report, v);
  MigrateFhirTls(config, report, v);
  return v.ToStatus("invalid gateway configuration");
}

}  // namespace nhs::tobacco::server
