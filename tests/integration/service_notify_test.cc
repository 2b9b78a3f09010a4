// The real tobacco-gateway binary under a fake systemd (NOTIFY_SOCKET): it
// says READY=1 only once it serves, and STOPPING=1 on SIGTERM before it
// exits cleanly (deploy/systemd/tobacco-gateway.service, Type=notify).
#include <signal.h>
#include <sys/wait.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/testing/fake_service_manager.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/test_gateway.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::Clients;
using ::nhs::tobacco::testing::FakeServiceManager;
using ::nhs::tobacco::testing::FreeLoopbackPort;
using ::nhs::tobacco::testing::FreshDataDir;
using ::nhs::tobacco::testing::SampleConfig;
using ::nhs::tobacco::testing::SpawnGateway;
using ::nhs::tobacco::testing::WriteConfigFile;

TEST(ServiceNotifyIntegrationTest, ReadyOnceServingStoppingOnSigterm) {
  const auto dir = FreshDataDir();
  const int port = FreeLoopbackPort();
  v1::GatewayConfig config = SampleConfig(dir / "data");
  config.mutable_grpc()->set_address(absl::StrCat("127.0.0.1:", port));
  const std::string config_path = (dir / "gateway.textproto").string();
  WriteConfigFile(config, config_path);
  const std::string log_path = (dir / "gateway.log").string();

  FakeServiceManager manager("notify-gateway");
  ASSERT_TRUE(manager.bound());
  const pid_t pid = SpawnGateway(TOBACCO_GATEWAY_BIN, config_path, log_path);
  ASSERT_GT(pid, 0);

  const std::string ready = manager.Receive(30);
  ASSERT_NE(ready.find("READY=1"), std::string::npos)
      << "no READY=1 within 30 s; see " << log_path;
  // Ready means serving: the gRPC listener answers at once, no retries.
  Clients clients(port);
  EXPECT_TRUE(clients.channel->WaitForConnected(
      absl::ToChronoTime(absl::Now() + absl::Seconds(2))));

  ASSERT_EQ(kill(pid, SIGTERM), 0);
  const std::string stopping = manager.Receive(30);
  EXPECT_NE(stopping.find("STOPPING=1"), std::string::npos) << stopping;
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0)
      << "see " << log_path;
}

}  // namespace
}  // namespace nhs::tobacco
