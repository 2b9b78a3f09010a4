#ifndef ADAPTERS_NET_IP_ALLOW_LIST_H_
#define ADAPTERS_NET_IP_ALLOW_LIST_H_

#include <sys/socket.h>

#include <array>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace nhs::tobacco::net {

// A set of networks as CIDR blocks ("10.20.0.0/16", "192.0.2.7/32",
// "2001:db8::/32"; a bare address means that host): the peers a listener
// accepts, or the load balancers whose PROXY headers it believes. Defence
// in depth beside mutual TLS: a trust's engine sits at known addresses on
// HSCN, so a connection from anywhere else is closed before a byte of TLS
// or HL7 is read. IPv4-mapped IPv6 peers (::ffff:a.b.c.d) match IPv4
// blocks. Empty allows everyone (callers that need "nobody" check empty()).
class IpAllowList {
 public:
  IpAllowList() = default;
  // INVALID_ARGUMENT naming the entry that is not a CIDR block.
  static absl::StatusOr<IpAllowList> Parse(
      const std::vector<std::string>& blocks);

  bool empty() const { return blocks_.empty(); }
  bool Allows(const sockaddr_storage& peer) const;

 private:
  struct Block {
    // IPv4 as IPv4-mapped IPv6, so one comparison covers both.
    std::array<unsigned char, 16> address;
    int prefix_bits;
  };
  std::vector<Block> blocks_;
};

}  // namespace nhs::tobacco::net

#endif  // ADAPTERS_NET_IP_ALLOW_LIST_H_
