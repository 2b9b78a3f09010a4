#ifndef TESTS_UNIT_STORE_STORE_CONFORMANCE_H_
#define TESTS_UNIT_STORE_STORE_CONFORMANCE_H_

// The conformance suite every Store back end passes
// (store_conformance_test.cc), instantiated once per back end in its own
// test binary so that ctest labels tell them apart:
// store_conformance_sqlite_test.cc (unit) and
// store_conformance_postgres_test.cc (postgres).
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "gateway/store/store.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::store {

struct Backend {
  std::string name;
  // The config of a new, empty store for one test; `dir` is a fresh
  // folder the test removes afterwards.
  std::function<v1::StoreConfig(const std::filesystem::path& dir)> config;
  // SQLite: a second gateway on the same database is refused. PostgreSQL:
  // several instances share one database.
  bool one_instance = true;
};

class StoreConformanceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("store_conformance_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    config_ = GetParam().config(dir_);
    config_.set_max_batch_size(64);
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    store_.reset();
    auto store = OpenStore(config_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  absl::Status Write(WriteWork work) { return store_->WriteAndWait(work); }

  std::filesystem::path dir_;
  v1::StoreConfig config_;
  std::unique_ptr<Store> store_;
};

}  // namespace nhs::tobacco::store

#endif  // TESTS_UNIT_STORE_STORE_CONFORMANCE_H_
