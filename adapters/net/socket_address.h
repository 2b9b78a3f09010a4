#ifndef ADAPTERS_NET_SOCKET_ADDRESS_H_
#define ADAPTERS_NET_SOCKET_ADDRESS_H_

#include <sys/socket.h>

#include <string>

namespace nhs::tobacco::net {

// "192.0.2.7" / "2001:db8::1" ("?" for other families): the per-address
// cap key and what logs name.
std::string HostText(const sockaddr_storage& address);
// "192.0.2.7:40123" / "2001:db8::1:40123".
std::string HostPortText(const sockaddr_storage& address);

}  // namespace nhs::tobacco::net

#endif  // ADAPTERS_NET_SOCKET_ADDRESS_H_
