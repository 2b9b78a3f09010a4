// The PROXY protocol v2 header parser.
#include "adapters/net/proxy_protocol.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string>

#include "adapters/net/socket_address.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::net {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;

const std::string kSignature("\r\n\r\n\0\r\nQUIT\n", 12);

std::string Header(unsigned char ver_cmd, unsigned char family,
                   const std::string& body) {
  std::string h = kSignature;
  h += static_cast<char>(ver_cmd);
  h += static_cast<char>(family);
  h += static_cast<char>(body.size() >> 8);
  h += static_cast<char>(body.size() & 0xff);
  return h + body;
}

std::string Ipv4Body(const char* src, uint16_t src_port) {
  std::string body(12, '\0');
  inet_pton(AF_INET, src, body.data());
  inet_pton(AF_INET, "10.0.0.1", body.data() + 4);
  body[8] = static_cast<char>(src_port >> 8);
  body[9] = static_cast<char>(src_port & 0xff);
  body[10] = 0x09;
  body[11] = 0xff;  // destination port 2559
  return body;
}

TEST(ParseProxyV2, Ipv4ProxyGivesTheRealSourceAddressAndPort) {
  const std::string header = Header(0x21, 0x11, Ipv4Body("203.0.113.9", 40123));
  auto parsed = ParseProxyV2(header + "\x0bMSH|...");
  ASSERT_THAT(parsed.status(), IsOk());
  ASSERT_TRUE(parsed->has_value());
  EXPECT_EQ((*parsed)->length, 28u);
  ASSERT_TRUE((*parsed)->source.has_value());
  EXPECT_EQ(HostPortText(*(*parsed)->source), "203.0.113.9:40123");
}

TEST(ParseProxyV2, Ipv6ProxyGivesTheRealSourceAddress) {
  std::string body(36, '\0');
  inet_pton(AF_INET6, "2001:db8::7", body.data());
  inet_pton(AF_INET6, "2001:db8::1", body.data() + 16);
  body[32] = 0x01;
  body[33] = 0xbb;  // 443
  auto parsed = ParseProxyV2(Header(0x21, 0x21, body));
  ASSERT_THAT(parsed.status(), IsOk());
  ASSERT_TRUE(parsed->has_value());
  ASSERT_TRUE((*parsed)->source.has_value());
  EXPECT_EQ(HostPortText(*(*parsed)->source), "2001:db8::7:443");
  EXPECT_EQ((*parsed)->length, 52u);
}

TEST(ParseProxyV2, LocalCommandKeepsTheConnectionsOwnAddress) {
  auto parsed = ParseProxyV2(Header(0x20, 0x00, ""));
  ASSERT_THAT(parsed.status(), IsOk());
  ASSERT_TRUE(parsed->has_value());
  EXPECT_FALSE((*parsed)->source.has_value());
  EXPECT_EQ((*parsed)->length, 16u);
}

TEST(ParseProxyV2, TlvsAfterTheAddressesAreSkipped) {
  std::string body = Ipv4Body("198.51.100.4", 1);
  body += std::string(
      "\x04\x00\x03"
      "abc",
      6);  // a NOOP TLV
  auto parsed = ParseProxyV2(Header(0x21, 0x11, body));
  ASSERT_THAT(parsed.status(), IsOk());
  ASSERT_TRUE(parsed->has_value());
  EXPECT_EQ((*parsed)->length, 16u + 18u);
  EXPECT_EQ(HostText(*(*parsed)->source), "198.51.100.4");
}

TEST(ParseProxyV2, EveryProperPrefixIsIncomplete) {
  const std::string header = Header(0x21, 0x11, Ipv4Body("203.0.113.9", 1));
  for (size_t n = 0; n < header.size(); ++n) {
    auto parsed = ParseProxyV2(header.substr(0, n));
    ASSERT_THAT(parsed.status(), IsOk()) << n;
    EXPECT_FALSE(parsed->has_value()) << n;
  }
}

TEST(ParseProxyV2, PlainMllpOrTlsIsRefusedAtTheFirstByte) {
  EXPECT_THAT(ParseProxyV2("\x0bMSH|^~\\&|").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("signature")));
  EXPECT_THAT(ParseProxyV2("\x16\x03\x01").status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ParseProxyV2, TheTextV1FormIsRefused) {
  EXPECT_THAT(ParseProxyV2("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n").status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ParseProxyV2, AWrongVersionOrCommandIsRefused) {
  EXPECT_THAT(ParseProxyV2(kSignature + "\x11").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("version 1")));
  EXPECT_THAT(ParseProxyV2(kSignature + "\x2f").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("command")));
}

TEST(ParseProxyV2, ALengthTooShortForTheAddressesIsRefused) {
  EXPECT_THAT(ParseProxyV2(Header(0x21, 0x11, std::string(4, '\0'))).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("too short")));
}

TEST(ParseProxyV2, AnOverlongHeaderIsRefusedBeforeItIsBuffered) {
  std::string fixed = kSignature + "\x21\x11";
  fixed += static_cast<char>(0xff);
  fixed += static_cast<char>(0xff);
  EXPECT_THAT(ParseProxyV2(fixed).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("exceeds")));
}

TEST(ParseProxyV2, UnixAndUnspecifiedFamiliesCarryNoAddress) {
  auto unspec = ParseProxyV2(Header(0x21, 0x00, ""));
  ASSERT_THAT(unspec.status(), IsOk());
  ASSERT_TRUE(unspec->has_value());
  EXPECT_FALSE((*unspec)->source.has_value());
  auto unix_family = ParseProxyV2(Header(0x21, 0x31, std::string(216, 'x')));
  ASSERT_THAT(unix_family.status(), IsOk());
  ASSERT_TRUE(unix_family->has_value());
  EXPECT_FALSE((*unix_family)->source.has_value());
}

}  // namespace
}  // namespace nhs::tobacco::net
