#include "gateway/server/hl7_inbound.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "gateway/common/log.h"
#include "gateway/common/status_macros.h"

namespace nhs::tobacco::server {
namespace {

hl7v2::MllpTlsOptions TlsOptions(const v1::TlsConfig& tls) {
  hl7v2::MllpTlsOptions options;
  options.cert_file = tls.cert_file();
  options.key_file = tls.key_file();
  options.ca_file = tls.client_ca_file();
  options.crl_directory = tls.crl_directory();
  return options;
}

// The principal a connection's certificate names. The certificate is the
// same for every message on a connection, and an event-loop thread usually
// serves a run of messages from one connection, so one cached entry per
// thread saves most parses.
const absl::StatusOr<security::Principal>& PrincipalOf(const std::string& pem) {
  thread_local std::string cached_pem;
  thread_local absl::StatusOr<security::Principal> cached =
      absl::UnknownError("unset");
  if (pem != cached_pem) {
    cached = security::PrincipalFromCertificatePem(pem);
    cached_pem = pem;
  }
  return cached;
}

// The listener's settings with the trusts allowed to send: the registry's
// organisations that have an MLLP route, in the shape the HL7 edge reads.
v1::MllpListenerConfig WithTrustsFromRegistry(
    const v1::MllpListenerConfig& config,
    const google::protobuf::RepeatedPtrField<v1::OrganisationConfig>&
        organisations) {
  v1::MllpListenerConfig with_trusts = config;
  with_trusts.clear_trusts();
  for (const v1::OrganisationConfig& o : organisations) {
    if (!o.has_mllp()) continue;
    v1::MllpTrustConfig* trust = with_trusts.add_trusts();
    trust->set_sending_facility(o.ods_code());
    trust->set_service_ods_code(o.mllp().service_ods_code());
    trust->set_discharge_smokers_become_referrals(
        o.mllp().discharge_smokers_become_referrals());
    trust->set_outbound_address(o.mllp().outbound_address());
    if (o.mllp().has_outbound_tls()) {
      *trust->mutable_outbound_tls() = o.mllp().outbound_tls();
    }
    trust->set_receiving_application(o.mllp().receiving_application());
    trust->set_default_charset(o.hl7_default_charset());
    trust->set_referral_source(o.hl7_referral_source());
  }
  return with_trusts;
}

// mllp.limits onto the listener. The config loader fills every field; a
// config built in code may leave them zero, which keeps the listener's
// defaults (and the older max_connections / idle_timeout_seconds).
absl::Status ApplyLimits(const v1::ConnectionLimitsConfig& limits,
                         hl7v2::MllpListenerOptions& options) {
  if (limits.max_connections() > 0) {
    options.max_connections = limits.max_connections();
  }
  options.max_connections_per_peer =
      limits.max_connections_per_peer() > 0
          ? limits.max_connections_per_peer()
          : std::min(options.max_connections_per_peer, options.max_connections);
  if (limits.handshake_timeout_ms() > 0) {
    options.handshake_timeout =
        absl::Milliseconds(limits.handshake_timeout_ms());
  }
  if (limits.request_deadline_ms() > 0) {
    options.frame_deadline = absl::Milliseconds(limits.request_deadline_ms());
  }
  if (limits.idle_timeout_ms() > 0) {
    options.idle_timeout = absl::Milliseconds(limits.idle_timeout_ms());
  }
  options.proxy_protocol = limits.proxy_protocol();
  ASSIGN_OR_RETURN(
      options.trusted_proxies,
      net::IpAllowList::Parse({limits.trusted_proxy_networks().begin(),
                               limits.trusted_proxy_networks().end()}));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::shared_ptr<hl7v2::MllpTlsContext>> Hl7Inbound::ClientTls(
    const v1::TlsConfig& tls) {
  return hl7v2::MllpTlsContext::ForClient(TlsOptions(tls));
}

absl::StatusOr<std::unique_ptr<Hl7Inbound>> Hl7Inbound::Start(
    const v1::MllpListenerConfig& config,
    const google::protobuf::RepeatedPtrField<v1::OrganisationConfig>&
        organisations,
    pathway::ReferralUseCases& referrals, const Clock& clock,
    std::function<
        std::function<void(const std::string& ack)>(const std::string& message)>
        observe) {
  auto inbound = std::unique_ptr<Hl7Inbound>(new Hl7Inbound());
  const v1::MllpListenerConfig with_trusts =
      WithTrustsFromRegistry(config, organisations);
  inbound->edge_ =
      std::make_unique<api::Hl7ReferralEdge>(referrals, with_trusts, clock);
  hl7v2::MllpListenerOptions options;
  options.address = config.address();
  options.max_frame_bytes = static_cast<size_t>(config.max_frame_bytes());
  if (config.idle_timeout_seconds() > 0) {
    options.idle_timeout = absl::Seconds(config.idle_timeout_seconds());
  }
  if (config.max_connections() > 0) {
    options.max_connections = config.max_connections();
  }
  ASSIGN_OR_RETURN(options.allowed_peers,
                   net::IpAllowList::Parse({config.allowed_networks().begin(),
                                            config.allowed_networks().end()}));
  RETURN_IF_ERROR(ApplyLimits(config.limits(), options));
  options.log_warning = [](const std::string& line) {
    LogWarning("mllp", line);
  };
  const bool tls = config.has_tls();
  if (tls) {
    ASSIGN_OR_RETURN(options.tls, hl7v2::MllpTlsContext::ForListener(
                                      TlsOptions(config.tls())));
  } else {
    LogWarning(
        "mllp",
        "PLAINTEXT MLLP without TLS (mllp.allow_plaintext is true): "
        "senders are NOT authenticated and patient data crosses the network "
        "unencrypted. Development only; configure mllp.tls in production.");
  }
  api::Hl7ReferralEdge* edge = inbound->edge_.get();
  ASSIGN_OR_RETURN(
      inbound->listener_,
      hl7v2::MllpListener::Start(
          std::move(options),
          [edge, tls, observe = std::move(observe)](
              const std::string& payload, const hl7v2::MllpPeer& peer,
              std::function<void(std::string)> reply) {
            if (observe) {
              // The ACK is seen on its way out.
              reply = [on_ack = observe(payload),
                       reply = std::move(reply)](std::string ack) {
                if (on_ack) on_ack(ack);
                reply(std::move(ack));
              };
            }
            edge->Handle(payload,
                         tls ? &PrincipalOf(peer.certificate_pem) : nullptr,
                         std::move(reply));
          }));
  if (with_trusts.trusts().empty()) {
    LogWarning("mllp",
               "no organisation has an mllp route; accepting HL7 from any "
               "sender");
  }
  LogInfo("hl7", absl::StrCat("MLLP", tls ? " over mutual TLS" : "",
                              " listening on ", config.address(), " (port ",
                              inbound->listener_->port(), ")"));
  return inbound;
}

}  // namespace nhs::tobacco::server
