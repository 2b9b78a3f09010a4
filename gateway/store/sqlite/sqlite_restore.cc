#include "gateway/store/sqlite/sqlite_restore.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "gateway/common/status_macros.h"
#include "gateway/store/sqlite/instance_lock.h"

namespace nhs::tobacco::store {

absl::StatusOr<SqliteCopyReport> RestoreSqliteDatabase(
    const std::string& backup, const std::string& database, bool overwrite) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_regular_file(backup, ec)) {
    return absl::NotFoundError(absl::StrCat("no backup file at ", backup));
  }
  const fs::path folder = fs::path(database).has_parent_path()
                              ? fs::path(database).parent_path()
                              : fs::path(".");
  fs::create_directories(folder, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat(
        "cannot create data directory ", folder.string(), ": ", ec.message()));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<InstanceLock> lock,
                   InstanceLock::Acquire(database));
  // Before anything beside the database changes: a corrupt backup must not
  // cost the operator the database they still have.
  RETURN_IF_ERROR(CheckSqliteIntegrity(backup));
  SqliteCopyOptions options;
  options.overwrite = overwrite;
  options.before_rename = [&database]() -> absl::Status {
    for (const char* suffix : {"-wal", "-shm", "-journal"}) {
      const std::string stale = database + suffix;
      std::error_code removed;
      fs::remove(stale, removed);
      if (removed) {
        return absl::UnavailableError(absl::StrCat(
            "cannot remove ", stale, ": ", removed.message(),
            " (remove it by hand; the restored database must not start "
            "with an old write-ahead log)"));
      }
    }
    return absl::OkStatus();
  };
  return CopySqliteDatabase(backup, database, options);
}

}  // namespace nhs::tobacco::store
