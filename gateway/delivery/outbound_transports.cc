#include "gateway/delivery/outbound_transports.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gateway/common/status_macros.h"
#include "gateway/delivery/outbound_renderer.h"
#include "gateway/delivery/send_result.h"

namespace nhs::tobacco::delivery {

absl::StatusOr<std::unique_ptr<OutboundTransports>>
OutboundTransports::FromConfig(const v1::GatewayConfig& config) {
  auto t = std::unique_ptr<OutboundTransports>(new OutboundTransports());
  const v1::DeliveryConfig& d = config.delivery();
  t->mllp_timeout_ = absl::Milliseconds(d.mllp_ack_timeout_ms());
  // The organisation registry is the only list of destinations (the
  // deprecated mllp.trusts and fhir.endpoints were migrated into it). A
  // channel's routes are used only when its block (mllp, fhir) is present.
  for (const v1::OrganisationConfig& o : config.organisations()) {
    if (!config.has_mllp() || o.mllp().outbound_address().empty()) continue;
    const v1::MllpRouteConfig& trust = o.mllp();
    MllpRoute route;
    route.options.address = trust.outbound_address();
    route.options.io_timeout = t->mllp_timeout_;
    route.options.connect_timeout =
        std::min(absl::Seconds(5), t->mllp_timeout_);
    // A pooled connection the trust closed while idle fails at once;
    // the client's second try reconnects (safe: MSH-10 deduplicates).
    route.options.attempts = 2;
    if (trust.has_outbound_tls()) {
      hl7v2::MllpTlsOptions tls;
      tls.cert_file = trust.outbound_tls().cert_file();
      tls.key_file = trust.outbound_tls().key_file();
      tls.ca_file = trust.outbound_tls().client_ca_file();
      tls.crl_directory = trust.outbound_tls().crl_directory();
      ASSIGN_OR_RETURN(route.options.tls,
                       hl7v2::MllpTlsContext::ForClient(tls));
    }
    t->receiving_applications_[o.ods_code()] = trust.receiving_application();
    absl::MutexLock lock(&t->mu_);
    t->mllp_.emplace(o.ods_code(), std::move(route));
    t->routes_.Add(o.ods_code(), v1::DELIVERY_CHANNEL_HL7V2_MLLP);
  }
  if (config.has_fhir()) {
    const v1::FhirListenerConfig& f = config.fhir();
    for (const v1::OrganisationConfig& o : config.organisations()) {
      if (o.fhir().url().empty()) continue;
      t->fhir_urls_[o.ods_code()] = o.fhir().url();
      t->routes_.Add(o.ods_code(), v1::DELIVERY_CHANNEL_FHIR_HTTPS);
    }
    t->fhir_source_ = f.public_endpoint();
    t->https_options_.connect_timeout =
        absl::Milliseconds(f.connect_timeout_ms());
    t->https_options_.io_timeout = absl::Milliseconds(f.request_timeout_ms());
    t->https_options_.ca_cert_path = f.ca_cert_path();
    t->https_options_.client_cert_path = f.client_cert_path();
    t->https_options_.client_key_path = f.client_key_path();
  }
  for (const v1::OrganisationConfig& o : config.organisations()) {
    if (!o.name().empty()) t->names_[o.ods_code()] = o.name();
  }
  if (config.has_mesh()) {
    ASSIGN_OR_RETURN(t->mesh_, MeshTransport::FromConfig(config));
    for (const v1::OrganisationConfig& o : config.organisations()) {
      if (o.has_mesh()) t->routes_.Add(o.ods_code(), v1::DELIVERY_CHANNEL_MESH);
    }
  }
  return t;
}

std::string OutboundTransports::FhirEndpointOf(
    absl::string_view ods_code) const {
  auto it = fhir_urls_.find(ods_code);
  return it == fhir_urls_.end() ? "" : it->second;
}

std::string OutboundTransports::ReceivingApplicationOf(
    absl::string_view ods_code) const {
  auto it = receiving_applications_.find(ods_code);
  return it == receiving_applications_.end() ? "" : it->second;
}

std::string OutboundTransports::OrganisationNameOf(
    absl::string_view ods_code) const {
  auto it = names_.find(ods_code);
  return it == names_.end() ? "" : it->second;
}

absl::Duration OutboundTransports::send_timeout() const {
  // connect + the exchange, whichever channel is slower; the MLLP client
  // may try twice (a pooled connection gone stale).
  return std::max(
      {https_options_.connect_timeout + https_options_.io_timeout,
       2 * (std::min(absl::Seconds(5), mllp_timeout_) + mllp_timeout_),
       mesh_ != nullptr ? mesh_->send_timeout() : absl::ZeroDuration()});
}

domain::SendResult OutboundTransports::Send(const v1::OutboundMessage& message,
                                            absl::string_view payload) {
  if (message.channel() == v1::DELIVERY_CHANNEL_HL7V2_MLLP) {
    return SendMllp(message, payload);
  }
  if (message.channel() == v1::DELIVERY_CHANNEL_MESH) {
    if (mesh_ == nullptr) {
      // The mesh block was removed from the config after the message
      // queued.
      return domain::SendResult{
          domain::SendOutcome::kTransient, false,
          "MESH is not configured (no mesh block in the config)"};
    }
    return mesh_->Send(message, payload);
  }
  return SendFhir(message, payload);
}

domain::SendResult OutboundTransports::SendMllp(
    const v1::OutboundMessage& message, absl::string_view payload) {
  std::unique_ptr<hl7v2::MllpClient> client;
  {
    absl::MutexLock lock(&mu_);
    auto it = mllp_.find(message.destination_ods());
    if (it == mllp_.end()) {
      // The route was removed from the config after the message queued.
      return domain::SendResult{
          domain::SendOutcome::kTransient, false,
          absl::StrCat("no MLLP outbound_address is configured for ",
                       message.destination_ods())};
    }
    if (!it->second.idle.empty()) {
      client = std::move(it->second.idle.back());
      it->second.idle.pop_back();
    } else {
      client = std::make_unique<hl7v2::MllpClient>(it->second.options);
    }
  }
  domain::SendResult result = FromMllpExchange(
      client->Send(payload), Hl7ControlId(message.message_id()));
  if (client->connected()) {
    absl::MutexLock lock(&mu_);
    auto it = mllp_.find(message.destination_ods());
    if (it != mllp_.end()) it->second.idle.push_back(std::move(client));
  }
  return result;
}

domain::SendResult OutboundTransports::SendFhir(
    const v1::OutboundMessage& message, absl::string_view payload) {
  const std::string url = FhirEndpointOf(message.destination_ods());
  if (url.empty()) {
    return domain::SendResult{
        domain::SendOutcome::kTransient, false,
        absl::StrCat("no FHIR endpoint is configured for ",
                     message.destination_ods())};
  }
  return FromHttpExchange(fhir::PostMessage(url, payload, https_options_));
}

}  // namespace nhs::tobacco::delivery
