#include "adapters/mesh/mesh_auth.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <cstdint>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace nhs::tobacco::mesh {

std::string MeshAuthorization(absl::string_view mailbox_id,
                              absl::string_view password,
                              absl::string_view shared_key,
                              absl::string_view nonce, int nonce_count,
                              absl::Time now) {
  const std::string timestamp =
      absl::FormatTime("%Y%m%d%H%M", now, absl::UTCTimeZone());
  const std::string signed_text = absl::StrCat(
      mailbox_id, ":", nonce, ":", nonce_count, ":", password, ":", timestamp);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_size = 0;
  HMAC(EVP_sha256(), shared_key.data(), static_cast<int>(shared_key.size()),
       reinterpret_cast<const unsigned char*>(signed_text.data()),
       signed_text.size(), digest.data(), &digest_size);
  const std::string hmac = absl::BytesToHexString(absl::string_view(
      reinterpret_cast<const char*>(digest.data()), digest_size));
  return absl::StrCat("NHSMESH ", mailbox_id, ":", nonce, ":", nonce_count, ":",
                      timestamp, ":", hmac);
}

std::string NewNonce() {
  std::array<uint8_t, 16> b{};
  // RAND_bytes fails only when the generator cannot be seeded; a nonce
  // from zeros would still be well-formed, and MESH would refuse a repeat.
  RAND_bytes(b.data(), static_cast<int>(b.size()));
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  return absl::StrFormat(
      "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
      b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
      b[12], b[13], b[14], b[15]);
}

}  // namespace nhs::tobacco::mesh
