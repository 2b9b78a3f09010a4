#include "adapters/net/ip_allow_list.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace nhs::tobacco::net {
namespace {

constexpr unsigned char kMappedPrefix[12] = {0, 0, 0, 0, 0,    0,
                                             0, 0, 0, 0, 0xff, 0xff};

bool Matches(const std::array<unsigned char, 16>& a,
             const std::array<unsigned char, 16>& b, int bits) {
  const int whole = bits / 8;
  if (std::memcmp(a.data(), b.data(), whole) != 0) return false;
  const int rest = bits % 8;
  if (rest == 0) return true;
  const unsigned char mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}

}  // namespace

absl::StatusOr<IpAllowList> IpAllowList::Parse(
    const std::vector<std::string>& blocks) {
  IpAllowList list;
  for (const std::string& text : blocks) {
    const size_t slash = text.find('/');
    const std::string host = text.substr(0, slash);
    Block block{};
    int max_bits = 128;
    in_addr v4{};
    in6_addr v6{};
    if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
      std::memcpy(block.address.data(), kMappedPrefix, 12);
      std::memcpy(block.address.data() + 12, &v4, 4);
      max_bits = 32;
    } else if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
      std::memcpy(block.address.data(), &v6, 16);
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", text, "\" is not an IP address or CIDR block"));
    }
    int bits = max_bits;
    if (slash != std::string::npos &&
        (!absl::SimpleAtoi(text.substr(slash + 1), &bits) || bits < 0 ||
         bits > max_bits)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "\"", text, "\" has a prefix length outside 0..", max_bits));
    }
    // Stored as IPv6: an IPv4 /n is a /(96+n) of the mapped range.
    block.prefix_bits = max_bits == 32 ? 96 + bits : bits;
    list.blocks_.push_back(block);
  }
  return list;
}

bool IpAllowList::Allows(const sockaddr_storage& peer) const {
  if (blocks_.empty()) return true;
  std::array<unsigned char, 16> address{};
  if (peer.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&peer);
    std::memcpy(address.data(), kMappedPrefix, 12);
    std::memcpy(address.data() + 12, &a->sin_addr, 4);
  } else if (peer.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&peer);
    std::memcpy(address.data(), &a->sin6_addr, 16);
  } else {
    return false;
  }
  for (const Block& block : blocks_) {
    if (Matches(address, block.address, block.prefix_bits)) return true;
  }
  return false;
}

}  // namespace nhs::tobacco::net
