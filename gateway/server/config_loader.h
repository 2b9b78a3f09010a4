#ifndef GATEWAY_SERVER_CONFIG_LOADER_H_
#define GATEWAY_SERVER_CONFIG_LOADER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nhs/tobacco/v1/config.pb.h"

namespace nhs::tobacco::server {

// Reads the gateway config file: textproto, or proto JSON when the name ends
// in ".json". Relative store.data_dir is resolved against the file's folder.
// Defaults are applied, then everything is checked; every problem is
// reported with its field path in one INVALID_ARGUMENT.
absl::StatusOr<v1::GatewayConfig> LoadConfig(const std::string& path);

// The same, for config text already in memory (`base_dir` resolves relative
// paths).
absl::StatusOr<v1::GatewayConfig> ParseConfig(absl::string_view text, bool json,
                                              const std::string& base_dir);

}  // namespace nhs::tobacco::server

#endif  // GATEWAY_SERVER_CONFIG_LOADER_H_
