#include "adapters/net/proxy_protocol.h"

#include <netinet/in.h>

#include <cstring>

#include "absl/strings/str_cat.h"

namespace nhs::tobacco::net {
namespace {

constexpr unsigned char kSignature[12] = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D,
                                          0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
constexpr size_t kFixedBytes = 16;

unsigned Byte(absl::string_view bytes, size_t i) {
  return static_cast<unsigned char>(bytes[i]);
}

}  // namespace

absl::StatusOr<std::optional<ProxyHeader>> ParseProxyV2(
    absl::string_view bytes) {
  const size_t sig = std::min(bytes.size(), sizeof(kSignature));
  if (std::memcmp(bytes.data(), kSignature, sig) != 0) {
    return absl::InvalidArgumentError(
        "not a PROXY protocol v2 header (signature mismatch)");
  }
  if (bytes.size() > 12) {
    const unsigned ver_cmd = Byte(bytes, 12);
    if ((ver_cmd >> 4) != 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("PROXY protocol version ", ver_cmd >> 4, " (need 2)"));
    }
    if ((ver_cmd & 0x0F) > 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("PROXY protocol command ", ver_cmd & 0x0F, " unknown"));
    }
  }
  if (bytes.size() < kFixedBytes) return std::nullopt;
  const bool local = (Byte(bytes, 12) & 0x0F) == 0;
  const unsigned family = Byte(bytes, 13) >> 4;
  const unsigned transport = Byte(bytes, 13) & 0x0F;
  const size_t length = (Byte(bytes, 14) << 8) | Byte(bytes, 15);
  if (kFixedBytes + length > kMaxProxyHeaderBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("PROXY protocol header of ", kFixedBytes + length,
                     " bytes exceeds ", kMaxProxyHeaderBytes));
  }
  if (family > 3 || transport > 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "PROXY protocol family/transport byte ", Byte(bytes, 13), " unknown"));
  }
  // Addresses must fit in the announced length, before waiting for it.
  const size_t address_bytes = family == 1 ? 12 : family == 2 ? 36 : 0;
  if (!local && length < address_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "PROXY protocol length ", length, " too short for its addresses"));
  }
  if (bytes.size() < kFixedBytes + length) return std::nullopt;

  ProxyHeader header;
  header.length = kFixedBytes + length;
  // LOCAL, UNSPEC, UNIX and UDP carry no TCP peer: the connection's own
  // address stands (the protocol says to accept them).
  if (local || transport != 1 || address_bytes == 0) return header;
  const char* a = bytes.data() + kFixedBytes;
  sockaddr_storage source{};
  if (family == 1) {
    auto* in = reinterpret_cast<sockaddr_in*>(&source);
    in->sin_family = AF_INET;
    std::memcpy(&in->sin_addr, a, 4);
    std::memcpy(&in->sin_port, a + 8, 2);  // network order already
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&source);
    in6->sin6_family = AF_INET6;
    std::memcpy(&in6->sin6_addr, a, 16);
    std::memcpy(&in6->sin6_port, a + 32, 2);
  }
  header.source = source;
  return header;
}

}  // namespace nhs::tobacco::net
