#include "adapters/fhir/uuid.h"

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <memory>

#include "absl/strings/ascii.h"
#include "gateway/common/random_uuid.h"

namespace nhs::tobacco::fhir {
namespace {

// Chosen once at random for this project; never change it, or every derived
// id changes.
constexpr std::array<uint8_t, 16> kNamespace = {
    0x5b, 0x1f, 0x0e, 0x7a, 0x93, 0x2c, 0x4d, 0x61,
    0xa8, 0x4e, 0x0d, 0x2f, 0x6b, 0x77, 0x91, 0x3c};

std::string Format(const uint8_t* b) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0x0f]);
  }
  return out;
}

}  // namespace

std::string NameBasedUuid(absl::string_view name) {
  // SHA-1 through EVP: OpenSSL 3 deprecates the SHA1_* functions.
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                              &EVP_MD_CTX_free);
  uint8_t digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestInit_ex(ctx.get(), EVP_sha1(), nullptr);
  EVP_DigestUpdate(ctx.get(), kNamespace.data(), kNamespace.size());
  EVP_DigestUpdate(ctx.get(), name.data(), name.size());
  EVP_DigestFinal_ex(ctx.get(), digest, &length);
  digest[6] = (digest[6] & 0x0f) | 0x50;  // version 5
  digest[8] = (digest[8] & 0x3f) | 0x80;  // RFC 4122 variant
  return Format(digest);
}

std::string RandomUuid() { return ::nhs::tobacco::RandomUuid(); }

bool IsUuid(absl::string_view text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !absl::ascii_isxdigit(text[i])) return false;
  }
  return true;
}

}  // namespace nhs::tobacco::fhir
