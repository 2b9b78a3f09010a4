#ifndef GATEWAY_COMMON_SECRET_H_
#define GATEWAY_COMMON_SECRET_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace nhs::tobacco {

// Where a secret (a database password, a MESH shared key, an API key) comes
// from: a file or an environment variable, named in the config; never the
// config itself, which is copied, diffed and pasted into tickets.
struct SecretSource {
  // Config field names, for messages, e.g. "store.postgres.password_file".
  std::string file_field;
  std::string env_field;
  std::string file;
  std::string env;
};

// The secret, trailing whitespace (a file's newline) stripped.
// FAILED_PRECONDITION naming the field when both or neither are set, the
// file cannot be read or other users may read or write it (a secret others
// can read is none: chmod 600), or the variable is unset or empty. No
// message ever contains the secret.
absl::StatusOr<std::string> ReadSecret(const SecretSource& source);

}  // namespace nhs::tobacco

#endif  // GATEWAY_COMMON_SECRET_H_
