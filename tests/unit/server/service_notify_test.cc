#include "gateway/server/service_notify.h"

#include <stdlib.h>

#include <filesystem>
#include <string>

#include "gtest/gtest.h"
#include "tests/testing/fake_service_manager.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::server {
namespace {

using ::nhs::tobacco::testing::FakeServiceManager;
using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;

TEST(ServiceNotifyTest, WithoutNotifySocketBothCallsDoNothingAndSucceed) {
  unsetenv("NOTIFY_SOCKET");
  EXPECT_THAT(NotifyReady(), IsOk());
  EXPECT_THAT(NotifyStopping(), IsOk());
}

TEST(ServiceNotifyTest, ReadyThenStoppingReachTheServiceManagerInOrder) {
  FakeServiceManager manager("notify-unit");
  ASSERT_TRUE(manager.bound());

  ASSERT_THAT(NotifyReady(), IsOk());
  const std::string ready = manager.Receive(5);
  EXPECT_NE(ready.find("READY=1\n"), std::string::npos) << ready;
  EXPECT_EQ(ready.find("STOPPING=1"), std::string::npos) << ready;

  ASSERT_THAT(NotifyStopping(), IsOk());
  const std::string stopping = manager.Receive(5);
  EXPECT_NE(stopping.find("STOPPING=1\n"), std::string::npos) << stopping;
  EXPECT_EQ(stopping.find("READY=1"), std::string::npos) << stopping;
}

TEST(ServiceNotifyTest, ASocketThatIsGoneIsReportedAsUnavailable) {
  std::filesystem::path gone;
  {
    FakeServiceManager manager("notify-gone");
    gone = manager.path();
  }
  setenv("NOTIFY_SOCKET", gone.c_str(), 1);
  EXPECT_THAT(NotifyReady(), StatusIs(absl::StatusCode::kUnavailable));
  unsetenv("NOTIFY_SOCKET");
}

}  // namespace
}  // namespace nhs::tobacco::server
