#include "gateway/server/hl7_inbound.h"

#include "absl/strings/str_cat.h"
#include "gateway/common/log.h"
#include "gateway/common/status_macros.h"

namespace nhs::tobacco::server {

absl::StatusOr<std::unique_ptr<Hl7Inbound>> Hl7Inbound::Start(
    const v1::MllpListenerConfig& config, pathway::Pathway& pathway,
    const Clock& clock) {
  auto inbound = std::unique_ptr<Hl7Inbound>(new Hl7Inbound());
  inbound->edge_ =
      std::make_unique<api::Hl7ReferralEdge>(pathway, config, clock);
  hl7v2::MllpListenerOptions options;
  options.address = config.address();
  options.max_frame_bytes = static_cast<size_t>(config.max_frame_bytes());
  options.idle_timeout = absl::Seconds(config.idle_timeout_seconds());
  options.max_connections = config.max_connections();
  options.log_warning = [](const std::string& line) {
    LogWarning(absl::StrCat("mllp: ", line));
  };
  api::Hl7ReferralEdge* edge = inbound->edge_.get();
  ASSIGN_OR_RETURN(
      inbound->listener_,
      hl7v2::MllpListener::Start(
          std::move(options), [edge](const std::string& payload,
                                     std::function<void(std::string)> reply) {
            edge->Handle(payload, std::move(reply));
          }));
  if (config.trusts().empty()) {
    LogWarning("mllp: no trusts configured; accepting HL7 from any sender");
  }
  LogInfo(absl::StrCat("MLLP listening on ", config.address(), " (port ",
                       inbound->listener_->port(), ")"));
  return inbound;
}

}  // namespace nhs::tobacco::server
