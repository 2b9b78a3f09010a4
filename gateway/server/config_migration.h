#ifndef GATEWAY_SERVER_CONFIG_MIGRATION_H_
#define GATEWAY_SERVER_CONFIG_MIGRATION_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "nhs/tobacco/v1/config.pb.h"

namespace nhs::tobacco::server {

// Where the parts of one organisations[] entry were written, so that errors
// name what the operator wrote (an entry may come from a deprecated key).
struct OrganisationOrigin {
  std::string ods_code;  // "organisations[2].ods_code", "mllp.trusts[0]..."
  std::string mllp;      // "organisations[2].mllp" or "mllp.trusts[0]"
  std::string fhir_url;  // "organisations[2].fhir.url", "fhir.endpoints[1].url"
};

struct MigrationReport {
  // One line per deprecated key in use, for the log.
  std::vector<std::string> warnings;
  // One per config.organisations() entry, same order.
  std::vector<OrganisationOrigin> origins;
};

// Converts the deprecated keys, kept working for one release, into their
// replacements: mllp.trusts and fhir.endpoints into the organisation
// registry (config.organisations), fhir.tls_cert_path, tls_key_path,
// client_ca_file and crl_directory into fhir.tls. The old keys are left as
// they are (nothing reads them after this), which makes a second call a
// no-op. A setting given both ways with different values is INVALID_ARGUMENT
// naming both places.
absl::Status MigrateDeprecatedKeys(v1::GatewayConfig& config,
                                   MigrationReport& report);

}  // namespace nhs::tobacco::server

#endif  // GATEWAY_SERVER_CONFIG_MIGRATION_H_
