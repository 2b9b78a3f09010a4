#ifndef TESTS_TESTING_GATEWAY_PROCESS_H_
#define TESTS_TESTING_GATEWAY_PROCESS_H_

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "nhs/tobacco/v1/config.pb.h"

namespace nhs::tobacco::testing {

// The real tobacco-gateway binary as a child process, for tests that kill
// it with SIGKILL (an in-process server cannot be killed without the test).

// A loopback port free right now (the OS picks it; the gateway binds it
// moments later, as crash_recovery_test.cc does).
inline int FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

// Waits until something accepts TCP connections on 127.0.0.1:`port`; false
// after `timeout`. The binary opens its listeners one after another (gRPC,
// FHIR, MLLP, admin), so a harness that waited for gRPC alone raced the
// MLLP listener on a loaded machine ("Connection refused").
inline bool WaitForLoopbackPort(int port, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    const bool up =
        connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    close(fd);
    if (up) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return false;
}

// Writes `config` as the textproto the binary reads with --config.
inline void WriteConfigFile(const v1::GatewayConfig& config,
                            const std::filesystem::path& path) {
  std::string text;
  ASSERT_TRUE(google::protobuf::TextFormat::PrintToString(config, &text));
  std::ofstream(path) << text;
}

// Starts `binary --config config_path` with stderr appended to log_path
// (every lifetime in one file, for the patient-identifier search).
inline pid_t SpawnGateway(const std::string& binary,
                          const std::string& config_path,
                          const std::string& log_path) {
  pid_t pid = fork();
  if (pid == 0) {
    FILE* log = fopen(log_path.c_str(), "a");
    if (log != nullptr) dup2(fileno(log), STDERR_FILENO);
    // No drain delay: a test's SIGTERM stops at once (readiness_test.cc
    // passes its own).
    execl(binary.c_str(), binary.c_str(), "--config", config_path.c_str(),
          "--drain_delay=0s", static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

// kill -9 and reap.
inline void KillNine(pid_t pid) {
  EXPECT_EQ(kill(pid, SIGKILL), 0);
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
}

// SIGTERM (the gateway drains and exits); true when it exited with 0.
inline bool StopGracefully(pid_t pid) {
  kill(pid, SIGTERM);
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  return WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0;
}

}  // namespace nhs::tobacco::testing

#endif  // TESTS_TESTING_GATEWAY_PROCESS_H_
