#ifndef TESTS_TESTING_FAKE_SERVICE_MANAGER_H_
#define TESTS_TESTING_FAKE_SERVICE_MANAGER_H_

#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>

namespace nhs::tobacco::testing {

// Plays systemd's side of the sd_notify protocol: a datagram socket whose
// path is in NOTIFY_SOCKET while this object lives (a child process started
// meanwhile inherits it). One per test; not thread-safe.
class FakeServiceManager {
 public:
  explicit FakeServiceManager(const std::string& name) {
    path_ = std::filesystem::temp_directory_path() /
            (name + "-" + std::to_string(getpid()) + ".sock");
    std::filesystem::remove(path_);
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path_.c_str(), sizeof(addr.sun_path) - 1);
    bound_ = bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    setenv("NOTIFY_SOCKET", path_.c_str(), 1);
  }
  FakeServiceManager(const FakeServiceManager&) = delete;
  FakeServiceManager& operator=(const FakeServiceManager&) = delete;
  ~FakeServiceManager() {
    unsetenv("NOTIFY_SOCKET");
    close(fd_);
    std::filesystem::remove(path_);
  }

  bool bound() const { return bound_; }
  const std::filesystem::path& path() const { return path_; }

  // The next datagram, or "" when none came within `seconds`: a message
  // that never comes fails the test instead of hanging it.
  std::string Receive(int seconds) {
    timeval timeout{seconds, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    char buffer[4096];
    ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
    return n > 0 ? std::string(buffer, n) : std::string();
  }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  bool bound_ = false;
};

}  // namespace nhs::tobacco::testing

#endif  // TESTS_TESTING_FAKE_SERVICE_MANAGER_H_
