#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "gateway/common/secret.h"
#include "gateway/store/postgres/pg_store.h"
#include "gateway/store/sqlite/sqlite_store.h"
#include "gateway/store/store.h"

namespace nhs::tobacco::store {

std::string SqliteDatabasePath(const v1::StoreConfig& config) {
  namespace fs = std::filesystem;
  fs::path path = config.sqlite().path().empty()
                      ? fs::path("gateway.db")
                      : fs::path(config.sqlite().path());
  if (path.is_relative()) path = fs::path(config.data_dir()) / path;
  return path.string();
}

namespace {

absl::StatusOr<std::unique_ptr<Store>> OpenPostgresStore(
    const v1::StoreConfig& config) {
  const v1::PostgresConfig& pg = config.postgres();
  PgStoreOptions options;
  options.connect.conninfo = pg.conninfo();
  if (!pg.password_file().empty() || !pg.password_env().empty()) {
    absl::StatusOr<std::string> password =
        ReadSecret({.file_field = "store.postgres.password_file",
                    .env_field = "store.postgres.password_env",
                    .file = pg.password_file(),
                    .env = pg.password_env()});
    if (!password.ok()) return password.status();
    options.connect.password = *std::move(password);
  }
  if (pg.connect_timeout_seconds() > 0) {
    options.connect.connect_timeout =
        absl::Seconds(pg.connect_timeout_seconds());
  }
  if (pg.reader_connections() > 0) {
    options.reader_connections = pg.reader_connections();
  }
  if (config.max_batch_size() > 0) {
    options.max_batch_size = config.max_batch_size();
  }
  absl::StatusOr<std::unique_ptr<PgStore>> store = PgStore::Open(options);
  if (!store.ok()) return store.status();
  return std::unique_ptr<Store>(std::move(*store));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenStore(
    const v1::StoreConfig& config) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(config.data_dir(), ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat("cannot create data directory ",
                                               config.data_dir(), ": ",
                                               ec.message()));
  }
  if (!config.postgres().conninfo().empty()) return OpenPostgresStore(config);
  SqliteStoreOptions options;
  options.path = SqliteDatabasePath(config);
  if (config.sqlite().reader_connections() > 0) {
    options.reader_connections = config.sqlite().reader_connections();
  }
  if (config.max_batch_size() > 0) {
    options.max_batch_size = config.max_batch_size();
  }
  if (config.busy_timeout_ms() > 0) {
    options.busy_timeout = absl::Milliseconds(config.busy_timeout_ms());
  }
  options.max_database_bytes = int64_t{config.max_database_mb()} << 20;
  absl::StatusOr<std::unique_ptr<SqliteStore>> store =
      SqliteStore::Open(options);
  if (!store.ok()) return store.status();
  return std::unique_ptr<Store>(std::move(*store));
}

}  // namespace nhs::tobacco::store
