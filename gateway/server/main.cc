// tobacco-gateway: the interoperability gateway's server binary.
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gateway/common/build_info.h"
#include "gateway/common/log.h"
#include "gateway/server/backup_command.h"
#include "gateway/server/config_loader.h"
#include "gateway/server/logging_config.h"
#include "gateway/server/run_gateway.h"
#include "gateway/server/tls_credentials.h"

ABSL_FLAG(std::string, config, "",
          "Path of the gateway config (textproto or .json)");
ABSL_FLAG(absl::Duration, drain_delay, absl::Seconds(5),
          "On SIGTERM, how long the gateway reports not ready (readyz 503, "
          "gRPC health NOT_SERVING) while still serving, before it closes "
          "its listeners (0s in tests)");
ABSL_FLAG(std::string, to, "",
          "backup: file to write, or an existing folder to write "
          "gateway-<UTC time>.db in");
ABSL_FLAG(std::string, from, "", "restore: the backup file to restore");
ABSL_FLAG(bool, overwrite, false,
          "backup/restore: replace an existing file at the target");

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
      "  tobacco-gateway --config deploy/config/gateway.textproto\n"
      "Online backup (while the gateway runs) and restore (while it is "
      "stopped):\n"
      "  tobacco-gateway backup --config FILE --to FILE|FOLDER [--overwrite]\n"
      "  tobacco-gateway restore --config FILE --from BACKUP [--overwrite]");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  const std::string command = args.size() > 1 ? args[1] : "";
  if (args.size() > 2 ||
      (!command.empty() && command != "backup" && command != "restore")) {
    std::cerr << "tobacco-gateway: unknown command " << args.back()
              << " (commands: backup, restore; none runs the gateway)\n";
    return 2;
  }
  const std::string path = absl::GetFlag(FLAGS_config);
  if (path.empty()) {
    std::cerr << "tobacco-gateway: --config FILE is required\n";
    return 2;
  }
  // Deprecation warnings wait until the log's format is known, so a SIEM
  // reading JSON gets JSON from the first line.
  std::vector<std::string> warnings;
  auto config = nhs::tobacco::server::LoadConfig(path, &warnings);
  if (!config.ok()) {
    std::cerr << "tobacco-gateway: " << config.status().message() << "\n";
    return 2;
  }
  nhs::tobacco::server::ApplyLoggingConfig(config->logging());
  for (const std::string& warning : warnings) {
    nhs::tobacco::LogWarning("config", warning);
  }
  absl::Status done;
  if (command == "backup") {
    done = nhs::tobacco::server::RunBackup(*config, absl::GetFlag(FLAGS_to),
                                           absl::GetFlag(FLAGS_overwrite),
                                           std::cout);
  } else if (command == "restore") {
    done = nhs::tobacco::server::RunRestore(*config, absl::GetFlag(FLAGS_from),
                                            absl::GetFlag(FLAGS_overwrite),
                                            std::cout);
  } else {
    done = nhs::tobacco::server::RunGateway(*config, path,
                                            absl::GetFlag(FLAGS_drain_delay));
  }
  if (!done.ok()) {
    std::cerr << "tobacco-gateway: " << command << (command.empty() ? "" : ": ")
              << done.message() << "\n";
    // backup/restore: a wrong flag (INVALID_ARGUMENT) is a usage error, as a
    // bad config is; everything else is the work failing.
    return !command.empty() && absl::IsInvalidArgument(done) ? 2 : 1;
  }
  return 0;
}
