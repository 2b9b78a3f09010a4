#ifndef GATEWAY_SERVER_CONFIG_VALIDATION_H_
#define GATEWAY_SERVER_CONFIG_VALIDATION_H_

#include <vector>

#include "absl/status/status.h"
#include "gateway/server/config_migration.h"
#include "nhs/tobacco/v1/config.pb.h"

namespace nhs::tobacco::server {

// Checks a config whose defaults are applied and whose deprecated keys are
// migrated, one validator per section. OK, or one INVALID_ARGUMENT listing
// every problem by its field path; `origins` (one per organisation) name
// where each registry entry was written.
absl::Status ValidateConfig(const v1::GatewayConfig& config,
                            const std::vector<OrganisationOrigin>& origins);

}  // namespace nhs::tobacco::server

#endif  // GATEWAY_SERVER_CONFIG_VALIDATION_H_
