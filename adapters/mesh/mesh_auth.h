#ifndef ADAPTERS_MESH_MESH_AUTH_H_
#define ADAPTERS_MESH_MESH_AUTH_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace nhs::tobacco::mesh {

// The value of MESH's Authorization header for one request:
//   "NHSMESH mailbox:nonce:nonce_count:timestamp:hmac"
// where timestamp is the UTC minute as yyyyMMddHHmm and hmac is the
// lower-case hex HMAC-SHA256, keyed by the environment's shared key, of
//   "mailbox:nonce:nonce_count:password:timestamp".
// The password itself never goes on the wire, only this digest. Pure, so a
// known vector can pin it (tests/unit/adapters/mesh/mesh_auth_test.cc).
std::string MeshAuthorization(absl::string_view mailbox_id,
                              absl::string_view password,
                              absl::string_view shared_key,
                              absl::string_view nonce, int nonce_count,
                              absl::Time now);

// A fresh random (version 4) UUID from the OpenSSL generator, one per
// request: MESH treats a repeated nonce as a replay.
std::string NewNonce();

}  // namespace nhs::tobacco::mesh

#endif  // ADAPTERS_MESH_MESH_AUTH_H_
