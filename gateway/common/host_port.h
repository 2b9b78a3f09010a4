#ifndef GATEWAY_COMMON_HOST_PORT_H_
#define GATEWAY_COMMON_HOST_PORT_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace nhs::tobacco {

// Whether port 0 is allowed: a listener may ask the OS to choose its port
// (tests do), a destination never can.
enum class PortZero { kRefused, kAllowed };

// The one check of every "host:port" address in the config: host is a DNS
// name ("engine.example"), an IPv4 address ("10.0.0.1") or an IPv6 address
// in brackets ("[2001:db8::1]"); port is 1-65535 (or 0 when `port_zero`
// allows it). INVALID_ARGUMENT saying what is wrong, without the address.
absl::Status ValidateHostPort(absl::string_view address,
                              PortZero port_zero = PortZero::kRefused);

}  // namespace nhs::tobacco

#endif  // GATEWAY_COMMON_HOST_PORT_H_
