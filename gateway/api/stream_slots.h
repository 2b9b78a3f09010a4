#ifndef GATEWAY_API_STREAM_SLOTS_H_
#define GATEWAY_API_STREAM_SLOTS_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace nhs::tobacco::api {

// The long-lived event streams (gRPC WatchEvents today, server-sent events
// next) that may be open at once: a cap in total and a cap per organisation,
// so that one organisation cannot take every slot and shut the others out.
// The server holds one and passes it to every streaming edge, so all of
// them count against the same caps. Thread-safe.
class StreamSlots {
 public:
  // One open stream's place; gives it back when destroyed. Move-only.
  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& other) noexcept { *this = std::move(other); }
    Slot& operator=(Slot&& other) noexcept;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() { Release(); }

    void Release();

   private:
    friend class StreamSlots;
    Slot(StreamSlots* owner, std::string organisation)
        : owner_(owner), organisation_(std::move(organisation)) {}

    StreamSlots* owner_ = nullptr;
    std::string organisation_;
  };

  // `total` and `per_organisation` at least 1; `total_setting` and
  // `per_organisation_setting` are the config fields named on refusal.
  StreamSlots(int total, int per_organisation, std::string total_setting,
              std::string per_organisation_setting);

  // A place for a new stream of `organisation` (an ODS code), or
  // RESOURCE_EXHAUSTED naming the limit it would cross.
  absl::StatusOr<Slot> Acquire(absl::string_view organisation);

  int open() const;
  int open_for(absl::string_view organisation) const;

 private:
  void Release(const std::string& organisation);

  const int total_;
  const int per_organisation_;
  const std::string total_setting_;
  const std::string per_organisation_setting_;
  mutable absl::Mutex mu_;
  int open_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<std::string, int> open_by_organisation_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace nhs::tobacco::api

#endif  // GATEWAY_API_STREAM_SLOTS_H_
