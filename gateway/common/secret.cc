#include "gateway/common/secret.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace nhs::tobacco {
namespace {

absl::Status SecretError(absl::string_view field, absl::string_view what) {
  return absl::FailedPreconditionError(absl::StrCat(field, ": ", what));
}

absl::StatusOr<std::string> ReadSecretFile(absl::string_view field,
                                           const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    return SecretError(
        field, absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  }
  if ((st.st_mode & (S_IROTH | S_IWOTH)) != 0) {
    return SecretError(field, absl::StrCat(path,
                                           " is readable or writable by other "
                                           "users; chmod 600 it"));
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in.is_open() || (!in.good() && !in.eof())) {
    return SecretError(field, absl::StrCat("cannot read ", path));
  }
  return text.str();
}

}  // namespace

absl::StatusOr<std::string> ReadSecret(const SecretSource& source) {
  if (!source.file.empty() && !source.env.empty()) {
    return SecretError(absl::StrCat(source.file_field, ", ", source.env_field),
                       "set one of the two, not both");
  }
  std::string secret;
  if (!source.file.empty()) {
    absl::StatusOr<std::string> read =
        ReadSecretFile(source.file_field, source.file);
    if (!read.ok()) return read.status();
    secret = *std::move(read);
  } else if (!source.env.empty()) {
    const char* value = std::getenv(source.env.c_str());
    if (value == nullptr || *value == '\0') {
      return SecretError(
          source.env_field,
          absl::StrCat("environment variable ", source.env, " is not set"));
    }
    secret = value;
  } else {
    return SecretError(absl::StrCat(source.file_field, ", ", source.env_field),
                       "one of the two is required");
  }
  absl::StripTrailingAsciiWhitespace(&secret);
  if (secret.empty()) {
    return SecretError(
        source.file.empty() ? source.env_field : source.file_field,
        "the secret is empty");
  }
  return secret;
}

}  // namespace nhs::tobacco
