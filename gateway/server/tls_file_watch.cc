#include "gateway/server/tls_file_watch.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>

#include "absl/hash/hash.h"

namespace nhs::tobacco::server {
namespace {

namespace fs = std::filesystem;

// The file's bytes, or a marker no file's contents can equal when it is
// missing or unreadable (so "gone" and "back" both count as a change).
std::string Contents(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::string("\0missing", 8);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TlsFileWatch::TlsFileWatch(std::vector<std::string> paths,
                           absl::Duration interval,
                           std::function<absl::Status()> reload)
    : paths_(std::move(paths)),
      interval_(std::max(interval, absl::Milliseconds(10))),
      reload_(std::move(reload)) {}

TlsFileWatch::~TlsFileWatch() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void TlsFileWatch::Start() {
  {
    absl::MutexLock lock(&poll_mu_);
    last_ = Fingerprint();
    seen_ = true;
  }
  thread_ = std::thread([this] {
    while (true) {
      {
        absl::MutexLock lock(&mu_);
        if (mu_.AwaitWithTimeout(absl::Condition(&stop_), interval_)) {
          return;
        }
      }
      Poll();
    }
  });
}

size_t TlsFileWatch::Fingerprint() const {
  std::vector<std::pair<std::string, std::string>> seen;
  for (const std::string& path : paths_) {
    std::error_code error;
    if (fs::is_directory(path, error)) {
      std::vector<std::string> names;
      for (const auto& entry : fs::directory_iterator(path, error)) {
        if (entry.is_regular_file(error)) names.push_back(entry.path());
      }
      std::sort(names.begin(), names.end());
      seen.emplace_back(path, "folder");
      for (const std::string& name : names) {
        seen.emplace_back(name, Contents(name));
      }
    } else {
      seen.emplace_back(path, Contents(path));
    }
  }
  return absl::HashOf(seen);
}

bool TlsFileWatch::Poll(absl::Status* reloaded) {
  absl::MutexLock lock(&poll_mu_);
  const size_t now = Fingerprint();
  if (seen_ && now == last_) return false;
  const absl::Status status = reload_();
  if (reloaded != nullptr) *reloaded = status;
  // Remembered only once the listeners hold these files: a failed reload
  // is tried again at the next look.
  if (status.ok()) {
    last_ = now;
    seen_ = true;
  }
  return true;
}

}  // namespace nhs::tobacco::server
