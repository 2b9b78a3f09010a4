#ifndef GATEWAY_SERVER_BACKUP_COMMAND_H_
#define GATEWAY_SERVER_BACKUP_COMMAND_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "nhs/tobacco/v1/config.pb.h"

namespace nhs::tobacco::server {

// `tobacco-gateway backup`: copies the database `config` names to `to`
// while the gateway may be running (store/sqlite/sqlite_backup.h). `to` is
// a file, or an existing folder to get gateway-<UTC time>.db in it (so a
// timer needs no shell to name files). Prints one line of figures to `out`
// (path, size, pages, audit head, duration); never a row.
absl::Status RunBackup(const v1::GatewayConfig& config, const std::string& to,
                       bool overwrite, std::ostream& out,
                       absl::Time now = absl::Now());

// `tobacco-gateway restore`: puts the backup `from` in place as the
// database `config` names, with the gateway stopped
// (store/sqlite/sqlite_restore.h). Prints what it did and what to run next.
absl::Status RunRestore(const v1::GatewayConfig& config,
                        const std::string& from, bool overwrite,
                        std::ostream& out);

}  // namespace nhs::tobacco::server

#endif  // GATEWAY_SERVER_BACKUP_COMMAND_H_
