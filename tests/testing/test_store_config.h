#ifndef TESTS_TESTING_TEST_STORE_CONFIG_H_
#define TESTS_TESTING_TEST_STORE_CONFIG_H_

// The store a use-case test runs on: SQLite in `dir`, or, when ctest runs
// the same test binary a second time with TOBACCO_TEST_STORE=postgres
// (label postgres), a fresh database on the fixture's PostgreSQL server.
// So every transition, refusal and audit row the pathway tests check is
// checked on both back ends.
#include <cstdlib>
#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nhs/tobacco/v1/config.pb.h"
#include "tests/testing/pg_test_server.h"

namespace nhs::tobacco::testing {

inline bool TestStoreIsPostgres() {
  const char* store = std::getenv("TOBACCO_TEST_STORE");
  return store != nullptr && std::string(store) == "postgres";
}

inline v1::StoreConfig TestStoreConfig(const std::filesystem::path& dir) {
  v1::StoreConfig config;
  config.set_data_dir(dir.string());
  if (TestStoreIsPostgres()) {
    EXPECT_FALSE(PgTestDir().empty())
        << "TOBACCO_TEST_STORE=postgres needs TOBACCO_PG_DIR: run through "
           "ctest (fixture postgres)";
    config.mutable_postgres()->set_conninfo(PgFreshDatabase().conninfo);
    config.mutable_postgres()->set_password_file(
        absl::StrCat(PgTestDir(), "/password"));
  }
  return config;
}

}  // namespace nhs::tobacco::testing

#endif  // TESTS_TESTING_TEST_STORE_CONFIG_H_
