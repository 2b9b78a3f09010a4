#ifndef GATEWAY_JSONAPI_SERVER_SENT_EVENTS_H_
#define GATEWAY_JSONAPI_SERVER_SENT_EVENTS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "adapters/http/message.h"
#include "adapters/http/responder.h"
#include "gateway/api/stream_slots.h"
#include "gateway/pathway/caller.h"
#include "gateway/pathway/event_hub.h"
#include "gateway/pathway/prescription_use_cases.h"
#include "google/protobuf/message.h"
#include "nhs/tobacco/v1/prescription_service.pb.h"

namespace nhs::tobacco::jsonapi {

struct ServerSentEventsOptions {
  // A comment line on every open stream this often, so proxies and
  // browsers keep an idle stream open and a dead client is found.
  absl::Duration keep_alive = absl::Seconds(15);
  // How long a browser waits before it reconnects (the `retry:` field).
  absl::Duration retry = absl::Seconds(3);
};

// GET /v1/events: the WatchEvents stream as server-sent events, for
// browsers (EventSource) and HTTP integrators. One event per committed
// timeline event the caller may see:
//
//   id: <sequence>
//   event: timeline
//   data: <the TimelineEvent in proto JSON>
//
// A reconnecting browser sends `Last-Event-ID` (the last id it saw), which
// beats the request's after_sequence, so it resumes without loss. What the
// caller may see is the use case's (PrescriptionUseCases::WatchEvents,
// audited there); every stream holds a slot of the server's one StreamSlots,
// so server-sent events and gRPC Watch streams share the per-organisation
// caps (full: 429). Events are read from the store by sequence when the hub
// says something was committed and when the client has taken what was
// written (the HTTP stream's buffer is bounded: a backlog goes out as fast
// as the client reads, and a client that stops reading is cut off by the
// server). Thread-safe; must outlive the HTTP server that serves it.
class ServerSentEvents {
 public:
  ServerSentEvents(pathway::PrescriptionUseCases& prescriptions,
                   pathway::EventHub& hub, api::StreamSlots& slots,
                   ServerSentEventsOptions options = {});
  ~ServerSentEvents();
  ServerSentEvents(const ServerSentEvents&) = delete;
  ServerSentEvents& operator=(const ServerSentEvents&) = delete;

  // The streaming binding of WatchEvents (JsonApi's StreamingBinding):
  // `request` is the WatchEventsRequest decoded from the query. Refusals
  // are a google.rpc.Status in JSON.
  void Watch(const pathway::Caller& caller,
             std::unique_ptr<google::protobuf::Message> request,
             const http::Request& http_request, http::Responder responder);

  // Streams open now (for tests and logs).
  int open() const;

  class Stream;

 private:
  void KeepAliveLoop();
  void Forget(int64_t id);

  pathway::PrescriptionUseCases& prescriptions_;
  pathway::EventHub& hub_;
  api::StreamSlots& slots_;
  const ServerSentEventsOptions options_;

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<int64_t, std::weak_ptr<Stream>> streams_ ABSL_GUARDED_BY(mu_);
  std::thread keep_alive_;
};

// The after_sequence a stream resumes from: the `Last-Event-ID` header
// when present (a non-negative integer), else the request's; INVALID_ARGUMENT
// with a field violation otherwise. Pure.
absl::StatusOr<int64_t> ResumeAfter(const v1::WatchEventsRequest& request,
                                    const http::Request& http_request);

// One timeline event as a server-sent event (id, event type, data).
std::string FormatTimelineEvent(const v1::TimelineEvent& event);

}  // namespace nhs::tobacco::jsonapi

#endif  // GATEWAY_JSONAPI_SERVER_SENT_EVENTS_H_
