#ifndef GATEWAY_SERVER_RUN_GATEWAY_H_
#define GATEWAY_SERVER_RUN_GATEWAY_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "nhs/tobacco/v1/config.pb.h"

namespace nhs::tobacco::server {

// Starts the gateway and serves until SIGTERM or SIGINT. Then it drains:
// /readyz turns 503 and gRPC health NOT_SERVING at once while every
// listener still serves, for `drain_delay` (long enough for a load
// balancer's probe to notice: a few seconds; 0 in tests), and only then
// closes the listeners, letting in-flight calls and queued writes finish
// before returning. On SIGHUP it reloads every TLS listener's files,
// re-reads `config_path` and applies what may change at run time (the log
// level); a file that no longer loads is reported and the running settings
// kept. Call from main() before any other thread starts (it blocks those
// signals process-wide).
absl::Status RunGateway(const v1::GatewayConfig& config,
                        const std::string& config_path,
                        absl::Duration drain_delay = absl::Seconds(5));

}  // namespace nhs::tobacco::server

#endif  // GATEWAY_SERVER_RUN_GATEWAY_H_
