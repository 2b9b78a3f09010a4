// The conformance suite on PostgreSQL: a fresh database per test on the
// ctest fixture's server (label postgres).
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "tests/testing/pg_test_server.h"
#include "tests/unit/store/store_conformance.h"

namespace nhs::tobacco::store {
namespace {

INSTANTIATE_TEST_SUITE_P(
    Postgres, StoreConformanceTest,
    ::testing::Values(Backend{
        .name = "postgres",
        .config =
            [](const std::filesystem::path& dir) {
              EXPECT_FALSE(testing::PgTestDir().empty())
                  << "TOBACCO_PG_DIR is not set: run through ctest "
                     "(fixture postgres)";
              v1::StoreConfig config;
              config.set_data_dir(dir.string());
              config.mutable_postgres()->set_conninfo(
                  testing::PgFreshDatabase().conninfo);
              config.mutable_postgres()->set_password_file(
                  absl::StrCat(testing::PgTestDir(), "/password"));
              return config;
            },
        .one_instance = false}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace nhs::tobacco::store
