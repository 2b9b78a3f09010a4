#include "gateway/server/hl7_inbound.h"

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
// same for every message on a connection, and each connection has its own
// thread, so one cached entry per thread parses it once per connection.
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
  }
  return with_trusts;
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
    pathway::ReferralUseCases& referrals, const Clock& clock) {
  auto inbound = std::unique_ptr<Hl7Inbound>(new Hl7Inbound());
  const v1::MllpListenerConfig with_trusts =
      WithTrustsFromRegistry(config, organisations);
  inbound->edge_ =
      std::make_unique<api::Hl7ReferralEdge>(referrals, with_trusts, clock);
  hl7v2::MllpListenerOptions options;
  options.address = config.address();
  options.max_frame_bytes = static_cast<size_t>(config.max_frame_bytes());
  options.idle_timeout = absl::Seconds(config.idle_timeout_seconds());
  options.max_connections = config.max_connections();
  ASSIGN_OR_RETURN(options.allowed_peers,
                   net::IpAllowList::Parse({config.allowed_networks().begin(),
                                            config.allowed_networks().end()}));
  options.log_warning = [](const std::string& line) {
    LogWarning(absl::StrCat("mllp: ", line));
  };
  const bool tls = config.has_tls();
  if (tls) {
    ASSIGN_OR_RETURN(options.tls, hl7v2::MllpTlsContext::ForListener(
                                      TlsOptions(config.tls())));
  } else {
    LogWarning(
        "mllp: PLAINTEXT MLLP without TLS (mllp.allow_plaintext is true): "
        "senders are NOT authenticated and patient data crosses the network "
        "unencrypted. Development only; configure mllp.tls in production.");
  }
  api::Hl7ReferralEdge* edge = inbound->edge_.get();
  ASSIGN_OR_RETURN(
      inbound->listener_,
      hl7v2::MllpListener::Start(
          std::move(options),
          [edge, tls](const std::string& payload, const hl7v2::MllpPeer& peer,
                      std::function<void(std::string)> reply) {
            edge->Handle(payload,
                         tls ? &PrincipalOf(peer.certificate_pem) : nullptr,
                         std::move(reply));
          }));
  if (with_trusts.trusts().empty()) {
    LogWarning(
        "mllp: no organisation has an mllp route; accepting HL7 from any "
        "sender");
  }
  LogInfo(absl::StrCat("MLLP", tls ? " over mutual TLS" : "", " listening on ",
                       config.address(), " (port ", inbound->listener_->port(),
                       ")"));
  return inbound;
}

}  // namespace nhs::tobacco::server
