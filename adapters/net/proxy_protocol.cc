#include "adapters/net/proxy_protocol.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace nhs::tobacco::net {
namespace {

constexpr unsigned char kSignature[12] = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D,
                                          0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
constexpr size_t kFixedBytes = 16;
constexpr absl::string_view kV1Prefix = "PROXY ";
// The shortest header of either form: v1 "PROXY UNKNOWN\r\n" (v2 is at
// least 16), so this many bytes can always be read first.
constexpr size_t kMinHeaderBytes = 15;

// How far a header got: complete, or how many more bytes it needs at least.
struct Scan {
  std::optional<ProxyHeader> header;
  size_t wanted = 0;
};

Scan Incomplete(size_t size, size_t wanted) {
  // Whatever the form, the first kMinHeaderBytes are header.
  if (size < kMinHeaderBytes) wanted = std::max(wanted, kMinHeaderBytes - size);
  return Scan{std::nullopt, std::max<size_t>(wanted, 1)};
}

unsigned Byte(absl::string_view bytes, size_t i) {
  return static_cast<unsigned char>(bytes[i]);
}

absl::StatusOr<Scan> ScanV2(absl::string_view bytes) {
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
  if (bytes.size() < kFixedBytes) {
    return Incomplete(bytes.size(), kFixedBytes - bytes.size());
  }
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
  if (bytes.size() < kFixedBytes + length) {
    return Incomplete(bytes.size(), kFixedBytes + length - bytes.size());
  }

  ProxyHeader header;
  header.length = kFixedBytes + length;
  // LOCAL, UNSPEC, UNIX and UDP carry no TCP peer: the connection's own
  // address stands (the protocol says to accept them).
  if (local || transport != 1 || address_bytes == 0) return Scan{header};
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
  return Scan{header};
}

// --- v1: "PROXY TCP4 <src> <dst> <sport> <dport>\r\n" (section 2.1) ---

// The fields after "PROXY ", in order. Messages name the field, never its
// bytes: they are the peer's, and an address is personal data.
enum V1Field { kProtocol, kSource, kDestination, kSourcePort, kDestPort };
constexpr std::array<const char*, 5> kV1FieldNames = {
    "protocol", "source address", "destination address", "source port",
    "destination port"};

absl::Status V1Error(absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("PROXY protocol v1: ", why));
}

bool IsPrefixOfProtocol(absl::string_view token) {
  for (absl::string_view p : {"TCP4", "TCP6", "UNKNOWN"}) {
    if (absl::StartsWith(p, token)) return true;
  }
  return false;
}

// An address or port field, whole or (done = false) still arriving: only
// the characters it may hold and no longer than it may be.
absl::Status CheckV1Field(V1Field field, bool ipv6, absl::string_view text,
                          bool done) {
  const char* name = kV1FieldNames[field];
  if (done && text.empty()) {
    return V1Error(absl::StrCat("the ", name,
                                " is empty (fields are separated by one "
                                "space)"));
  }
  const bool port = field == kSourcePort || field == kDestPort;
  const size_t max = port ? 5 : ipv6 ? INET6_ADDRSTRLEN - 1 : 15;
  if (text.size() > max) {
    return V1Error(
        absl::StrCat("the ", name, " is longer than ", max, " characters"));
  }
  for (char c : text) {
    const bool digit = c >= '0' && c <= '9';
    const bool ok = port ? digit
                    : ipv6
                        ? digit || c == ':' || c == '.' ||
                              (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
                        : digit || c == '.';
    if (!ok) {
      return V1Error(absl::StrCat("the ", name, " holds a character not ",
                                  port   ? "a digit"
                                  : ipv6 ? "of an IPv6 address"
                                         : "of an IPv4 address"));
    }
  }
  if (!done) return absl::OkStatus();
  if (port) {
    const int value = std::stoi(std::string(text));
    if (value > 65535) {
      return V1Error(absl::StrCat("the ", name, " is above 65535"));
    }
    return absl::OkStatus();
  }
  char buffer[INET6_ADDRSTRLEN] = {};
  std::memcpy(buffer, text.data(), text.size());
  unsigned char address[16];
  if (inet_pton(ipv6 ? AF_INET6 : AF_INET, buffer, address) != 1) {
    return V1Error(absl::StrCat("the ", name, " is not a valid ",
                                ipv6 ? "IPv6" : "IPv4", " address"));
  }
  return absl::OkStatus();
}

sockaddr_storage V1Source(bool ipv6, absl::string_view address,
                          absl::string_view port_text) {
  char buffer[INET6_ADDRSTRLEN] = {};
  std::memcpy(buffer, address.data(), address.size());
  const uint16_t port = htons(std::stoi(std::string(port_text)));
  sockaddr_storage source{};
  if (ipv6) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&source);
    in6->sin6_family = AF_INET6;
    inet_pton(AF_INET6, buffer, &in6->sin6_addr);
    in6->sin6_port = port;
  } else {
    auto* in = reinterpret_cast<sockaddr_in*>(&source);
    in->sin_family = AF_INET;
    inet_pton(AF_INET, buffer, &in->sin_addr);
    in->sin_port = port;
  }
  return source;
}

absl::StatusOr<Scan> ScanV1(absl::string_view bytes) {
  const size_t prefix = std::min(bytes.size(), kV1Prefix.size());
  if (bytes.substr(0, prefix) != kV1Prefix.substr(0, prefix)) {
    return absl::InvalidArgumentError(
        "not a PROXY protocol v1 header (it must begin \"PROXY \")");
  }
  if (bytes.size() <= kV1Prefix.size()) return Incomplete(bytes.size(), 1);

  // The line ends at its CR, which must leave room for the LF within the
  // protocol's 107 bytes; nothing past them is looked at.
  const size_t cr =
      bytes.substr(0, std::min(bytes.size(), kMaxProxyV1HeaderBytes))
          .find('\r');
  const bool ended = cr != absl::string_view::npos;
  if ((ended && cr + 2 > kMaxProxyV1HeaderBytes) ||
      (!ended && bytes.size() + 2 > kMaxProxyV1HeaderBytes)) {
    return V1Error(
        absl::StrCat("no CRLF within ", kMaxProxyV1HeaderBytes, " bytes"));
  }
  const bool complete = ended && cr + 1 < bytes.size();
  if (complete && bytes[cr + 1] != '\n') {
    return V1Error("a CR not followed by LF");
  }
  const absl::string_view line = bytes.substr(
      kV1Prefix.size(), (ended ? cr : bytes.size()) - kV1Prefix.size());
  const std::vector<absl::string_view> fields = absl::StrSplit(line, ' ');

  // The protocol: TCP4, TCP6, or UNKNOWN (whatever follows it up to the
  // CRLF is then ignored, as the protocol says).
  const absl::string_view protocol = fields[kProtocol];
  if (fields.size() == 1 && !ended) {
    if (!IsPrefixOfProtocol(protocol)) {
      return V1Error("the protocol is not TCP4, TCP6 or UNKNOWN");
    }
    return Incomplete(bytes.size(), 2);
  }
  if (protocol == "UNKNOWN") {
    if (!complete) return Incomplete(bytes.size(), ended ? 1 : 2);
    return Scan{ProxyHeader{cr + 2, std::nullopt}};
  }
  if (protocol != "TCP4" && protocol != "TCP6") {
    return V1Error(protocol.empty()
                       ? "the protocol is empty"
                       : "the protocol is not TCP4, TCP6 or UNKNOWN");
  }
  const bool ipv6 = protocol == "TCP6";
  // Each field in turn, so the message names the first one wrong.
  for (size_t i = kSource; i < std::min<size_t>(fields.size(), kDestPort + 1);
       ++i) {
    const bool done = i + 1 < fields.size() || ended;
    if (absl::Status s =
            CheckV1Field(static_cast<V1Field>(i), ipv6, fields[i], done);
        !s.ok()) {
      return s;
    }
  }
  if (fields.size() > kDestPort + 1) {
    return V1Error(
        absl::StrCat("more than ", kDestPort + 1, " fields after PROXY"));
  }
  if (ended && fields.size() < kDestPort + 1) {
    return V1Error(absl::StrCat("the line ends before its ",
                                kV1FieldNames[fields.size()]));
  }
  if (!ended) {
    // The shortest way the line can still end: the rest of this field, the
    // fields after it (a space and their shortest form each), the CRLF.
    const size_t address_min = ipv6 ? 2 : 7;  // "::", "0.0.0.0"
    const std::array<size_t, 5> shortest = {0, address_min, address_min, 1, 1};
    const size_t current = fields.size() - 1;
    size_t wanted = shortest[current] > fields.back().size()
                        ? shortest[current] - fields.back().size()
                        : 0;
    for (size_t i = current + 1; i < shortest.size(); ++i) {
      wanted += 1 + shortest[i];
    }
    wanted += 2;
    if (bytes.size() + wanted > kMaxProxyV1HeaderBytes) {
      return V1Error(
          absl::StrCat("no CRLF within ", kMaxProxyV1HeaderBytes, " bytes"));
    }
    return Incomplete(bytes.size(), wanted);
  }
  if (!complete) return Incomplete(bytes.size(), 1);
  return Scan{ProxyHeader{
      cr + 2, V1Source(ipv6, fields[kSource], fields[kSourcePort])}};
}

absl::StatusOr<Scan> ScanEither(absl::string_view bytes) {
  if (bytes.empty()) return Incomplete(0, kMinHeaderBytes);
  if (bytes[0] == kV1Prefix[0]) return ScanV1(bytes);
  if (Byte(bytes, 0) == kSignature[0]) return ScanV2(bytes);
  return absl::InvalidArgumentError(
      "not a PROXY protocol header (neither v1's \"PROXY \" nor the v2 "
      "signature)");
}

absl::StatusOr<std::optional<ProxyHeader>> HeaderOf(absl::StatusOr<Scan> scan) {
  if (!scan.ok()) return scan.status();
  return std::move(scan->header);
}

}  // namespace

absl::StatusOr<std::optional<ProxyHeader>> ParseProxyHeader(
    absl::string_view bytes) {
  return HeaderOf(ScanEither(bytes));
}

size_t ProxyHeaderBytesWanted(absl::string_view bytes) {
  absl::StatusOr<Scan> scan = ScanEither(bytes);
  if (!scan.ok() || scan->header.has_value()) return 0;
  return scan->wanted;
}

absl::StatusOr<std::optional<ProxyHeader>> ParseProxyV1(
    absl::string_view bytes) {
  return HeaderOf(ScanV1(bytes));
}

absl::StatusOr<std::optional<ProxyHeader>> ParseProxyV2(
    absl::string_view bytes) {
  return HeaderOf(ScanV2(bytes));
}

}  // namespace nhs::tobacco::net
