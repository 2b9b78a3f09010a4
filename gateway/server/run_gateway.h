#ifndef GATEWAY_SERVER_RUN_GATEWAY_H_
#define GATEWAY_SERVER_RUN_GATEWAY_H_

#include <string>

#include "absl/status/status.h"
#include "nhs/tobacco/v1/config.pb.h"

namespace nhs::tobacco::server {

// Starts the gateway and serves until SIGTERM or SIGINT, then drains
// in-flight calls and queued writes before returning. On SIGHUP it reloads
// every TLS listener's files, re-reads `config_path` and applies what may
// change at run time (the log level); a file that no longer loads is
// reported and the running settings kept.
// Call from main() before any other thread starts (it blocks those signals
// process-wide).
absl::Status RunGateway(const v1::GatewayConfig& config,
                        const std::string& config_path);

}  // namespace nhs::tobacco::server

#endif  // GATEWAY_SERVER_RUN_GATEWAY_H_
