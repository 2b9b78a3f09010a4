#include "gateway/server/audit_keys.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_gateway.h"

namespace nhs::tobacco::server {
namespace {

using ::nhs::tobacco::testing::FreshDataDir;
using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::HasSubstr;

class AuditKeysTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = FreshDataDir(); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string WriteKey(const std::string& name, const std::string& secret,
                       mode_t mode = 0600) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << secret << "\n";
    chmod(path.c_str(), mode);
    return path;
  }

  std::filesystem::path dir_;
};

const std::string kSecret = "0123456789abcdef0123456789abcdef";

TEST_F(AuditKeysTest, AKeyFileSealsRowsUnderItsId) {
  v1::AuditConfig audit;
  audit.set_key_id("2026-11");
  audit.set_key_file(WriteKey("audit.key", kSecret));
  absl::StatusOr<security::AuditKeyRing> keys =
      LoadAuditKeys(audit, dir_.string());
  ASSERT_THAT(keys, IsOk());
  v1::AuditRecord row;
  row.set_sequence(1);
  keys->Seal(security::kAuditGenesisHash, row);
  EXPECT_EQ(row.key_id(), "2026-11");
  // The trailing newline is not part of the secret.
  EXPECT_EQ(row.hash(), security::KeyedAuditRowHash(
                            kSecret, security::kAuditGenesisHash, row));
}

TEST_F(AuditKeysTest, AMissingOrWeakKeyStopsTheStartNamingIt) {
  v1::AuditConfig audit;
  EXPECT_THAT(LoadAuditKeys(audit, dir_.string()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("key_file or key_env is required")));
  audit.set_key_file((dir_ / "absent.key").string());
  EXPECT_THAT(
      LoadAuditKeys(audit, dir_.string()),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("absent.key")));
  audit.set_key_file(WriteKey("short.key", "too-short"));
  EXPECT_THAT(LoadAuditKeys(audit, dir_.string()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("at least 32")));
  audit.set_key_file(WriteKey("shared.key", kSecret, 0644));
  EXPECT_THAT(
      LoadAuditKeys(audit, dir_.string()),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("chmod 600")));
  audit.clear_key_file();
  audit.set_key_env("TOBACCO_AUDIT_KEY_TEST_UNSET");
  unsetenv("TOBACCO_AUDIT_KEY_TEST_UNSET");
  EXPECT_THAT(LoadAuditKeys(audit, dir_.string()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("TOBACCO_AUDIT_KEY_TEST_UNSET is not set")));
}

TEST_F(AuditKeysTest, AKeyFromTheEnvironmentAndRetiredKeysLoad) {
  setenv("TOBACCO_AUDIT_KEY_TEST", kSecret.c_str(), 1);
  v1::AuditConfig audit;
  audit.set_key_id("k2");
  audit.set_key_env("TOBACCO_AUDIT_KEY_TEST");
  v1::AuditKeyConfig* old = audit.add_retired_keys();
  old->set_key_id("k1");
  old->set_key_file(WriteKey("old.key", std::string(40, 'x')));
  absl::StatusOr<security::AuditKeyRing> keys =
      LoadAuditKeys(audit, dir_.string());
  ASSERT_THAT(keys, IsOk());
  EXPECT_EQ(keys->current_id(), "k2");
  v1::AuditRecord row;
  row.set_key_id("k1");
  EXPECT_THAT(keys->ExpectedHash(security::kAuditGenesisHash, row), IsOk());
  unsetenv("TOBACCO_AUDIT_KEY_TEST");
}

TEST_F(AuditKeysTest, TheDevelopmentKeyIsMadeOnceAndKeptPrivate) {
  v1::AuditConfig audit;
  audit.set_development_key(true);
  absl::StatusOr<security::AuditKeyRing> first =
      LoadAuditKeys(audit, dir_.string());
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->current_id(), "dev");
  struct stat st {};
  ASSERT_EQ(stat((dir_ / "audit-dev.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  // A restart finds the same key: rows sealed before still verify.
  v1::AuditRecord row;
  row.set_sequence(1);
  first->Seal(security::kAuditGenesisHash, row);
  absl::StatusOr<security::AuditKeyRing> again =
      LoadAuditKeys(audit, dir_.string());
  ASSERT_THAT(again, IsOk());
  EXPECT_THAT(again->ExpectedHash(security::kAuditGenesisHash, row),
              ::nhs::tobacco::testing::IsOkAndHolds(row.hash()));
}

}  // namespace
}  // namespace nhs::tobacco::server
