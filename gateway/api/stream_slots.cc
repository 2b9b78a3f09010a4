#include "gateway/api/stream_slots.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace nhs::tobacco::api {

StreamSlots::Slot& StreamSlots::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    Release();
    owner_ = std::exchange(other.owner_, nullptr);
    organisation_ = std::move(other.organisation_);
  }
  return *this;
}

void StreamSlots::Slot::Release() {
  if (owner_ == nullptr) return;
  std::exchange(owner_, nullptr)->Release(organisation_);
}

StreamSlots::StreamSlots(int total, int per_organisation,
                         std::string total_setting,
                         std::string per_organisation_setting)
    : total_(total),
      per_organisation_(per_organisation),
      total_setting_(std::move(total_setting)),
      per_organisation_setting_(std::move(per_organisation_setting)) {}

absl::StatusOr<StreamSlots::Slot> StreamSlots::Acquire(
    absl::string_view organisation) {
  absl::MutexLock lock(&mu_);
  // The organisation's own cap first: an organisation at its cap is told
  // so even when the whole gateway is busy too.
  int& mine = open_by_organisation_[organisation];
  if (mine >= per_organisation_) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "too many event streams are open for organisation ", organisation,
        " (limit ", per_organisation_, " per organisation, ",
        per_organisation_setting_, "); close one or retry later"));
  }
  if (open_ >= total_) {
    if (mine == 0) open_by_organisation_.erase(organisation);
    return absl::ResourceExhaustedError(
        absl::StrCat("too many event streams are open (limit ", total_,
                     " in total, ", total_setting_, "); retry later"));
  }
  ++mine;
  ++open_;
  return Slot(this, std::string(organisation));
}

void StreamSlots::Release(const std::string& organisation) {
  absl::MutexLock lock(&mu_);
  --open_;
  auto it = open_by_organisation_.find(organisation);
  if (it != open_by_organisation_.end() && --it->second <= 0) {
    open_by_organisation_.erase(it);
  }
}

int StreamSlots::open() const {
  absl::MutexLock lock(&mu_);
  return open_;
}

int StreamSlots::open_for(absl::string_view organisation) const {
  absl::MutexLock lock(&mu_);
  auto it = open_by_organisation_.find(organisation);
  return it == open_by_organisation_.end() ? 0 : it->second;
}

}  // namespace nhs::tobacco::api
