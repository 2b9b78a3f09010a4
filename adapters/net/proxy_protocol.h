#ifndef ADAPTERS_NET_PROXY_PROTOCOL_H_
#define ADAPTERS_NET_PROXY_PROTOCOL_H_

#include <sys/socket.h>

#include <cstddef>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace nhs::tobacco::net {

// The PROXY protocol header a load balancer sends first on each connection
// it forwards, naming the real client (haproxy's proxy-protocol.txt). Both
// forms are accepted: the text v1 line (section 2.1; nginx's stream module
// `proxy_protocol on` sends only this one) and the binary v2 header
// (section 2.2; haproxy `send-proxy-v2`, AWS NLB).
struct ProxyHeader {
  // Bytes the header took (v1: the line with its CRLF; v2: 16 + its length
  // field), to drop before the stream proper (TLS or MLLP) begins.
  size_t length = 0;
  // The real client's address and port. Unset for the v2 LOCAL command
  // (the balancer's own health check), for v1 UNKNOWN, and for families
  // other than TCP over IPv4/IPv6: the connection's own address then
  // stands.
  std::optional<sockaddr_storage> source;
};

// Longest v2 header accepted (addresses plus TLVs, which are skipped); a
// longer one is refused rather than buffered.
inline constexpr size_t kMaxProxyHeaderBytes = 16 + 512;
// Longest v1 line, CRLF included (the protocol's own bound: "PROXY UNKNOWN"
// and two full IPv6 addresses and ports).
inline constexpr size_t kMaxProxyV1HeaderBytes = 107;

// Parses the start of a stream as either form (v2 by its 12-byte signature,
// v1 by "PROXY "): the header when complete, std::nullopt when more bytes
// are needed (every byte so far is consistent with a header), and
// InvalidArgument when it is not a valid header (saying why, never echoing
// the addresses, ports or other bytes the peer sent).
absl::StatusOr<std::optional<ProxyHeader>> ParseProxyHeader(
    absl::string_view bytes);

// How many more bytes a reader may take from the socket, given `bytes`
// read so far, without reading past the header into the TLS or MLLP stream
// behind it: at least 1 while ParseProxyHeader(bytes) is std::nullopt, 0
// once it is complete or invalid. A header has no length of its own in v1,
// so its line is read in pieces no longer than the shortest way it could
// still end; in v2 the fixed 16 bytes say exactly how long the rest is.
size_t ProxyHeaderBytesWanted(absl::string_view bytes);

// The same contract, for one form only.
absl::StatusOr<std::optional<ProxyHeader>> ParseProxyV1(
    absl::string_view bytes);
absl::StatusOr<std::optional<ProxyHeader>> ParseProxyV2(
    absl::string_view bytes);

}  // namespace nhs::tobacco::net

#endif  // ADAPTERS_NET_PROXY_PROTOCOL_H_
