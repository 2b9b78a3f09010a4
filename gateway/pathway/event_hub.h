#ifndef GATEWAY_PATHWAY_EVENT_HUB_H_
#define GATEWAY_PATHWAY_EVENT_HUB_H_

#include <cstdint>
#include <functional>
#include <map>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace nhs::tobacco::pathway {

// Tells watchers that new timeline events were committed. The store's commit
// listener calls Publish() on its writer thread, which must not block, so
// subscribers are woken from the hub's own thread. Subscribers then read the
// events themselves by sequence, through the use case that filters them for
// their caller (PrescriptionUseCases::WatchEvents), so a slow watcher never
// holds up others or the writer, and nothing is lost between wake-ups. The
// hub carries no event and no patient data: only "something was committed".
// Thread-safe.
class EventHub {
 public:
  EventHub();
  ~EventHub();

  // Records that events up to `sequence` are committed.
  void Publish(int64_t sequence);
  int64_t latest() const;

  // `wake` runs on the hub thread after each Publish (coalesced). Returns a
  // token for Unsubscribe, after which `wake` is never called again.
  int64_t Subscribe(std::function<void()> wake);
  void Unsubscribe(int64_t token);

 private:
  void Run();

  mutable absl::Mutex mu_;
  int64_t latest_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t woken_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int64_t next_token_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<int64_t, std::function<void()>> subscribers_ ABSL_GUARDED_BY(mu_);
  // Held while calling subscribers so Unsubscribe can wait them out.
  absl::Mutex dispatch_mu_;
  std::thread thread_;
};

}  // namespace nhs::tobacco::pathway

#endif  // GATEWAY_PATHWAY_EVENT_HUB_H_
