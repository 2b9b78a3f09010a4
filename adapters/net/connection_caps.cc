#include "adapters/net/connection_caps.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace nhs::tobacco::net {

struct ConnectionCaps::Slot::State {
  State(int max_total, int max_per_key)
      : max_total(max_total), max_per_key(max_per_key) {}
  const int max_total;
  const int max_per_key;
  mutable absl::Mutex mu;
  int total ABSL_GUARDED_BY(mu) = 0;
  absl::flat_hash_map<std::string, int> per_key ABSL_GUARDED_BY(mu);

  void DropKey(const std::string& key) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    if (key.empty()) return;
    auto it = per_key.find(key);
    if (it != per_key.end() && --it->second <= 0) per_key.erase(it);
  }
  absl::Status PerKeyFull(const std::string& key) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    if (key.empty()) return absl::OkStatus();
    auto it = per_key.find(key);
    if (it != per_key.end() && it->second >= max_per_key) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "limit of ", max_per_key, " connections per peer reached"));
    }
    return absl::OkStatus();
  }
};

ConnectionCaps::ConnectionCaps(int max_total, int max_per_key)
    : max_total_(std::max(1, max_total)),
      max_per_key_(std::max(1, max_per_key)),
      state_(std::make_shared<Slot::State>(max_total_, max_per_key_)) {}

absl::StatusOr<ConnectionCaps::Slot> ConnectionCaps::TryAcquire(
    const std::string& key) {
  absl::MutexLock lock(&state_->mu);
  if (state_->total >= max_total_) {
    return absl::ResourceExhaustedError(
        absl::StrCat("limit of ", max_total_, " connections reached"));
  }
  if (absl::Status full = state_->PerKeyFull(key); !full.ok()) return full;
  ++state_->total;
  if (!key.empty()) ++state_->per_key[key];
  return Slot(state_, key);
}

int ConnectionCaps::total() const {
  absl::MutexLock lock(&state_->mu);
  return state_->total;
}

int ConnectionCaps::count(const std::string& key) const {
  absl::MutexLock lock(&state_->mu);
  auto it = state_->per_key.find(key);
  return it == state_->per_key.end() ? 0 : it->second;
}

ConnectionCaps::Slot& ConnectionCaps::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    Release();
    state_ = std::move(other.state_);
    key_ = std::move(other.key_);
    other.state_ = nullptr;
  }
  return *this;
}

ConnectionCaps::Slot::~Slot() { Release(); }

void ConnectionCaps::Slot::Release() {
  if (state_ == nullptr) return;
  {
    absl::MutexLock lock(&state_->mu);
    state_->DropKey(key_);
    --state_->total;
  }
  state_ = nullptr;
}

absl::Status ConnectionCaps::Slot::Rekey(const std::string& key) {
  if (state_ == nullptr) {
    return absl::FailedPreconditionError("slot not held");
  }
  if (key == key_) return absl::OkStatus();
  absl::MutexLock lock(&state_->mu);
  if (absl::Status full = state_->PerKeyFull(key); !full.ok()) return full;
  state_->DropKey(key_);
  if (!key.empty()) ++state_->per_key[key];
  key_ = key;
  return absl::OkStatus();
}

}  // namespace nhs::tobacco::net
