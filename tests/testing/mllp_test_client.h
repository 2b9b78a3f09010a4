#ifndef TESTS_TESTING_MLLP_TEST_CLIENT_H_
#define TESTS_TESTING_MLLP_TEST_CLIENT_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "adapters/hl7v2/mllp_framer.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::testing {

// A raw TCP connection to 127.0.0.1, so tests can send bytes in any
// chunking, or bytes no well-behaved MLLP client would send.
class RawMllpConnection {
 public:
  // `source`, when given, is the local address to connect from (any of
  // 127.0.0.0/8), so one test can be several peers.
  explicit RawMllpConnection(int port, const char* source = nullptr) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (source != nullptr) {
      sockaddr_in local{};
      local.sin_family = AF_INET;
      inet_pton(AF_INET, source, &local.sin_addr);
      EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof(local)),
                0);
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)),
              0);
  }
  ~RawMllpConnection() { ::close(fd_); }

  void Write(absl::string_view bytes) {
    ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
  }

  // Payloads of the frames received until `count` arrived, the peer closed
  // (sets *eof) or 10 s passed.
  std::vector<std::string> ReadFrames(size_t count, bool* eof = nullptr) {
    hl7v2::MllpFramer framer;
    std::vector<std::string> out;
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (out.size() < count && absl::Now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char buf[8192];
      const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) {
        if (eof != nullptr) *eof = true;
        break;
      }
      framer.Append(absl::string_view(buf, static_cast<size_t>(n)));
      while (true) {
        auto f = framer.Next();
        if (!f.ok() || !f->has_value()) break;
        out.push_back(**f);
      }
    }
    return out;
  }

  int fd() const { return fd_; }

  // True when the server closed the connection within 10 s.
  bool ClosedByPeer() {
    bool eof = false;
    ReadFrames(1000, &eof);
    return eof;
  }

 private:
  int fd_ = -1;
};

}  // namespace nhs::tobacco::testing

#endif  // TESTS_TESTING_MLLP_TEST_CLIENT_H_
