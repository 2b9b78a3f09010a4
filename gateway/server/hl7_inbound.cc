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

}  // namespace

absl::StatusOr<std::shared_ptr<hl7v2::MllpTlsContext>> Hl7Inbound::ClientTls(
    const v1::TlsConfig& tls) {
  return hl7v2::MllpTlsContext::ForClient(TlsOptions(tls));
}

absl::StatusOr<std::unique_ptr<Hl7Inbound>> Hl7Inbound::Start(
    const v1::MllpListenerConfig& config, pathway::ReferralUseCases& referrals,
    const Clock& clock) {
  auto inbound = std::unique_ptr<Hl7Inbound>(new Hl7Inbound());
  inbound->edge_ =
      std::make_unique<api::Hl7ReferralEdge>(referrals, config, clock);
  hl7v2::MllpListenerOptions options;
  options.address = config.address();
  options.max_frame_bytes = static_cast<size_t>(config.max_frame_bytes());
  options.idle_timeout = absl::Seconds(config.idle_timeout_seconds());
  options.max_connections = config.max_connections();
  ASSIGN_OR_RETURN(
      options.allowed_peers,
      hl7v2::IpAllowList::Parse({config.allowed_networks().begin(),
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
  if (config.trusts().empty()) {
    LogWarning("mllp: no trusts configured; accepting HL7 from any sender");
  }
  LogInfo(absl::StrCat("MLLP", tls ? " over mutual TLS" : "", " listening on ",
                       config.address(), " (port ", inbound->listener_->port(),
                       ")"));
  return inbound;
}

}  // namespace nhs::tobacco::server
