#include "gateway/server/config_validation.h"

#include <string>
#include <tuple>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "adapters/hl7v2/charset.h"
#include "adapters/net/ip_allow_list.h"
#include "gateway/common/host_port.h"
#include "gateway/domain/deadline_policy.h"
#include "gateway/domain/field_violations.h"
#include "gateway/domain/formulary.h"
#include "gateway/domain/identifiers.h"
#include "gateway/security/audit_chain.h"
#include "gateway/security/principal.h"
#include "gateway/server/admin_endpoint.h"

namespace nhs::tobacco::server {
namespace {

using domain::Violations;

void CheckAddress(const std::string& path, const std::string& address,
                  PortZero port_zero, Violations& v) {
  if (absl::Status s = ValidateHostPort(address, port_zero); !s.ok()) {
    v.Add(path, s.message());
  }
}

// A listener's mutual TLS block (grpc.tls, mllp.tls, fhir.tls): the same
// three files are required everywhere; crl_directory is optional.
void CheckListenerTls(const std::string& path, const v1::TlsConfig& tls,
                      Violations& v) {
  for (const auto& [field, value] :
       {std::pair<const char*, const std::string&>{"cert_file",
                                                   tls.cert_file()},
        {"key_file", tls.key_file()},
        {"client_ca_file", tls.client_ca_file()}}) {
    if (value.empty()) {
      v.Add(absl::StrCat(path, ".", field), "is required for mutual TLS");
    }
  }
}

void ValidateGrpc(const v1::GrpcListenerConfig& g, Violations& v) {
  CheckAddress("grpc.address", g.address(), PortZero::kAllowed, v);
  if (g.max_receive_message_bytes() < 1024) {
    v.Add("grpc.max_receive_message_bytes", "must be at least 1024");
  }
  if (g.per_principal_rate_limit() < 0) {
    v.Add("grpc.per_principal_rate_limit", "must not be negative");
  }
  if (g.handshake_timeout_ms() < 100 || g.max_connection_idle_ms() < 1000 ||
      g.max_concurrent_streams_per_connection() < 1) {
    v.Add("grpc",
          "handshake_timeout_ms >= 100, max_connection_idle_ms >= "
          "1000 and max_concurrent_streams_per_connection >= 1");
  }
  if (g.max_watch_streams() < 1) {
    v.Add("grpc.max_watch_streams", "must be at least 1");
  }
  if (g.max_watch_streams_per_organisation() < 1) {
    v.Add("grpc.max_watch_streams_per_organisation", "must be at least 1");
  }
  if (g.has_tls()) CheckListenerTls("grpc.tls", g.tls(), v);
}

// The admin listener (issue 15): plaintext only on loopback.
void ValidateAdmin(const v1::AdminListenerConfig& a, Violations& v) {
  if (a.disabled() || a.address().empty()) return;
  CheckAddress("admin.address", a.address(), PortZero::kAllowed, v);
  if (a.has_tls()) {
    CheckListenerTls("admin.tls", a.tls(), v);
  } else if (!IsLoopbackAddress(a.address())) {
    v.Add("admin.tls",
          "is required when admin.address is not a loopback address "
          "(mutual TLS; clients need the admin role)");
  }
}

void ValidateStore(const v1::StoreConfig& s, Violations& v) {
  if (s.data_dir().empty()) {
    v.Add("store.data_dir", "is required (where the database lives)");
  }
  if (s.sqlite().reader_connections() < 1 ||
      s.sqlite().reader_connections() > 64) {
    v.Add("store.sqlite.reader_connections", "must be between 1 and 64");
  }
  if (s.max_batch_size() < 1 || s.max_batch_size() > 10000) {
    v.Add("store.max_batch_size", "must be between 1 and 10000");
  }
  if (s.busy_timeout_ms() < 1) {
    v.Add("store.busy_timeout_ms", "must be positive");
  }
  if (s.max_database_mb() < 0) {
    v.Add("store.max_database_mb", "must not be negative (0 = no cap)");
  }
}

// MESH (issue 17): where it is, and one place for each secret.
void ValidateMesh(const v1::MeshConfig& m, Violations& v) {
  if (!absl::StartsWith(m.base_url(), "https://")) {
    v.Add("mesh.base_url", "must be an https:// URL (MESH needs mutual TLS)");
  }
  for (const auto& [name, file, env] :
       {std::tuple{"mailbox_id", &m.mailbox_id_file(), &m.mailbox_id_env()},
        std::tuple{"password", &m.password_file(), &m.password_env()},
        std::tuple{"shared_key", &m.shared_key_file(), &m.shared_key_env()}}) {
    if (file->empty() == env->empty()) {
      v.Add(absl::StrCat("mesh.", name, "_file"),
            absl::StrCat("exactly one of mesh.", name, "_file and mesh.", name,
                         "_env is required"));
    }
  }
  if (m.tls().cert_file().empty() || m.tls().key_file().empty()) {
    v.Add("mesh.tls",
          "cert_file and key_file are required (MESH needs the "
          "mailbox's client certificate)");
  }
  if (m.chunk_size_bytes() < 0 || m.chunk_size_bytes() > 100'000'000) {
    v.Add("mesh.chunk_size_bytes", "must be between 1 and 100000000");
  }
  if (m.poll_interval_seconds() < 0 || m.poll_interval_seconds() > 3600) {
    v.Add("mesh.poll_interval_seconds", "must be between 1 and 3600");
  }
  if (m.infrastructure_ack_minutes() < 0) {
    v.Add("mesh.infrastructure_ack_minutes", "must not be negative");
  }
  if (m.business_ack_hours() < 0) {
    v.Add("mesh.business_ack_hours", "must not be negative");
  }
}

void ValidateDeadlines(const v1::DeadlineConfig& d, Violations& v) {
  if (d.scan_interval_seconds() < 1) {
    v.Add("deadlines.scan_interval_seconds", "must be at least 1");
  }
  for (const auto& violation : domain::GetFieldViolations(
           domain::DeadlinePolicy::FromConfig(d).status())) {
    v.Add(violation.field, violation.description);
  }
}

// care: each follow-up window is days after the quit date, min <= max.
void ValidateFollowUp(const v1::FollowUpConfig& f, Violations& v) {
  auto check = [&v](const std::string& path, const v1::FollowUpWindow& w) {
    if (w.min_days() < 0) v.Add(path + ".min_days", "must not be negative");
    if (w.max_days() < w.min_days()) {
      v.Add(path + ".max_days", "must be at least min_days");
    }
    if (w.max_days() > 1000) v.Add(path + ".max_days", "must be at most 1000");
  };
  check("follow_up.week_4", f.week_4());
  check("follow_up.week_12", f.week_12());
  check("follow_up.week_52", f.week_52());
}

void ValidateFormulary(const v1::GatewayConfig& c, Violations& v) {
  if (c.formulary().empty()) {
    v.Add("formulary", "needs at least one product");
  }
  for (const auto& violation : domain::GetFieldViolations(
           domain::Formulary::FromConfig(c.formulary()).status())) {
    v.Add(violation.field, violation.description);
  }
}

// safety: the acknowledgement window of CYP1A2 safety alerts.
void ValidateSafety(const v1::SafetyConfig& s, Violations& v) {
  if (s.acknowledge_within_hours() < 0 ||
      s.acknowledge_within_hours() > 24 * 14) {
    v.Add("safety.acknowledge_within_hours", "must be between 0 and 336");
  }
  if (s.acknowledge_within_seconds() < 0) {
    v.Add("safety.acknowledge_within_seconds", "must not be negative");
  }
}

// identity (issue 13): console session lifetimes and the origins a
// browser's request may come from ("https://host[:port]", exactly as a
// browser's Origin header spells it: no path, no trailing slash).
void ValidateConsole(const v1::ConsoleConfig& c, Violations& v) {
  if (c.session_idle_timeout_seconds() < 1 ||
      c.session_idle_timeout_seconds() > 86400) {
    v.Add("console.session_idle_timeout_seconds",
          "must be between 1 and 86400");
  }
  if (c.session_max_age_seconds() < c.session_idle_timeout_seconds() ||
      c.session_max_age_seconds() > 7 * 86400) {
    v.Add("console.session_max_age_seconds",
          "must be at least session_idle_timeout_seconds and at most 604800");
  }
  if (c.max_sessions() < 1 || c.max_sessions() > 1000000) {
    v.Add("console.max_sessions", "must be between 1 and 1000000");
  }
  for (int i = 0; i < c.allowed_origins_size(); ++i) {
    const std::string& origin = c.allowed_origins(i);
    const std::string path = absl::StrCat("console.allowed_origins[", i, "]");
    constexpr absl::string_view kScheme = "https://";
    const absl::string_view host =
        absl::StartsWith(origin, kScheme)
            ? absl::string_view(origin).substr(kScheme.size())
            : absl::string_view();
    if (host.empty() || absl::StrContains(host, "/") ||
        absl::StrContains(host, "?") || absl::StrContains(host, "#") ||
        absl::StrContains(host, "@") || absl::StrContains(host, " ")) {
      v.Add(path,
            "must be an https origin such as https://console.example:8443 "
            "(no path, no trailing slash)");
    }
  }
}

void ValidateLimits(const v1::LimitsConfig& l, Violations& v) {
  if (l.max_page_size() < 1 || l.max_text_length() < 1) {
    v.Add("limits", "max_page_size and max_text_length must be positive");
  }
}

// A listener's ConnectionLimitsConfig (mllp.limits, fhir.limits), after
// defaults: every field set and consistent.
void ValidateConnectionLimits(const std::string& path,
                              const v1::ConnectionLimitsConfig& l,
                              Violations& v) {
  if (l.max_connections() < 1 || l.max_connections() > 4096) {
    v.Add(path + ".max_connections", "must be between 1 and 4096");
  }
  if (l.max_connections_per_peer() < 1 ||
      l.max_connections_per_peer() > l.max_connections()) {
    v.Add(path + ".max_connections_per_peer",
          "must be between 1 and max_connections");
  }
  const auto check_ms = [&](const char* field, int32_t ms) {
    if (ms < 100) v.Add(absl::StrCat(path, ".", field), "must be at least 100");
  };
  check_ms("handshake_timeout_ms", l.handshake_timeout_ms());
  check_ms("request_deadline_ms", l.request_deadline_ms());
  check_ms("idle_timeout_ms", l.idle_timeout_ms());
  if (l.proxy_protocol() && l.trusted_proxy_networks().empty()) {
    v.Add(path + ".trusted_proxy_networks",
          "is required when proxy_protocol is true (the load balancers "
          "whose PROXY headers are believed)");
  }
  for (int i = 0; i < l.trusted_proxy_networks_size(); ++i) {
    absl::StatusOr<net::IpAllowList> one =
        net::IpAllowList::Parse({l.trusted_proxy_networks(i)});
    if (!one.ok()) {
      v.Add(absl::StrCat(path, ".trusted_proxy_networks[", i, "]"),
            one.status().message());
    }
  }
}

// The MLLP listener; the trusts' routes are in the organisation registry.
void ValidateMllp(const v1::MllpListenerConfig& m, Violations& v) {
  CheckAddress("mllp.address", m.address(), PortZero::kAllowed, v);
  if (m.max_frame_bytes() < 1024 || m.max_frame_bytes() > (64 << 20)) {
    v.Add("mllp.max_frame_bytes", "must be between 1024 and 67108864");
  }
  if (m.idle_timeout_seconds() < 1) {
    v.Add("mllp.idle_timeout_seconds", "must be at least 1");
  }
  if (m.max_connections() < 1 || m.max_connections() > 4096) {
    v.Add("mllp.max_connections", "must be between 1 and 4096");
  }
  if (m.has_tls()) {
    CheckListenerTls("mllp.tls", m.tls(), v);
  } else if (!m.allow_plaintext()) {
    v.Add("mllp.tls",
          "is required (mutual TLS); for development only, set "
          "mllp.allow_plaintext: true");
  }
  for (int i = 0; i < m.allowed_networks_size(); ++i) {
    absl::StatusOr<net::IpAllowList> one =
        net::IpAllowList::Parse({m.allowed_networks(i)});
    if (!one.ok()) {
      v.Add(absl::StrCat("mllp.allowed_networks[", i, "]"),
            one.status().message());
    }
  }
  ValidateConnectionLimits("mllp.limits", m.limits(), v);
}

// Server-sent event streams (after defaults): a buffer that holds a batch
// of events, and a keep-alive a proxy's idle timeout does not outlast.
void ValidateEventStreams(const v1::FhirListenerConfig& f, Violations& v) {
  if (f.stream_buffer_bytes() < 64 * 1024 ||
      f.stream_buffer_bytes() > 16 * 1024 * 1024) {
    v.Add("fhir.stream_buffer_bytes", "must be between 65536 and 16777216");
  }
  if (f.event_keep_alive_seconds() < 1 || f.event_keep_alive_seconds() > 300) {
    v.Add("fhir.event_keep_alive_seconds", "must be between 1 and 300");
  }
}

// The HTTPS listener's limits (after defaults: zero means someone set a
// negative or absurd value).
void ValidateFhirLimits(const v1::FhirListenerConfig& f, Violations& v) {
  const v1::ConnectionLimitsConfig& l = f.limits();
  if (l.max_connections() < 1 || l.max_connections() > 100000) {
    v.Add("fhir.limits.max_connections", "must be between 1 and 100000");
  }
  if (l.max_connections_per_peer() < 1 ||
      l.max_connections_per_peer() > l.max_connections()) {
    v.Add("fhir.limits.max_connections_per_peer",
          "must be at least 1 and at most max_connections");
  }
  if (l.handshake_timeout_ms() < 1 || l.request_deadline_ms() < 1 ||
      l.idle_timeout_ms() < 1 || f.reply_timeout_ms() < 1) {
    v.Add("fhir.limits.request_deadline_ms", "timeouts must be positive");
  }
  if (f.max_header_bytes() < 1024 || f.max_header_bytes() > (1 << 20)) {
    v.Add("fhir.max_header_bytes", "must be between 1024 and 1048576");
  }
  if (f.max_header_count() < 8 || f.max_header_count() > 1000) {
    v.Add("fhir.max_header_count", "must be between 8 and 1000");
  }
  if (f.io_threads() < 1 || f.io_threads() > 64) {
    v.Add("fhir.io_threads", "must be between 1 and 64");
  }
  if (l.proxy_protocol() && l.trusted_proxy_networks().empty()) {
    v.Add("fhir.limits.trusted_proxy_networks",
          "proxy_protocol needs the load balancers' networks");
  }
  for (int i = 0; i < l.trusted_proxy_networks_size(); ++i) {
    absl::StatusOr<net::IpAllowList> one =
        net::IpAllowList::Parse({l.trusted_proxy_networks(i)});
    if (!one.ok()) {
      v.Add(absl::StrCat("fhir.limits.trusted_proxy_networks[", i, "]"),
            one.status().message());
    }
  }
}

// The FHIR listener and client, when configured.
// The JSON API shares the listener; only its rate is its own.
void ValidateJsonApi(const v1::FhirListenerConfig& f, Violations& v) {
  if (f.json_api_rate_limit() < 0) {
    v.Add("fhir.json_api_rate_limit", "must not be negative");
  }
}

void ValidateFhir(const v1::FhirListenerConfig& f, Violations& v) {
  CheckAddress("fhir.address", f.address(), PortZero::kAllowed, v);
  if (f.tls().cert_file().empty() || f.tls().key_file().empty()) {
    v.Add("fhir.tls.cert_file",
          "cert_file and key_file are required (FHIR is served over TLS "
          "only; deploy/dev_fhir_tls.sh makes a development pair)");
  }
  if (f.tls().client_ca_file().empty()) {
    v.Add("fhir.tls.client_ca_file",
          "is required: GP and pharmacy systems authenticate with client "
          "certificates (certs/make_dev_certs.sh makes a development CA)");
  }
  if (f.client_cert_path().empty() != f.client_key_path().empty()) {
    v.Add("fhir.client_cert_path",
          "client_cert_path and client_key_path go together");
  }
  if (f.max_body_bytes() < 1024) {
    v.Add("fhir.max_body_bytes", "must be at least 1024");
  }
  if (f.connect_timeout_ms() < 1 || f.request_timeout_ms() < 1) {
    v.Add("fhir.request_timeout_ms", "timeouts must be positive");
  }
  ValidateFhirLimits(f, v);
  ValidateEventStreams(f, v);
  ValidateJsonApi(f, v);
}

void ValidateDelivery(const v1::DeliveryConfig& d, Violations& v) {
  if (d.max_attempts() < 1 || d.max_attempts() > 1000) {
    v.Add("delivery.max_attempts", "must be between 1 and 1000");
  }
  if (d.initial_backoff_ms() < 1) {
    v.Add("delivery.initial_backoff_ms", "must be positive");
  }
  if (d.max_backoff_ms() < d.initial_backoff_ms()) {
    v.Add("delivery.max_backoff_ms", "must be at least initial_backoff_ms");
  }
  if (d.max_in_flight_per_destination() < 1) {
    v.Add("delivery.max_in_flight_per_destination", "must be positive");
  }
  if (d.workers() < 1 || d.workers() > 256) {
    v.Add("delivery.workers", "must be between 1 and 256");
  }
  if (d.poll_interval_ms() < 1) {
    v.Add("delivery.poll_interval_ms", "must be positive");
  }
  if (d.mllp_ack_timeout_ms() < 1) {
    v.Add("delivery.mllp_ack_timeout_ms", "must be positive");
  }
  if (d.delivered_retention_days() < 1) {
    v.Add("delivery.delivered_retention_days", "must be positive");
  }
}

// An organisation's MLLP route. Plaintext to the receiver needs the same
// development-only consent as the listener (mllp.allow_plaintext).
void ValidateMllpRoute(const std::string& path, const v1::MllpRouteConfig& r,
                       bool allow_plaintext, Violations& v) {
  if (!r.service_ods_code().empty() &&
      !domain::ValidateOdsCode(r.service_ods_code()).ok()) {
    v.Add(path + ".service_ods_code", "must be an ODS code");
  }
  if (r.outbound_address().empty()) return;
  CheckAddress(path + ".outbound_address", r.outbound_address(),
               PortZero::kRefused, v);
  if (r.has_outbound_tls()) {
    if (r.outbound_tls().client_ca_file().empty()) {
      v.Add(path + ".outbound_tls.client_ca_file",
            "is required: the CA that signs the trust's certificate");
    }
    if (r.outbound_tls().cert_file().empty() !=
        r.outbound_tls().key_file().empty()) {
      v.Add(path + ".outbound_tls.cert_file",
            "cert_file and key_file go together");
    }
  } else if (!allow_plaintext) {
    v.Add(path + ".outbound_tls",
          "is required (TLS to the trust); for development only, set "
          "mllp.allow_plaintext: true");
  }
}

// https://host[:port]/path, the host and port held to the same rule as
// every other address.
void ValidateFhirUrl(const std::string& path, const std::string& url,
                     Violations& v) {
  absl::string_view rest = url;
  if (!absl::ConsumePrefix(&rest, "https://")) {
    v.Add(path, "must be an https:// URL");
    return;
  }
  absl::string_view authority = rest.substr(0, rest.find('/'));
  // No port after the host (or after an IPv6 address's ']') means 443.
  const size_t colon = authority.rfind(':');
  const bool has_port = colon != absl::string_view::npos &&
                        (authority.find(']') == absl::string_view::npos ||
                         colon > authority.find(']'));
  const std::string host_port =
      has_port ? std::string(authority) : absl::StrCat(authority, ":443");
  if (absl::Status s = ValidateHostPort(host_port); !s.ok()) {
    v.Add(path, absl::StrCat("must be an https:// URL whose host[:port] ",
                             s.message()));
  }
}

// takes_referrals_from names referrers by ODS code; only a tobacco service
// files referrals for others, so only its entry may carry the list.
void ValidateReferralSources(const std::string& path,
                             const v1::OrganisationConfig& o, Violations& v) {
  if (o.takes_referrals_from().empty()) return;
  if (!o.role().empty() && o.role() != "tobacco_service") {
    v.Add(path + ".takes_referrals_from",
          "only an organisation with role tobacco_service takes referrals");
  }
  for (int j = 0; j < o.takes_referrals_from_size(); ++j) {
    if (!domain::ValidateOdsCode(o.takes_referrals_from(j)).ok()) {
      v.Add(absl::StrCat(path, ".takes_referrals_from[", j, "]"),
            "must be an ODS code");
    }
  }
}

// hl7in: how HL7 v2 from the organisation is read. The charset is a code
// of HL7 table 0211 the gateway decodes; the source a known one.
void ValidateHl7Inbound(const std::string& path,
                        const v1::OrganisationConfig& o, Violations& v) {
  if (!o.hl7_default_charset().empty()) {
    if (absl::Status s = hl7v2::ParseCharset(o.hl7_default_charset()).status();
        !s.ok()) {
      v.Add(path + ".hl7_default_charset", s.message());
    }
  }
  if (!v1::ReferralSource_IsValid(o.hl7_referral_source())) {
    v.Add(path + ".hl7_referral_source", "is not a known referral source");
  }
}

void ValidateOrganisations(const v1::GatewayConfig& c,
                           const std::vector<OrganisationOrigin>& origins,
                           Violations& v) {
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < c.organisations_size(); ++i) {
    const v1::OrganisationConfig& o = c.organisations(i);
    const std::string path = absl::StrCat("organisations[", i, "]");
    OrganisationOrigin origin =
        i < static_cast<int>(origins.size())
            ? origins[i]
            : OrganisationOrigin{path + ".ods_code", path + ".mllp",
                                 path + ".fhir.url"};
    if (!domain::ValidateOdsCode(o.ods_code()).ok()) {
      v.Add(origin.ods_code, "must be an ODS code");
    } else if (!seen.insert(o.ods_code()).second) {
      v.Add(origin.ods_code, absl::StrCat(o.ods_code(),
                                          " is listed twice: one entry per "
                                          "organisation, with all its routes"));
    }
    if (!o.role().empty()) {
      absl::StatusOr<security::Role> role = security::ParseRole(o.role());
      if (!role.ok() || *role == security::Role::kDevelopment) {
        v.Add(path + ".role",
              "must be one of gp, pharmacy, mental_health_trust, "
              "tobacco_service, integrator, admin, talking_therapies, "
              "local_authority, voluntary_sector, icb_commissioner");
      }
    }
    if (!o.icb_ods_code().empty() &&
        !domain::ValidateOdsCode(o.icb_ods_code()).ok()) {
      v.Add(path + ".icb_ods_code", "must be an ODS code");
    }
    if (o.has_mllp()) {
      // Without the mllp block no MLLP route is used, so none needs TLS.
      ValidateMllpRoute(origin.mllp, o.mllp(),
                        !c.has_mllp() || c.mllp().allow_plaintext(), v);
    }
    if (o.has_fhir()) ValidateFhirUrl(origin.fhir_url, o.fhir().url(), v);
    if (o.has_mesh()) {
      if (!c.has_mesh()) {
        v.Add(path + ".mesh",
              "needs the top-level mesh block (the gateway's own mailbox)");
      }
      if (o.mesh().mailbox_id().size() > 32) {
        v.Add(path + ".mesh.mailbox_id", "must be a MESH mailbox id");
      }
    }
    ValidateReferralSources(path, o, v);
    ValidateHl7Inbound(path, o, v);
  }
}

}  // namespace

// One audit key: a valid id and exactly one place for the secret.
void ValidateAuditKey(const std::string& path, const std::string& key_id,
                      const std::string& key_file, const std::string& key_env,
                      Violations& v) {
  if (!security::ValidAuditKeyId(key_id)) {
    v.Add(absl::StrCat(path, ".key_id"), "must be 1-32 of A-Z a-z 0-9 . _ -");
  }
  if (!key_file.empty() && !key_env.empty()) {
    v.Add(path, "set one of key_file and key_env, not both");
  }
}

// The audit chain's key is required: without it anyone who can write the
// database can rewrite the log undetected.
void ValidateAudit(const v1::AuditConfig& a, Violations& v) {
  ValidateAuditKey("audit", a.key_id(), a.key_file(), a.key_env(), v);
  if (a.key_file().empty() && a.key_env().empty() && !a.development_key()) {
    v.Add("audit",
          "key_file or key_env is required (the audit chain's HMAC key, kept "
          "outside the database; README \"Audit chain\"); for development "
          "only, set audit.development_key: true");
  }
  for (int i = 0; i < a.retired_keys_size(); ++i) {
    const v1::AuditKeyConfig& k = a.retired_keys(i);
    const std::string path = absl::StrCat("audit.retired_keys[", i, "]");
    ValidateAuditKey(path, k.key_id(), k.key_file(), k.key_env(), v);
    if (k.key_file().empty() && k.key_env().empty()) {
      v.Add(path, "key_file or key_env is required");
    }
    if (k.key_id() == a.key_id()) {
      v.Add(path, "a retired key needs another key_id than the current key");
    }
  }
  if (a.checkpoint_interval_seconds() < 1 ||
      a.checkpoint_interval_seconds() > 86400) {
    v.Add("audit.checkpoint_interval_seconds", "must be between 1 and 86400");
  }
}

// GP refusals (issue 12, gp): each code well formed, listed once, with a
// display text people can read.
void ValidateReasonCodes(
    const std::string& path,
    const google::protobuf::RepeatedPtrField<v1::ReasonCode>& codes,
    Violations& v) {
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < codes.size(); ++i) {
    const std::string at = absl::StrCat(path, "[", i, "]");
    const std::string& code = codes[i].code();
    bool ok = !code.empty() && code.size() <= 64;
    for (char ch : code) {
      ok = ok && ((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                  ch == '_' || ch == '-');
    }
    if (!ok) {
      v.Add(absl::StrCat(at, ".code"),
            "must be an upper-case code of at most 64 characters (A-Z, 0-9, "
            "_ or -)");
    } else if (!seen.insert(code).second) {
      v.Add(absl::StrCat(at, ".code"), "is listed twice");
    }
    if (codes[i].display().empty()) {
      v.Add(absl::StrCat(at, ".display"), "is required");
    }
  }
}

absl::Status ValidateConfig(const v1::GatewayConfig& c,
                            const std::vector<OrganisationOrigin>& origins) {
  Violations v;
  ValidateGrpc(c.grpc(), v);
  ValidateAdmin(c.admin(), v);
  ValidateStore(c.store(), v);
  ValidateAudit(c.audit(), v);
  ValidateDeadlines(c.deadlines(), v);
  ValidateLimits(c.limits(), v);
  ValidateSafety(c.safety(), v);
  ValidateConsole(c.console(), v);
  if (c.has_mllp()) ValidateMllp(c.mllp(), v);
  if (c.has_fhir()) ValidateFhir(c.fhir(), v);
  if (c.has_mesh()) ValidateMesh(c.mesh(), v);
  ValidateDelivery(c.delivery(), v);
  ValidateFormulary(c, v);
  ValidateFollowUp(c.follow_up(), v);
  ValidateOrganisations(c, origins, v);
  ValidateReasonCodes("decline_reasons", c.decline_reasons(), v);
  ValidateReasonCodes("not_supplied_reasons", c.not_supplied_reasons(), v);
  return v.ToStatus("invalid gateway configuration");
}

}  // namespace nhs::tobacco::server
