#include "gateway/common/secret.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::IsOkAndHolds;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

class SecretTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("secret_test_" + std::to_string(::getpid()));
  }
  void TearDown() override { std::filesystem::remove(path_); }
  void Write(const std::string& text, mode_t mode) {
    std::ofstream(path_) << text;
    ::chmod(path_.c_str(), mode);
  }
  SecretSource FromFile() const {
    return {.file_field = "x.password_file",
            .env_field = "x.password_env",
            .file = path_.string()};
  }
  std::filesystem::path path_;
};

TEST_F(SecretTest, AFileOnlyItsOwnerReadsGivesItsFirstLineStripped) {
  Write("pa55word\n", 0600);
  EXPECT_THAT(ReadSecret(FromFile()), IsOkAndHolds("pa55word"));
}

TEST_F(SecretTest, AFileOthersCanReadIsRefusedWithoutQuotingIt) {
  Write("pa55word\n", 0644);
  auto secret = ReadSecret(FromFile());
  EXPECT_THAT(secret, StatusIs(absl::StatusCode::kFailedPrecondition,
                               HasSubstr("chmod 600")));
  EXPECT_THAT(std::string(secret.status().message()),
              AllOf(HasSubstr("x.password_file"), Not(HasSubstr("pa55"))));
}

TEST_F(SecretTest, AMissingFileSaysWhich) {
  EXPECT_THAT(ReadSecret(FromFile()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr(path_.string())));
}

TEST_F(SecretTest, AnEnvironmentVariable) {
  ::setenv("TOBACCO_SECRET_TEST", "from-env", 1);
  EXPECT_THAT(
      ReadSecret({.env_field = "x.password_env", .env = "TOBACCO_SECRET_TEST"}),
      IsOkAndHolds("from-env"));
  ::unsetenv("TOBACCO_SECRET_TEST");
  EXPECT_THAT(
      ReadSecret({.env_field = "x.password_env", .env = "TOBACCO_SECRET_TEST"}),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               HasSubstr("TOBACCO_SECRET_TEST is not set")));
}

TEST_F(SecretTest, BothOrNeitherIsAConfigurationError) {
  Write("pa55word\n", 0600);
  SecretSource both = FromFile();
  both.env = "HOME";
  EXPECT_THAT(ReadSecret(both), StatusIs(absl::StatusCode::kFailedPrecondition,
                                         HasSubstr("not both")));
  EXPECT_THAT(
      ReadSecret({.file_field = "a", .env_field = "b"}),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("required")));
}

TEST_F(SecretTest, AnEmptySecretIsRefused) {
  Write("\n", 0600);
  EXPECT_THAT(
      ReadSecret(FromFile()),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("empty")));
}

}  // namespace
}  // namespace nhs::tobacco
