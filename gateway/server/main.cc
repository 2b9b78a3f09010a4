// tobacco-gateway: the interoperability gateway's server binary.
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/str_cat.h"
#include "gateway/common/build_info.h"
#include "gateway/server/config_loader.h"
#include "gateway/server/run_gateway.h"
#include "gateway/server/tls_credentials.h"

ABSL_FLAG(std::string, config, "",
          "Path of the gateway config (textproto or .json)");

int main(int argc, char** argv) {
  // Before gRPC reads its cipher suites (see tls_credentials.h).
  nhs::tobacco::server::ApplyTlsPolicyToGrpc();
  // Abseil's flags library answers --version with this line and exits 0.
  absl::FlagsUsageConfig usage_config;
  usage_config.version_string = [] {
    return absl::StrCat(nhs::tobacco::VersionLine("tobacco-gateway"), "\n");
  };
  absl::SetFlagsUsageConfig(usage_config);
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
  absl::Status done = nhs::tobacco::server::RunGateway(*config);
  if (!done.ok()) {
    std::cerr << "tobacco-gateway: " << done.message() << "\n";
    return 1;
  }
  return 0;
}
