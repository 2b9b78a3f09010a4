// The conformance suite on SQLite, the default back end.
#include <filesystem>

#include "tests/unit/store/store_conformance.h"

namespace nhs::tobacco::store {
namespace {

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformanceTest,
                         ::testing::Values(Backend{
                             .name = "sqlite",
                             .config =
                                 [](const std::filesystem::path& dir) {
                                   v1::StoreConfig config;
                                   config.set_data_dir(dir.string());
                                   return config;
                                 },
                             .one_instance = true}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace nhs::tobacco::store
