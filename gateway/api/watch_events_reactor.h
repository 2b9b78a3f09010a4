#ifndef GATEWAY_API_WATCH_EVENTS_REACTOR_H_
#define GATEWAY_API_WATCH_EVENTS_REACTOR_H_

#include <grpcpp/support/server_callback.h>

#include <atomic>
#include <deque>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "gateway/security/principal.h"
#include "absl/synchronization/mutex.h"
#include "gateway/pathway/event_hub.h"
#include "gateway/pathway/pathway.h"
#include "nhs/tobacco/v1/prescription_service.pb.h"

namespace nhs::tobacco::api {

// One WatchEvents stream. It keeps a cursor (the last sequence written) and
// reads the next events from the store whenever the previous write finished
// or the hub says new events were committed, so a reconnect with the last
// sequence seen misses nothing and a slow client only slows itself. Deletes
// itself in OnDone(). Callbacks never wait on the network.
class WatchEventsReactor final
    : public grpc::ServerWriteReactor<v1::TimelineEvent> {
 public:
  // `active_streams` counts open streams for the configured limit; the
  // reactor decrements it when done.
  // Only events about records `caller` may read are sent.
  WatchEventsReactor(pathway::Pathway& pathway, pathway::EventHub& hub,
                     const v1::WatchEventsRequest& request,
                     security::Principal caller,
                     std::atomic<int>& active_streams);

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  // Starts the next write if none is in flight, reading more events from
  // the store when the buffer is empty.
  void Pump();
  void FinishLocked(const grpc::Status& status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Whether the caller may see this event (answers cached per record).
  bool Visible(const v1::TimelineEvent& event)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  pathway::Pathway& pathway_;
  pathway::EventHub& hub_;
  const v1::WatchEventsRequest request_;
  const security::Principal caller_;
  std::atomic<int>& active_streams_;
  int64_t hub_token_ = 0;

  absl::Mutex mu_;
  int64_t cursor_ ABSL_GUARDED_BY(mu_);
  std::deque<v1::TimelineEvent> buffer_ ABSL_GUARDED_BY(mu_);
  v1::TimelineEvent in_flight_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_map<std::string, bool> visible_ ABSL_GUARDED_BY(mu_);
};

}  // namespace nhs::tobacco::api

#endif  // GATEWAY_API_WATCH_EVENTS_REACTOR_H_
