// The file watch that reloads the HTTPS and MLLP listeners when their
// certificate, key, CA or CRL files change.
#include "gateway/server/tls_file_watch.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::server {
namespace {

namespace fs = std::filesystem;

using ::nhs::tobacco::testing::IsOk;

void Write(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

class TlsFileWatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           absl::StrCat(
               "tobacco_tls_watch_", ::getpid(), "_",
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "crl");
    Write(dir_ / "server.pem", "certificate one");
    Write(dir_ / "crl" / "abcd1234.r0", "crl one");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A watch over the certificate and the CRL folder that looks only when
  // the test calls Poll() (its own interval is an hour).
  std::unique_ptr<TlsFileWatch> Watch() {
    auto watch = std::make_unique<TlsFileWatch>(
        std::vector<std::string>{(dir_ / "server.pem").string(),
                                 (dir_ / "crl").string()},
        absl::Hours(1), [this] {
          ++reloads_;
          return next_;
        });
    watch->Start();
    return watch;
  }

  fs::path dir_;
  std::atomic<int> reloads_{0};
  absl::Status next_;
};

TEST_F(TlsFileWatchTest, UnchangedFilesDoNotReload) {
  auto watch = Watch();
  EXPECT_FALSE(watch->Poll());
  EXPECT_FALSE(watch->Poll());
  EXPECT_EQ(reloads_, 0);
}

TEST_F(TlsFileWatchTest, RewrittenCertificateWithTheSameSizeReloadsOnce) {
  auto watch = Watch();
  // Same length, written at once: only the contents tell them apart.
  Write(dir_ / "server.pem", "certificate two");
  absl::Status reloaded = absl::UnknownError("not called");
  EXPECT_TRUE(watch->Poll(&reloaded));
  EXPECT_THAT(reloaded, IsOk());
  EXPECT_FALSE(watch->Poll());
  EXPECT_EQ(reloads_, 1);
}

TEST_F(TlsFileWatchTest, NewCrlFileInTheFolderReloads) {
  auto watch = Watch();
  Write(dir_ / "crl" / "abcd1234.r1", "crl two");
  EXPECT_TRUE(watch->Poll());
  EXPECT_EQ(reloads_, 1);
}

TEST_F(TlsFileWatchTest, FailedReloadIsTriedAgainUntilItSucceeds) {
  auto watch = Watch();
  next_ = absl::FailedPreconditionError("half-written key");
  Write(dir_ / "server.pem", "certificate two");
  absl::Status reloaded;
  EXPECT_TRUE(watch->Poll(&reloaded));
  EXPECT_EQ(reloaded.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(watch->Poll());
  next_ = absl::OkStatus();
  EXPECT_TRUE(watch->Poll());
  EXPECT_FALSE(watch->Poll());
  EXPECT_EQ(reloads_, 3);
}

TEST_F(TlsFileWatchTest, RemovedFileCountsAsAChange) {
  auto watch = Watch();
  fs::remove(dir_ / "server.pem");
  EXPECT_TRUE(watch->Poll());
}

TEST_F(TlsFileWatchTest, StartedWatchReloadsWithinItsInterval) {
  std::atomic<int> reloads{0};
  TlsFileWatch watch({(dir_ / "server.pem").string()}, absl::Milliseconds(20),
                     [&reloads] {
                       ++reloads;
                       return absl::OkStatus();
                     });
  watch.Start();
  Write(dir_ / "server.pem", "certificate two");
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (reloads == 0 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  // At least once: a look may also fall between the truncation and the
  // write of the new contents.
  EXPECT_GE(reloads, 1);
}

}  // namespace
}  // namespace nhs::tobacco::server
