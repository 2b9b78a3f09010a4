#include "gateway/cli/channel.h"

#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::cli {
namespace {

using ::testing::HasSubstr;

FileReader Files(std::map<std::string, std::string> files) {
  return [files](const std::string& path) -> absl::StatusOr<std::string> {
    auto it = files.find(path);
    if (it == files.end()) return absl::NotFoundError("cannot read " + path);
    return it->second;
  };
}

TEST(MakeChannelTest, NoTlsFlagsGiveAnInsecureChannel) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      MakeChannel(ConnectionOptions{}, Files({}));
  ASSERT_TRUE(channel.ok()) << channel.status();
  EXPECT_NE(*channel, nullptr);
}

TEST(MakeChannelTest, CertWithoutKeyNamesKey) {
  ConnectionOptions options;
  options.cert_file = "client.pem";
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      MakeChannel(options, Files({{"client.pem", "PEM"}}));
  EXPECT_EQ(channel.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(channel.status().message(), HasSubstr("--key:"));
}

TEST(MakeChannelTest, KeyWithoutCertNamesCert) {
  ConnectionOptions options;
  options.key_file = "client.key";
  EXPECT_THAT(MakeChannel(options, Files({})).status().message(),
              HasSubstr("--cert:"));
}

TEST(MakeChannelTest, UnreadableCaNamesCa) {
  ConnectionOptions options;
  options.ca_file = "missing-ca.pem";
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      MakeChannel(options, Files({}));
  EXPECT_THAT(channel.status().message(),
              HasSubstr("--ca: cannot read missing-ca.pem"));
}

TEST(MakeChannelTest, UnreadableKeyNamesKey) {
  ConnectionOptions options;
  options.cert_file = "client.pem";
  options.key_file = "client.key";
  EXPECT_THAT(
      MakeChannel(options, Files({{"client.pem", "PEM"}})).status().message(),
      HasSubstr("--key: cannot read client.key"));
}

}  // namespace
}  // namespace nhs::tobacco::cli
