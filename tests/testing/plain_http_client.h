#ifndef TESTS_TESTING_PLAIN_HTTP_CLIENT_H_
#define TESTS_TESTING_PLAIN_HTTP_CLIENT_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace nhs::tobacco::testing {

// One answer read off a plaintext HTTP/1.1 connection.
struct PlainHttpResponse {
  int status = 0;  // 0 when nothing (or no status line) came back
  std::string head;
  std::string body;
};

// GET `path` from 127.0.0.1:`port` over plaintext HTTP (the admin
// endpoint's loopback mode) with "Connection: close", reading until the
// server closes; every read waits at most 10 s, so no test can hang.
inline PlainHttpResponse PlainHttpGet(int port, absl::string_view path) {
  PlainHttpResponse out;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return out;
  timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  to.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof(to)) != 0) {
    ::close(fd);
    return out;
  }
  const std::string request =
      absl::StrCat("GET ", path,
                   " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    ::close(fd);
    return out;
  }
  std::string raw;
  char buffer[8192];
  while (true) {
    const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    raw.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  const size_t end = raw.find("\r\n\r\n");
  if (end == std::string::npos || raw.size() < 12) return out;
  out.head = raw.substr(0, end);
  out.body = raw.substr(end + 4);
  if (!absl::SimpleAtoi(absl::string_view(raw).substr(9, 3), &out.status)) {
    out.status = 0;
  }
  return out;
}

}  // namespace nhs::tobacco::testing

#endif  // TESTS_TESTING_PLAIN_HTTP_CLIENT_H_
