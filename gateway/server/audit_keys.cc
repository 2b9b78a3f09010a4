#include "gateway/server/audit_keys.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gateway/common/log.h"
#include "gateway/common/secret.h"
#include "gateway/common/status_macros.h"

namespace nhs::tobacco::server {
namespace {

constexpr char kDevelopmentKeyFile[] = "audit-dev.key";
constexpr char kWhatTheKeyIs[] =
    " (the audit chain's HMAC key; README \"Audit chain\")";

absl::Status KeyError(absl::string_view field, absl::string_view what) {
  return absl::FailedPreconditionError(
      absl::StrCat(field, ": ", what, kWhatTheKeyIs));
}

// One key from its file or variable.
absl::StatusOr<security::AuditKey> LoadKey(const std::string& field,
                                           const std::string& key_id,
                                           const std::string& key_file,
                                           const std::string& key_env) {
  if (!security::ValidAuditKeyId(key_id)) {
    return KeyError(absl::StrCat(field, ".key_id"),
                    "must be 1-32 of A-Z a-z 0-9 . _ -");
  }
  if (key_file.empty() && key_env.empty()) {
    return KeyError(field,
                    "key_file or key_env is required; for development only, "
                    "set audit.development_key: true");
  }
  absl::StatusOr<std::string> secret =
      ReadSecret({.file_field = absl::StrCat(field, ".key_file"),
                  .env_field = absl::StrCat(field, ".key_env"),
                  .file = key_file,
                  .env = key_env});
  if (!secret.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(secret.status().message(), kWhatTheKeyIs));
  }
  if (secret->size() < security::kMinAuditKeyBytes) {
    return KeyError(
        field, absl::StrCat("the key of ", key_id, " has ", secret->size(),
                            " bytes; at least ", security::kMinAuditKeyBytes,
                            " are needed (openssl rand -hex 32)"));
  }
  return security::AuditKey{key_id, *std::move(secret)};
}

// Makes data_dir/audit-dev.key once (hex of 32 random bytes, mode 0600).
absl::StatusOr<std::string> DevelopmentKeyFile(const std::string& data_dir) {
  const std::string path =
      (std::filesystem::path(data_dir) / kDevelopmentKeyFile).string();
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return path;
    return KeyError(
        "audit.development_key",
        absl::StrCat("cannot create ", path, ": ", std::strerror(errno)));
  }
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    close(fd);
    unlink(path.c_str());
    return KeyError("audit.development_key", "no random bytes for a key");
  }
  const std::string hex =
      absl::StrCat(absl::BytesToHexString(absl::string_view(
                       reinterpret_cast<const char*>(bytes), sizeof(bytes))),
                   "\n");
  const bool written =
      write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size()) &&
      fsync(fd) == 0;
  close(fd);
  if (!written) {
    unlink(path.c_str());
    return KeyError("audit.development_key",
                    absl::StrCat("cannot write ", path));
  }
  LogInfo("audit", absl::StrCat("made a development key in ", path));
  return path;
}

}  // namespace

std::string CurrentAuditKeyId(const v1::AuditConfig& audit) {
  if (!audit.key_id().empty()) return audit.key_id();
  return audit.development_key() ? "dev" : "k1";
}

std::string AuditCheckpointPath(const v1::AuditConfig& audit,
                                const std::string& data_dir) {
  if (!audit.checkpoint_file().empty()) return audit.checkpoint_file();
  return (std::filesystem::path(data_dir) / "audit-checkpoints.log").string();
}

absl::StatusOr<security::AuditKeyRing> LoadAuditKeys(
    const v1::AuditConfig& audit, const std::string& data_dir) {
  // RFC 4231 test case 2: refuse to start rather than seal rows with a MAC
  // OpenSSL does not compute.
  if (security::HmacSha256Hex("Jefe", "what do ya want for nothing?") !=
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843") {
    return absl::FailedPreconditionError(
        "audit: OpenSSL does not compute HMAC-SHA256 correctly");
  }
  std::string key_file = audit.key_file();
  if (audit.development_key() && key_file.empty() && audit.key_env().empty()) {
    ASSIGN_OR_RETURN(key_file, DevelopmentKeyFile(data_dir));
    LogWarning(
        "audit",
        absl::StrCat(
            "DEVELOPMENT KEY in ", key_file,
            ", beside the database it protects: whoever can write the database "
            "can read it. Configure audit.key_file or audit.key_env outside "
            "the "
            "data folder in production"));
  }
  ASSIGN_OR_RETURN(
      security::AuditKey current,
      LoadKey("audit", CurrentAuditKeyId(audit), key_file, audit.key_env()));
  std::vector<security::AuditKey> retired;
  for (int i = 0; i < audit.retired_keys_size(); ++i) {
    const v1::AuditKeyConfig& k = audit.retired_keys(i);
    const std::string field = absl::StrCat("audit.retired_keys[", i, "]");
    ASSIGN_OR_RETURN(security::AuditKey key,
                     LoadKey(field, k.key_id(), k.key_file(), k.key_env()));
    if (key.id == current.id) {
      return KeyError(
          field, absl::StrCat("key id ", key.id, " is the current key's id"));
    }
    for (const security::AuditKey& earlier : retired) {
      if (earlier.id == key.id) {
        return KeyError(field, absl::StrCat("key id ", key.id, " twice"));
      }
    }
    retired.push_back(std::move(key));
  }
  return security::AuditKeyRing(std::move(current), std::move(retired));
}

}  // namespace nhs::tobacco::server
