#ifndef ADAPTERS_NET_PROXY_PROTOCOL_H_
#define ADAPTERS_NET_PROXY_PROTOCOL_H_

#include <sys/socket.h>

#include <cstddef>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace nhs::tobacco::net {

// The PROXY protocol version 2 header a load balancer sends first on each
// connection it forwards, naming the real client (haproxy's
// proxy-protocol.txt, section 2.2). Only the binary v2 form is accepted.
struct ProxyHeader {
  // Bytes the header took (16 + its length field), to drop before the
  // stream proper (TLS or MLLP) begins.
  size_t length = 0;
  // The real client's address and port. Unset for the LOCAL command (the
  // balancer's own health check) and for families other than TCP over
  // IPv4/IPv6: the connection's own address then stands.
  std::optional<sockaddr_storage> source;
};

// Longest header accepted (addresses plus TLVs, which are skipped); a
// longer one is refused rather than buffered.
inline constexpr size_t kMaxProxyHeaderBytes = 16 + 512;

// Parses the start of a stream: the header when complete, std::nullopt when
// more bytes are needed (every byte so far is consistent with a header),
// InvalidArgument when it is not a valid v2 header (say why, never echoing
// the bytes beyond the fixed fields).
absl::StatusOr<std::optional<ProxyHeader>> ParseProxyV2(
    absl::string_view bytes);

}  // namespace nhs::tobacco::net

#endif  // ADAPTERS_NET_PROXY_PROTOCOL_H_
