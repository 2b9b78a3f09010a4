#ifndef GATEWAY_SERVER_CONFIG_LOADER_H_
#define GATEWAY_SERVER_CONFIG_LOADER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nhs/tobacco/v1/config.pb.h"

namespace nhs::tobacco::server {

// Reads the gateway config file: textproto, or proto JSON when the name ends
// in ".json". Relative paths (store.data_dir, TLS files) are resolved
// against the file's folder. Deprecated keys are converted into their
// replacements (config_migration.h; each logs one warning), defaults are
// applied, then every section is checked (config_validation.h); every
// problem is reported with its field path in one INVALID_ARGUMENT.
// Deprecation warnings go to `warnings` when given, else to the log.
absl::StatusOr<v1::GatewayConfig> LoadConfig(
    const std::string& path, std::vector<std::string>* warnings = nullptr);

// The same, for config text already in memory (`base_dir` resolves relative
// paths). Deprecation warnings go to `warnings` when given, else to the log.
absl::StatusOr<v1::GatewayConfig> ParseConfig(
    absl::string_view text, bool json, const std::string& base_dir,
    std::vector<std::string>* warnings = nullptr);

}  // namespace nhs::tobacco::server

#endif  // GATEWAY_SERVER_CONFIG_LOADER_H_
