#include "gateway/server/backup_command.h"

#include <filesystem>
#include <memory>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "gateway/common/status_macros.h"
#include "gateway/server/audit_keys.h"
#include "gateway/server/restored_audit_check.h"
#include "gateway/store/sqlite/instance_lock.h"
#include "gateway/store/sqlite/sqlite_backup.h"
#include "gateway/store/sqlite/sqlite_restore.h"
#include "gateway/store/store.h"

namespace nhs::tobacco::server {
namespace {

namespace fs = std::filesystem;

// An ALREADY_EXISTS from the store names the file; the flag is ours to name.
absl::Status WithOverwriteHint(absl::Status status) {
  if (!absl::IsAlreadyExists(status)) return status;
  return absl::AlreadyExistsError(
      absl::StrCat(status.message(), " (--overwrite replaces it)"));
}

std::string Figures(const store::SqliteCopyReport& report) {
  return absl::StrFormat(
      "%s: %.1f MiB (%d bytes), %d pages of %d bytes, audit head row %d, "
      "integrity ok, %.2f s",
      report.path, static_cast<double>(report.bytes) / (1 << 20), report.bytes,
      report.pages, report.page_size, report.audit_head,
      absl::ToDoubleSeconds(report.duration));
}

// The config a staged copy of the backup is checked under: the store in
// `staging`, the keys and checkpoint file of the real data folder.
v1::GatewayConfig StagingConfig(const v1::GatewayConfig& config,
                                const fs::path& staging) {
  v1::GatewayConfig staged = config;
  const std::string& data_dir = config.store().data_dir();
  staged.mutable_store()->set_data_dir(staging.string());
  staged.mutable_store()->mutable_sqlite()->clear_path();
  staged.mutable_store()->set_max_database_mb(0);
  v1::AuditConfig& audit = *staged.mutable_audit();
  audit.set_checkpoint_file(AuditCheckpointPath(config.audit(), data_dir));
  if (audit.development_key()) {
    // The development key lives in the data folder and must be the one
    // that sealed the backup's rows: never make a new one here.
    audit.set_key_id(CurrentAuditKeyId(config.audit()));
    audit.set_key_file((fs::path(data_dir) / "audit-dev.key").string());
    audit.set_development_key(false);
  }
  return staged;
}

}  // namespace

absl::Status RunBackup(const v1::GatewayConfig& config, const std::string& to,
                       bool overwrite, std::ostream& out, absl::Time now) {
  if (to.empty()) {
    return absl::InvalidArgumentError("--to FILE or FOLDER is required");
  }
  std::string target = to;
  std::error_code ec;
  if (fs::is_directory(to, ec)) {
    // UTC and sortable, so `ls` lists backups oldest first.
    target =
        (fs::path(to) / absl::StrCat("gateway-",
                                     absl::FormatTime("%Y%m%dT%H%M%SZ", now,
                                                      absl::UTCTimeZone()),
                                     ".db"))
            .string();
  }
  store::SqliteCopyOptions options;
  options.overwrite = overwrite;
  absl::StatusOr<store::SqliteCopyReport> report = store::CopySqliteDatabase(
      store::SqliteDatabasePath(config.store()), target, options);
  if (!report.ok()) return WithOverwriteHint(report.status());
  out << "backup written to " << Figures(*report) << "\n";
  return absl::OkStatus();
}

absl::Status RunRestore(const v1::GatewayConfig& config,
                        const std::string& from, bool overwrite,
                        std::ostream& out) {
  if (from.empty()) {
    return absl::InvalidArgumentError("--from BACKUP is required");
  }
  const std::string database = store::SqliteDatabasePath(config.store());
  std::error_code ec;
  if (fs::exists(database, ec) && !overwrite) {
    return absl::AlreadyExistsError(
        absl::StrCat(database, " already exists (--overwrite replaces it)"));
  }
  const fs::path data_dir = fs::path(database).parent_path();
  fs::create_directories(data_dir, ec);
  {
    // Fail fast while a gateway runs; RestoreSqliteDatabase takes the lock
    // again for the swap itself.
    ASSIGN_OR_RETURN(std::unique_ptr<store::InstanceLock> probe,
                     store::InstanceLock::Acquire(database));
  }
  // Check a staged copy (integrity, then the whole audit chain under the
  // configured keys) before the database is touched: a bad backup, or one
  // sealed with a key this config does not hold, is refused with the
  // database left as it was.
  const fs::path staging = data_dir / ".restore-staging";
  fs::remove_all(staging, ec);
  fs::create_directories(staging, ec);
  struct Cleanup {
    fs::path path;
    ~Cleanup() {
      std::error_code ignored;
      fs::remove_all(path, ignored);
    }
  } cleanup{staging};
  RETURN_IF_ERROR(
      store::CopySqliteDatabase(from, (staging / "gateway.db").string())
          .status());
  ASSIGN_OR_RETURN(RestoredAuditChain chain,
                   CheckRestoredAuditChain(StagingConfig(config, staging)));
  absl::StatusOr<store::SqliteCopyReport> report = store::RestoreSqliteDatabase(
      (staging / "gateway.db").string(), database, overwrite);
  if (!report.ok()) return WithOverwriteHint(report.status());
  out << "restored " << from << " as " << Figures(*report) << "\n"
      << "audit chain intact: " << chain.rows_checked << " rows, head row "
      << chain.head_sequence << "\n";
  if (chain.newest_checkpoint > chain.head_sequence) {
    out << "the checkpoint file names row " << chain.newest_checkpoint
        << ": rows " << chain.head_sequence + 1 << " to "
        << chain.newest_checkpoint
        << " were written after this backup and are not in it. Move "
        << AuditCheckpointPath(config.audit(), config.store().data_dir())
        << " aside (keep it: it records what the restore lost) before "
           "starting the gateway\n";
  }
  out << "next: start the gateway and run `tobaccoctl audit verify`\n";
  return absl::OkStatus();
}

}  // namespace nhs::tobacco::server
