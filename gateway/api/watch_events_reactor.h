#ifndef GATEWAY_API_WATCH_EVENTS_REACTOR_H_
#define GATEWAY_API_WATCH_EVENTS_REACTOR_H_

#include <grpcpp/support/server_callback.h>

#include <deque>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "gateway/api/stream_slots.h"
#include "gateway/pathway/event_hub.h"
#include "gateway/pathway/prescription_use_cases.h"
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
  // `watch` is the use case's view of the timeline for this caller: only
  // events about records the caller may read come out of it.
  // `slot` is this stream's place under the stream caps; the reactor
  // gives it back when done.
  WatchEventsReactor(std::unique_ptr<pathway::EventWatch> watch,
                     pathway::EventHub& hub,
                     const v1::WatchEventsRequest& request,
                     StreamSlots::Slot slot);

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  // Starts the next write if none is in flight, reading more events from
  // the store when the buffer is empty.
  void Pump();
  void FinishLocked(const grpc::Status& status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  const std::unique_ptr<pathway::EventWatch> watch_;
  pathway::EventHub& hub_;
  StreamSlots::Slot slot_;
  int64_t hub_token_ = 0;

  absl::Mutex mu_;
  int64_t cursor_ ABSL_GUARDED_BY(mu_);
  std::deque<v1::TimelineEvent> buffer_ ABSL_GUARDED_BY(mu_);
  v1::TimelineEvent in_flight_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  // The client cancelled while a write was in flight: that write may still
  // report success, so its completion must finish the stream itself.
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace nhs::tobacco::api

#endif  // GATEWAY_API_WATCH_EVENTS_REACTOR_H_
