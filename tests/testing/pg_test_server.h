#ifndef TESTS_TESTING_PG_TEST_SERVER_H_
#define TESTS_TESTING_PG_TEST_SERVER_H_

// The PostgreSQL server of the ctest fixture "postgres"
// (tests/testing/postgres/pg_test_server.sh, started once per ctest run;
// TOBACCO_PG_DIR names its folder): connection options for its role, and a
// fresh database per test.
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gateway/common/secret.h"
#include "gateway/store/postgres/pg_connection.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::testing {

inline std::string PgTestDir() {
  const char* dir = std::getenv("TOBACCO_PG_DIR");
  return dir == nullptr ? "" : dir;
}

// A file a server script wrote, its trailing newline stripped.
inline std::string ReadPgServerFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return std::string(absl::StripTrailingAsciiWhitespace(text.str()));
}

inline std::string ReadPgTestFile(const std::string& name) {
  return ReadPgServerFile(std::filesystem::path(PgTestDir()) / name);
}

// Tests against the fixture's server: they fail, never skip, when run
// outside ctest (no fixture, no server).
class PgServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(PgTestDir().empty())
        << "TOBACCO_PG_DIR is not set: run through ctest (fixture postgres)";
  }
};

// Options for the fixture's database "tobacco", plain or over TLS
// (verify-full against the fixture's CA), the password read as the
// gateway reads it.
inline store::PgConnectOptions PgTestOptions(bool tls = false) {
  store::PgConnectOptions options;
  options.conninfo = ReadPgTestFile(tls ? "conninfo_tls" : "conninfo");
  absl::StatusOr<std::string> password =
      ReadSecret({.file_field = "password_file",
                  .file = absl::StrCat(PgTestDir(), "/password")});
  if (password.ok()) options.password = *password;
  return options;
}

// A database of its own for one test (the role may create databases):
// options naming it.
inline store::PgConnectOptions PgFreshDatabase() {
  static std::atomic<int> counter = 0;
  const std::string name =
      absl::StrCat("t_", ::getpid(), "_", counter.fetch_add(1));
  store::PgConnectOptions options = PgTestOptions();
  auto conn = store::PgConnection::Connect(options);
  EXPECT_TRUE(conn.ok()) << conn.status();
  if (conn.ok()) {
    absl::Status created =
        (*conn)->Exec(absl::StrCat("CREATE DATABASE ", name));
    EXPECT_TRUE(created.ok()) << created;
  }
  options.conninfo = absl::StrCat(options.conninfo, " dbname=", name);
  return options;
}

}  // namespace nhs::tobacco::testing

#endif  // TESTS_TESTING_PG_TEST_SERVER_H_
