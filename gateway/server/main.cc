// tobacco-gateway: the interoperability gateway's server binary.
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/time/time.h"
#include "gateway/server/config_loader.h"
#include "gateway/server/run_gateway.h"
#include "gateway/server/tls_credentials.h"

ABSL_FLAG(std::string, config, "",
          "Path of the gateway config (textproto or .json)");
ABSL_FLAG(absl::Duration, drain_delay, absl::Seconds(5),
          "On SIGTERM, how long the gateway reports not ready (readyz 503, "
          "gRPC health NOT_SERVING) while still serving, before it closes "
          "its listeners (0s in tests)");

int main(int argc, char** argv) {
  // Before gRPC reads its cipher suites (see tls_credentials.h).
  nhs::tobacco::server::ApplyTlsPolicyToGrpc();
  absl::SetProgramUsageMessage(
      "Runs the tobacco dependency interoperability gateway.\n"
      "  tobacco-gateway --config deploy/config/gateway.textproto");
  absl::ParseCommandLine(argc, argv);
  const std::string path = absl::GetFlag(FLAGS_config);
  if (path.empty()) {
    std::cerr << "tobacco-gateway: --config FILE is required\n";
    return 2;
  }
  auto config = nhs::tobacco::server::LoadConfig(path);
  if (!config.ok()) {
    std::cerr << "tobacco-gateway: " << config.status().message() << "\n";
    return 2;
  }
  absl::Status done = nhs::tobacco::server::RunGateway(
      *config, absl::GetFlag(FLAGS_drain_delay));
  if (!done.ok()) {
    std::cerr << "tobacco-gateway: " << done.message() << "\n";
    return 1;
  }
  return 0;
}
