// SIGTERM on the real binary with a drain delay: first /readyz 503 and gRPC
// health NOT_SERVING for every service while the gRPC listener still
// answers (the health call itself proves it), then the listeners close and
// the process exits cleanly.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/grpc_health.h"
#include "tests/testing/plain_http_client.h"
#include "tests/testing/test_gateway.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::FreeLoopbackPort;
using ::nhs::tobacco::testing::FreshDataDir;
using ::nhs::tobacco::testing::GrpcHealth;
using ::nhs::tobacco::testing::kNotServing;
using ::nhs::tobacco::testing::kServing;
using ::nhs::tobacco::testing::PlainHttpGet;
using ::nhs::tobacco::testing::SampleConfig;
using ::nhs::tobacco::testing::WriteConfigFile;
using ::testing::HasSubstr;

constexpr char kServices[][40] = {"",
                                  "nhs.tobacco.v1.ReferralService",
                                  "nhs.tobacco.v1.PrescriptionService",
                                  "nhs.tobacco.v1.OutcomeService",
                                  "nhs.tobacco.v1.SafetyAlertService",
                                  "nhs.tobacco.v1.AdminService",
                                  "nhs.tobacco.v1.FormularyService",
                                  "nhs.tobacco.v1.ReportService"};

TEST(DrainTest, SigtermReportsNotServingBeforeTheListenersClose) {
  const std::filesystem::path dir = FreshDataDir();
  const int grpc_port = FreeLoopbackPort();
  const int admin_port = FreeLoopbackPort();
  v1::GatewayConfig config = SampleConfig(dir / "data");
  config.mutable_grpc()->set_address(absl::StrCat("127.0.0.1:", grpc_port));
  config.mutable_admin()->set_address(absl::StrCat("127.0.0.1:", admin_port));
  const std::string config_path = (dir / "gateway.textproto").string();
  WriteConfigFile(config, config_path);
  const std::string log_path = (dir / "gateway.log").string();

  const pid_t pid = fork();
  if (pid == 0) {
    FILE* log = fopen(log_path.c_str(), "a");
    if (log != nullptr) dup2(fileno(log), STDERR_FILENO);
    execl(TOBACCO_GATEWAY_BIN, TOBACCO_GATEWAY_BIN, "--config",
          config_path.c_str(), "--drain_delay=4s", static_cast<char*>(nullptr));
    _exit(127);
  }
  ASSERT_GT(pid, 0);
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", grpc_port),
                                     grpc::InsecureChannelCredentials());
  ASSERT_TRUE(channel->WaitForConnected(
      absl::ToChronoTime(absl::Now() + absl::Seconds(20))))
      << "gateway did not start";
  for (const char* service : kServices) {
    EXPECT_EQ(GrpcHealth(channel, service), kServing) << service;
  }
  EXPECT_EQ(PlainHttpGet(admin_port, "/readyz").status, 200);

  const absl::Time term = absl::Now();
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  // Within the drain delay: not ready, NOT_SERVING, yet still answering.
  int overall = -1;
  while (absl::Now() - term < absl::Seconds(3)) {
    overall = GrpcHealth(channel, "");
    if (overall == kNotServing) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_EQ(overall, kNotServing);
  for (const char* service : kServices) {
    EXPECT_EQ(GrpcHealth(channel, service), kNotServing) << service;
  }
  const testing::PlainHttpResponse ready = PlainHttpGet(admin_port, "/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_THAT(ready.body, HasSubstr(R"("failing":["draining"])"));
  EXPECT_LT(absl::Now() - term, absl::Seconds(4))
      << "the checks above must run inside the drain delay";

  // Then the listeners close and the process exits 0 (our connection goes
  // first: an open one would hold the gRPC drain for its whole grace).
  channel.reset();
  int wstatus = 0;
  ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
  EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);
  EXPECT_GE(absl::Now() - term, absl::Seconds(4));
  EXPECT_EQ(
      GrpcHealth(grpc::CreateChannel(absl::StrCat("127.0.0.1:", grpc_port),
                                     grpc::InsecureChannelCredentials()),
                 ""),
      -1);
  EXPECT_EQ(PlainHttpGet(admin_port, "/healthz").status, 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nhs::tobacco
