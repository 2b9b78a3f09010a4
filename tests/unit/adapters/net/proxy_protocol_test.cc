// The PROXY protocol header parser: the binary v2 form, the text v1 line
// nginx's stream module sends, and the reader's byte budget for either.
#include "adapters/net/proxy_protocol.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string>
#include <vector>

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

// --- Either form (ParseProxyHeader) ---

TEST(ParseProxyHeader, TakesTheV2FormByItsSignature) {
  const std::string header = Header(0x21, 0x11, Ipv4Body("203.0.113.9", 7));
  auto parsed = ParseProxyHeader(header + "\x16\x03\x01");
  ASSERT_THAT(parsed.status(), IsOk());
  ASSERT_TRUE(parsed->has_value());
  EXPECT_EQ((*parsed)->length, 28u);
  EXPECT_EQ(HostPortText(*(*parsed)->source), "203.0.113.9:7");
}

TEST(ParseProxyHeader, TakesTheV1LineNginxSends) {
  const std::string line = "PROXY TCP4 192.0.2.1 192.0.2.2 56324 443\r\n";
  auto parsed = ParseProxyHeader(line + "\x16\x03\x01\x02\x00");
  ASSERT_THAT(parsed.status(), IsOk());
  ASSERT_TRUE(parsed->has_value());
  EXPECT_EQ((*parsed)->length, line.size());
  ASSERT_TRUE((*parsed)->source.has_value());
  EXPECT_EQ(HostPortText(*(*parsed)->source), "192.0.2.1:56324");
}

TEST(ParseProxyHeader, TakesATcp6Line) {
  const std::string line = "PROXY TCP6 2001:db8::7 2001:db8::1 40123 2575\r\n";
  auto parsed = ParseProxyHeader(line + "\x0bMSH|");
  ASSERT_THAT(parsed.status(), IsOk());
  ASSERT_TRUE(parsed->has_value());
  EXPECT_EQ((*parsed)->length, line.size());
  ASSERT_TRUE((*parsed)->source.has_value());
  EXPECT_EQ((*parsed)->source->ss_family, AF_INET6);
  EXPECT_EQ(HostPortText(*(*parsed)->source), "2001:db8::7:40123");
  // An IPv4-mapped address is an IPv6 address too.
  auto mapped = ParseProxyHeader("PROXY TCP6 ::ffff:192.0.2.1 ::1 1 2\r\n");
  ASSERT_THAT(mapped.status(), IsOk());
  ASSERT_TRUE(mapped->has_value());
}

TEST(ParseProxyHeader, UnknownKeepsTheConnectionsOwnAddress) {
  // The short form nginx sends when it has no TCP peer to name, and the
  // long form: whatever follows UNKNOWN up to the CRLF is ignored.
  for (const std::string& line :
       {std::string("PROXY UNKNOWN\r\n"),
        std::string("PROXY UNKNOWN ffff:f::f ffff:f::f 65535 65535\r\n")}) {
    auto parsed = ParseProxyHeader(line + "\x16\x03");
    ASSERT_THAT(parsed.status(), IsOk()) << line;
    ASSERT_TRUE(parsed->has_value()) << line;
    EXPECT_EQ((*parsed)->length, line.size());
    EXPECT_FALSE((*parsed)->source.has_value());
  }
}

TEST(ParseProxyHeader, TheLongestV1LineIsAccepted) {
  // The protocol's own worst case: 107 bytes with the CRLF.
  const std::string address = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
  const std::string line =
      "PROXY UNKNOWN " + address + " " + address + " 65535 65535\r\n";
  ASSERT_EQ(line.size(), kMaxProxyV1HeaderBytes);
  auto parsed = ParseProxyHeader(line);
  ASSERT_THAT(parsed.status(), IsOk());
  ASSERT_TRUE(parsed->has_value());
  const std::string tcp6 =
      "PROXY TCP6 " + address + " " + address + " 65535 65535\r\n";
  auto full = ParseProxyHeader(tcp6);
  ASSERT_THAT(full.status(), IsOk());
  ASSERT_TRUE(full->has_value());
  EXPECT_EQ(HostPortText(*(*full)->source),
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff:65535");
}

TEST(ParseProxyHeader, EveryProperPrefixOfAV1LineIsIncomplete) {
  for (const std::string& line :
       {std::string("PROXY TCP4 192.0.2.1 192.0.2.2 56324 443\r\n"),
        std::string("PROXY TCP6 2001:db8::7 ::1 1 65535\r\n"),
        std::string("PROXY UNKNOWN\r\n")}) {
    for (size_t n = 0; n < line.size(); ++n) {
      auto parsed = ParseProxyHeader(line.substr(0, n));
      ASSERT_THAT(parsed.status(), IsOk()) << n << " of " << line;
      EXPECT_FALSE(parsed->has_value()) << n << " of " << line;
    }
  }
}

TEST(ParseProxyHeader, NeitherFormIsRefusedAtTheFirstByte) {
  for (const std::string& stream :
       {std::string("\x0bMSH|^~\\&|"), std::string("\x16\x03\x01"),
        std::string("GET / HTTP/1.1\r\n")}) {
    EXPECT_THAT(ParseProxyHeader(stream.substr(0, 1)).status(),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         ::testing::HasSubstr("not a PROXY protocol header")))
        << stream;
  }
  // Nor is a word that merely starts like it.
  EXPECT_THAT(ParseProxyHeader("PROXYTCP4").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("PROXY ")));
}

TEST(ParseProxyHeader, AV1LineWithoutCrlfWithin107BytesIsRefused) {
  // A peer that never ends its line is refused before 107 bytes are
  // buffered, and so is a too-long line with the CRLF after byte 107.
  const std::string endless = "PROXY UNKNOWN " + std::string(200, 'x');
  EXPECT_THAT(ParseProxyHeader(endless.substr(0, 106)).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("no CRLF within 107 bytes")));
  EXPECT_THAT(ParseProxyHeader(endless.substr(0, 105)).status(), IsOk());
  EXPECT_THAT(ParseProxyHeader(endless.substr(0, 106) + "\r\n").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("no CRLF within 107 bytes")));
  // A TCP line whose remaining fields can no longer fit is refused as soon
  // as that is so.
  // (Two IPv6 addresses in their longest form leave no room for the ports.)
  const std::string longest = "0000:0000:0000:0000:0000:ffff:255.255.255.255";
  const std::string padded = "PROXY TCP6 " + longest + " " + longest + " ";
  EXPECT_THAT(ParseProxyHeader(padded).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("no CRLF within 107 bytes")));
}

TEST(ParseProxyHeader, BadAddressesArePointedAtButNeverEchoed) {
  struct Case {
    std::string line;
    std::string why;
  };
  const std::vector<Case> cases = {
      {"PROXY TCP4 192.0.2.300 192.0.2.2 1 2\r\n",
       "source address is not a valid IPv4 address"},
      {"PROXY TCP4 192.0.2.1 192.0.2 1 2\r\n",
       "destination address is not a valid IPv4 address"},
      {"PROXY TCP4 2001:db8::1 192.0.2.2 1 2\r\n",
       "source address holds a character not of an IPv4 address"},
      {"PROXY TCP6 192.0.2.1 ::1 1 2\r\n",
       "source address is not a valid IPv6 address"},
      {"PROXY TCP6 2001:db8:::1 ::1 1 2\r\n",
       "source address is not a valid IPv6 address"},
      {"PROXY TCP6 2001:xb8::1 ::1 1 2\r\n",
       "source address holds a character not of an IPv6 address"},
      {"PROXY TCP4 192.0.2.1 192.0.2.2 65536 2\r\n",
       "source port is above 65535"},
      {"PROXY TCP4 192.0.2.1 192.0.2.2 1 -2\r\n",
       "destination port holds a character not a digit"},
      {"PROXY TCP4 192.0.2.1 192.0.2.2 123456 2\r\n",
       "source port is longer than 5"},
      {"PROXY TCP4 1921.168.200.100 192.0.2.2 1 2\r\n",
       "source address is longer than 15"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseProxyHeader(c.line);
    EXPECT_THAT(parsed.status(), StatusIs(absl::StatusCode::kInvalidArgument,
                                          ::testing::HasSubstr(c.why)))
        << c.line;
    const std::string message(parsed.status().message());
    for (const char* secret :
         {"192.0.2", "2001", "65536", "123456", "1921", "xb8"}) {
      EXPECT_EQ(message.find(secret), std::string::npos)
          << c.line << " -> " << message;
    }
  }
}

TEST(ParseProxyHeader, MissingOrExtraFieldsAreRefused) {
  struct Case {
    std::string line;
    std::string why;
  };
  const std::vector<Case> cases = {
      {"PROXY \r\n", "the protocol is empty"},
      {"PROXY TCP4\r\n", "ends before its source address"},
      {"PROXY TCP4 192.0.2.1\r\n", "ends before its destination address"},
      {"PROXY TCP4 192.0.2.1 192.0.2.2\r\n", "ends before its source port"},
      {"PROXY TCP4 192.0.2.1 192.0.2.2 1\r\n",
       "ends before its destination port"},
      {"PROXY TCP4 192.0.2.1 192.0.2.2 1 2 3\r\n", "more than 5 fields"},
      {"PROXY TCP4 192.0.2.1 192.0.2.2 1 2 \r\n", "more than 5 fields"},
      {"PROXY TCP4  192.0.2.1 192.0.2.2 1 2\r\n", "source address is empty"},
      {"PROXY TCP4 192.0.2.1 192.0.2.2 1 \r\n", "destination port is empty"},
      {"PROXY UDP4 192.0.2.1 192.0.2.2 1 2\r\n",
       "protocol is not TCP4, TCP6 or UNKNOWN"},
      {"PROXY tcp4 192.0.2.1 192.0.2.2 1 2\r\n",
       "protocol is not TCP4, TCP6 or UNKNOWN"},
      {"PROXY TCP4 192.0.2.1 192.0.2.2 1 2\rX", "a CR not followed by LF"},
      {"PROXY TCP4 192.0.2.1 192.0.2.2 1 2\n\r\n",
       "destination port holds a character not a digit"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ParseProxyHeader(c.line).status(),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         ::testing::HasSubstr(c.why)))
        << c.line;
  }
}

TEST(ParseProxyHeader, AWrongProtocolIsRefusedBeforeTheLineEnds) {
  EXPECT_THAT(ParseProxyHeader("PROXY TCP5").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("protocol")));
  EXPECT_THAT(ParseProxyHeader("PROXY TCP4 10.0.0.1x").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("source address")));
  // ...while a line still consistent waits for more.
  auto partial = ParseProxyHeader("PROXY TCP4 10.0.0.1 10.0.0.2 12");
  ASSERT_THAT(partial.status(), IsOk());
  EXPECT_FALSE(partial->has_value());
}

TEST(ParseProxyV1, RefusesTheV2Form) {
  EXPECT_THAT(
      ParseProxyV1(Header(0x21, 0x11, Ipv4Body("203.0.113.9", 1))).status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               ::testing::HasSubstr("not a PROXY protocol v1")));
}

// --- The reader's budget (ProxyHeaderBytesWanted) ---

// Reads `stream` as a listener does: only as many bytes as the header
// certainly still needs, until it parses. Returns the bytes consumed.
size_t ReadLikeAListener(const std::string& stream, int* reads) {
  std::string have;
  *reads = 0;
  while (true) {
    const size_t wanted = ProxyHeaderBytesWanted(have);
    if (wanted == 0) return have.size();
    have += stream.substr(have.size(), wanted);
    ++*reads;
    auto parsed = ParseProxyHeader(have);
    if (!parsed.ok() || parsed->has_value()) return have.size();
  }
}

TEST(ProxyHeaderBytesWanted, NeverReadsPastTheHeader) {
  const std::string address = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
  const std::vector<std::string> headers = {
      "PROXY UNKNOWN\r\n",
      "PROXY UNKNOWN " + address + " " + address + " 65535 65535\r\n",
      "PROXY TCP4 0.0.0.0 0.0.0.0 0 0\r\n",
      "PROXY TCP4 192.0.2.1 192.0.2.2 56324 443\r\n",
      "PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n",
      "PROXY TCP6 :: :: 0 0\r\n",
      "PROXY TCP6 2001:db8::7 2001:db8::1 40123 2575\r\n",
      "PROXY TCP6 " + address + " " + address + " 65535 65535\r\n",
      Header(0x20, 0x00, ""),
      Header(0x21, 0x11, Ipv4Body("203.0.113.9", 40123)),
      Header(0x21, 0x11, Ipv4Body("203.0.113.9", 40123) + "TLVTLVTLV"),
  };
  // What follows: a TLS ClientHello, an MLLP frame, or the longest
  // possible run of bytes that look like more of a header.
  for (const std::string& after :
       {std::string("\x16\x03\x01\x02\x00", 5), std::string("\x0bMSH|"),
        std::string(200, '1')}) {
    for (const std::string& header : headers) {
      int reads = 0;
      EXPECT_EQ(ReadLikeAListener(header + after, &reads), header.size())
          << header;
      auto parsed = ParseProxyHeader(header);
      ASSERT_THAT(parsed.status(), IsOk()) << header;
      EXPECT_TRUE(parsed->has_value()) << header;
    }
  }
}

TEST(ProxyHeaderBytesWanted, ALineFromNginxTakesAFewReads) {
  // Each read a system call: the shortest possible rest of the line is read
  // at once, not a byte at a time.
  int reads = 0;
  const std::string line = "PROXY TCP4 192.0.2.1 192.0.2.2 56324 443\r\n";
  EXPECT_EQ(ReadLikeAListener(line + "\x16\x03\x01", &reads), line.size());
  EXPECT_LE(reads, 8);
  ReadLikeAListener(Header(0x21, 0x11, Ipv4Body("203.0.113.9", 1)), &reads);
  EXPECT_EQ(reads, 3);  // 15, 1, then the 12 the length names
}

TEST(ProxyHeaderBytesWanted, IsZeroForWhatIsNotAHeader) {
  EXPECT_EQ(ProxyHeaderBytesWanted(""), 15u);
  EXPECT_EQ(ProxyHeaderBytesWanted("\x16"), 0u);
  EXPECT_EQ(ProxyHeaderBytesWanted("PROXY UNKNOWN\r\n"), 0u);
  EXPECT_EQ(ProxyHeaderBytesWanted("PROXY UNKNOWN\r"), 1u);
  EXPECT_EQ(ProxyHeaderBytesWanted("PROXY UDP4 "), 0u);
}

}  // namespace
}  // namespace nhs::tobacco::net
