// tobaccoctl as integrators script it (issue 15): the connection from
// TOBACCOCTL_TARGET, TOBACCOCTL_CA, TOBACCOCTL_CERT and TOBACCOCTL_KEY (the
// real process environment), flags winning over it, and a retryable refusal
// (UNAVAILABLE, RESOURCE_EXHAUSTED) exiting 3 rather than 1, against an
// in-process gateway on mutual TLS.
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gateway/cli/channel.h"
#include "gateway/cli/commands.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/dev_certs.h"
#include "tests/testing/dev_mutual_tls.h"
#include "tests/testing/test_gateway.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::DevCerts;
using ::nhs::tobacco::testing::FreshDataDir;
using ::nhs::tobacco::testing::SampleConfig;
using ::nhs::tobacco::testing::UseDevMutualTls;
using ::testing::HasSubstr;

struct Outcome {
  int exit_code;
  std::string out;
  std::string err;
};

constexpr const char* kVariables[] = {"TOBACCOCTL_TARGET", "TOBACCOCTL_CA",
                                      "TOBACCOCTL_CERT", "TOBACCOCTL_KEY"};

class TobaccoctlConventionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshDataDir();
    v1::GatewayConfig config = SampleConfig(dir_);
    UseDevMutualTls(*config.mutable_grpc());
    config.mutable_grpc()->set_per_principal_rate_limit(5);
    auto server = server::GatewayServer::Start(config);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    for (const char* name : kVariables) unsetenv(name);
  }
  void TearDown() override {
    for (const char* name : kVariables) unsetenv(name);
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string Target() const {
    return absl::StrCat("localhost:", server_->port());
  }
  static std::string Cert(const std::string& name, const char* ext) {
    return (DevCerts() / (name + ext)).string();
  }
  // The process environment naming the gateway and presenting `name`.
  void ExportAs(const std::string& name) {
    setenv("TOBACCOCTL_TARGET", Target().c_str(), 1);
    setenv("TOBACCOCTL_CA", Cert("ca", ".pem").c_str(), 1);
    setenv("TOBACCOCTL_CERT", Cert(name, ".pem").c_str(), 1);
    setenv("TOBACCOCTL_KEY", Cert(name, ".key").c_str(), 1);
  }

  // Runs with the real Environment (std::getenv) and channel factory.
  static Outcome Run(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    cli::Environment env;
    int code = cli::RunTobaccoctl(
        args, out, err,
        [&env](const cli::ConnectionOptions& options) {
          return cli::MakeChannel(options, env.read_file);
        },
        env);
    return {code, out.str(), err.str()};
  }

  std::filesystem::path dir_;
  std::unique_ptr<server::GatewayServer> server_;
};

TEST_F(TobaccoctlConventionsTest, EnvironmentNamesTheGatewayAndCertificate) {
  ExportAs("admin-ops");
  Outcome o = Run({"deliveries", "list"});
  EXPECT_EQ(o.exit_code, cli::kExitOk) << o.err;
  EXPECT_EQ(o.out, "no outbound messages\n");
}

TEST_F(TobaccoctlConventionsTest, FlagsWinOverTheEnvironment) {
  ExportAs("trust-rx9");                          // not entitled to deliveries
  setenv("TOBACCOCTL_TARGET", "127.0.0.1:1", 1);  // nothing listens there
  Outcome o = Run({"--target", Target(), "--cert", Cert("admin-ops", ".pem"),
                   "--key", Cert("admin-ops", ".key"), "deliveries", "list"});
  EXPECT_EQ(o.exit_code, cli::kExitOk) << o.err;
  // Without the flags the environment's certificate speaks, and is refused
  // for good: exit 1, not the retryable 3.
  Outcome refused = Run({"--target", Target(), "deliveries", "list"});
  EXPECT_EQ(refused.exit_code, cli::kExitRpcError) << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("PERMISSION_DENIED"));
}

TEST_F(TobaccoctlConventionsTest, UnreachableGatewayExitsRetryable) {
  ExportAs("admin-ops");
  setenv("TOBACCOCTL_TARGET", "127.0.0.1:1", 1);
  Outcome o = Run({"--timeout", "5", "deliveries", "list"});
  EXPECT_EQ(o.exit_code, cli::kExitRetryable) << o.err;
  EXPECT_EQ(o.exit_code, 3);
}

TEST_F(TobaccoctlConventionsTest, RateLimitedCallExitsRetryable) {
  ExportAs("admin-ops");
  int limited = 0;
  for (int i = 0; i < 40 && limited == 0; ++i) {
    Outcome o = Run({"deliveries", "list"});
    if (o.exit_code == cli::kExitRetryable) {
      ++limited;
      EXPECT_THAT(o.err, HasSubstr("RESOURCE_EXHAUSTED"));
    } else {
      EXPECT_EQ(o.exit_code, cli::kExitOk) << o.err;
    }
  }
  EXPECT_EQ(limited, 1) << "never rate limited";
}

TEST_F(TobaccoctlConventionsTest, HelpDocumentsEnvironmentAndExitCodes) {
  Outcome o = Run({"--help"});
  EXPECT_EQ(o.exit_code, cli::kExitOk);
  for (const char* name : kVariables) EXPECT_THAT(o.out, HasSubstr(name));
  EXPECT_THAT(o.out, HasSubstr("exit codes:"));
  EXPECT_THAT(o.out, HasSubstr("3  retryable"));
}

TEST(TobaccoctlChannelTest, ChannelsPingToNoticeADeadConnection) {
  grpc::ChannelArguments args = cli::ChannelArgs();
  grpc_channel_args c = args.c_channel_args();
  int keepalive_ms = 0;
  for (size_t i = 0; i < c.num_args; ++i) {
    if (std::string(c.args[i].key) == GRPC_ARG_KEEPALIVE_TIME_MS) {
      keepalive_ms = c.args[i].value.integer;
    }
  }
  EXPECT_GT(keepalive_ms, 0);
  EXPECT_LE(keepalive_ms, 60000);
}

}  // namespace
}  // namespace nhs::tobacco
