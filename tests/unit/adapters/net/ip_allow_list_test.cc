// CIDR blocks for a listener's allowed peers and trusted proxies.
#include "adapters/net/ip_allow_list.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::net {
namespace {

using ::nhs::tobacco::testing::StatusIs;

sockaddr_storage Peer(const char* ip) {
  sockaddr_storage s{};
  if (std::strchr(ip, ':') == nullptr) {
    auto* a = reinterpret_cast<sockaddr_in*>(&s);
    a->sin_family = AF_INET;
    inet_pton(AF_INET, ip, &a->sin_addr);
  } else {
    auto* a = reinterpret_cast<sockaddr_in6*>(&s);
    a->sin6_family = AF_INET6;
    inet_pton(AF_INET6, ip, &a->sin6_addr);
  }
  return s;
}

TEST(IpAllowListTest, EmptyAllowsEveryone) {
  EXPECT_TRUE(IpAllowList().Allows(Peer("203.0.113.9")));
}

TEST(IpAllowListTest, Ipv4BlocksMatchByPrefix) {
  const IpAllowList list = *IpAllowList::Parse({"10.20.0.0/16", "192.0.2.7"});
  EXPECT_TRUE(list.Allows(Peer("10.20.255.1")));
  EXPECT_FALSE(list.Allows(Peer("10.21.0.1")));
  EXPECT_TRUE(list.Allows(Peer("192.0.2.7")));
  EXPECT_FALSE(list.Allows(Peer("192.0.2.8")));
  // The same host seen through an IPv6 socket.
  EXPECT_TRUE(list.Allows(Peer("::ffff:10.20.3.4")));
}

TEST(IpAllowListTest, OddPrefixLengthsAndIpv6) {
  const IpAllowList list =
      *IpAllowList::Parse({"10.0.0.128/25", "2001:db8::/32"});
  EXPECT_TRUE(list.Allows(Peer("10.0.0.200")));
  EXPECT_FALSE(list.Allows(Peer("10.0.0.127")));
  EXPECT_TRUE(list.Allows(Peer("2001:db8:1::5")));
  EXPECT_FALSE(list.Allows(Peer("2001:db9::5")));
}

TEST(IpAllowListTest, BadEntriesAreNamed) {
  EXPECT_THAT(IpAllowList::Parse({"10.0.0.0/33"}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(IpAllowList::Parse({"hscn.example"}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(IpAllowList::Parse({"10.0.0.0/x"}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace nhs::tobacco::net
