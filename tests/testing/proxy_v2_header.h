#ifndef TESTS_TESTING_PROXY_V2_HEADER_H_
#define TESTS_TESTING_PROXY_V2_HEADER_H_

#include <arpa/inet.h>

#include <cstdint>
#include <string>

namespace nhs::tobacco::testing {

// The PROXY protocol v2 header a load balancer would send for a TCP/IPv4
// client at source_ip:source_port (to 10.0.0.1:2575).
inline std::string ProxyV2Header(const char* source_ip, uint16_t source_port) {
  std::string h("\r\n\r\n\0\r\nQUIT\n", 12);
  h += '\x21';  // version 2, PROXY
  h += '\x11';  // TCP over IPv4
  h += '\x00';
  h += '\x0c';  // 12 address bytes
  std::string addresses(12, '\0');
  inet_pton(AF_INET, source_ip, addresses.data());
  inet_pton(AF_INET, "10.0.0.1", addresses.data() + 4);
  addresses[8] = static_cast<char>(source_port >> 8);
  addresses[9] = static_cast<char>(source_port & 0xff);
  addresses[10] = static_cast<char>(2575 >> 8);
  addresses[11] = static_cast<char>(2575 & 0xff);
  return h + addresses;
}

}  // namespace nhs::tobacco::testing

#endif  // TESTS_TESTING_PROXY_V2_HEADER_H_
