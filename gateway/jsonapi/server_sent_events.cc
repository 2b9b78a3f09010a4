#include "gateway/jsonapi/server_sent_events.h"

#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gateway/domain/field_violations.h"
#include "gateway/jsonapi/json_errors.h"
#include "google/protobuf/util/json_util.h"

namespace nhs::tobacco::jsonapi {
namespace {

// Events read per store query, and the bytes left queued on the HTTP
// stream below which more are read: together well under the stream's
// buffer, so a backlog is never what cuts a reading client off.
constexpr int kReadBatch = 32;
constexpr size_t kLowWater = 16 * 1024;

constexpr char kKeepAlive[] = ": keep-alive\n\n";

}  // namespace

absl::StatusOr<int64_t> ResumeAfter(const v1::WatchEventsRequest& request,
                                    const http::Request& http_request) {
  const absl::string_view last_event_id = http_request.header("Last-Event-ID");
  if (!last_event_id.empty()) {
    int64_t sequence = 0;
    if (!absl::SimpleAtoi(last_event_id, &sequence) || sequence < 0) {
      return domain::InvalidArgumentWithViolations(
          "cannot resume the event stream",
          {{"Last-Event-ID",
            "must be the id of an event this stream sent (a non-negative "
            "integer)"}});
    }
    return sequence;
  }
  if (request.after_sequence() < 0) {
    return domain::InvalidArgumentWithViolations(
        "cannot start the event stream",
        {{"after_sequence", "must not be negative"}});
  }
  return request.after_sequence();
}

std::string FormatTimelineEvent(const v1::TimelineEvent& event) {
  std::string json;
  // Printing a generated message cannot fail; an empty object if it did.
  if (!google::protobuf::util::MessageToJsonString(event, &json).ok()) {
    json = "{}";
  }
  // Proto JSON printed without indentation holds no newline, so it is one
  // data line.
  return absl::StrCat("id: ", event.sequence(),
                      "\nevent: timeline\ndata: ", json, "\n\n");
}

// One open stream: its cursor over the caller's view of the timeline and
// its HTTP stream. Pumped by the hub (new events), by the HTTP stream
// (drained) and once at the start; ended once by the HTTP stream's
// on_close, which gives back the slot.
class ServerSentEvents::Stream {
 public:
  Stream(std::unique_ptr<pathway::EventWatch> watch, pathway::EventHub& hub,
         api::StreamSlots::Slot slot, int64_t after, int64_t id)
      : watch_(std::move(watch)),
        hub_(hub),
        slot_(std::move(slot)),
        id_(id),
        cursor_(after) {}

  int64_t id() const { return id_; }

  // After StartStream: subscribes to the hub and sends what is there.
  void Begin(http::StreamHandle handle, std::weak_ptr<Stream> self,
             std::string preamble) {
    {
      absl::MutexLock lock(&mu_);
      if (ended_) return;
      handle_ = handle;
      begun_ = true;
      handle_.Write(std::move(preamble));
    }
    const int64_t token = hub_.Subscribe([self] {
      if (auto stream = self.lock()) stream->Pump();
    });
    bool ended = false;
    {
      absl::MutexLock lock(&mu_);
      ended = ended_;
      if (!ended) hub_token_ = token;
    }
    if (ended) {
      hub_.Unsubscribe(token);
      return;
    }
    Pump();
  }

  // Writes the next events while the HTTP stream's queue is short.
  void Pump() {
    absl::MutexLock lock(&mu_);
    if (ended_ || !begun()) return;
    while (handle_.buffered() < kLowWater) {
      absl::StatusOr<pathway::EventBatch> batch =
          watch_->Next(cursor_, kReadBatch);
      if (!batch.ok()) {
        // The store failed: end the stream; the browser reconnects with
        // the last id it saw and loses nothing.
        handle_.Close();
        return;
      }
      std::string out;
      for (const v1::TimelineEvent& event : batch->visible) {
        absl::StrAppend(&out, FormatTimelineEvent(event));
      }
      if (!out.empty() && !handle_.Write(std::move(out))) return;
      // Events the caller may not see move the cursor on too.
      if (batch->read > 0) cursor_ = batch->last_sequence;
      // A short batch: up to date until the hub wakes us.
      if (batch->read < kReadBatch) return;
    }
  }

  void KeepAlive() {
    absl::MutexLock lock(&mu_);
    if (!ended_ && begun()) handle_.Write(kKeepAlive);
  }

  // The HTTP stream ended (client gone, cut off, server stopping).
  void End() {
    int64_t token = 0;
    {
      absl::MutexLock lock(&mu_);
      if (ended_) return;
      ended_ = true;
      token = std::exchange(hub_token_, 0);
    }
    // Outside our lock: the hub may be waking us right now.
    if (token != 0) hub_.Unsubscribe(token);
    slot_.Release();
  }

 private:
  bool begun() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return begun_; }

  const std::unique_ptr<pathway::EventWatch> watch_;
  pathway::EventHub& hub_;
  api::StreamSlots::Slot slot_;
  const int64_t id_;
  absl::Mutex mu_;
  http::StreamHandle handle_ ABSL_GUARDED_BY(mu_);
  int64_t cursor_ ABSL_GUARDED_BY(mu_);
  int64_t hub_token_ ABSL_GUARDED_BY(mu_) = 0;
  bool begun_ ABSL_GUARDED_BY(mu_) = false;
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
};

ServerSentEvents::ServerSentEvents(pathway::PrescriptionUseCases& prescriptions,
                                   pathway::EventHub& hub,
                                   api::StreamSlots& slots,
                                   ServerSentEventsOptions options)
    : prescriptions_(prescriptions),
      hub_(hub),
      slots_(slots),
      options_(options) {
  keep_alive_ = std::thread([this] { KeepAliveLoop(); });
}

ServerSentEvents::~ServerSentEvents() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  keep_alive_.join();
}

int ServerSentEvents::open() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(streams_.size());
}

void ServerSentEvents::Watch(const pathway::Caller& caller,
                             std::unique_ptr<google::protobuf::Message> request,
                             const http::Request& http_request,
                             http::Responder responder) {
  // The binding hands over the decoded request; copied through the wire
  // format so a dynamic message of the same type works too.
  v1::WatchEventsRequest watch_request;
  if (request != nullptr &&
      !watch_request.ParseFromString(request->SerializeAsString())) {
    return responder.Send(ErrorResponse(
        absl::InternalError("the event stream request is malformed")));
  }
  absl::StatusOr<int64_t> after = ResumeAfter(watch_request, http_request);
  if (!after.ok()) return responder.Send(ErrorResponse(after.status()));
  watch_request.set_after_sequence(*after);
  // The certificate's organisation holds the slot, in the same caps as its
  // gRPC Watch streams.
  absl::StatusOr<api::StreamSlots::Slot> slot =
      slots_.Acquire(caller.principal.ods_code);
  if (!slot.ok()) return responder.Send(ErrorResponse(slot.status()));
  absl::StatusOr<std::unique_ptr<pathway::EventWatch>> watch =
      prescriptions_.WatchEvents(caller, watch_request);
  if (!watch.ok()) return responder.Send(ErrorResponse(watch.status()));

  int64_t id = 0;
  {
    absl::MutexLock lock(&mu_);
    id = next_id_++;
  }
  auto stream = std::make_shared<Stream>(*std::move(watch), hub_,
                                         *std::move(slot), *after, id);
  {
    absl::MutexLock lock(&mu_);
    streams_.emplace(id, stream);
  }
  std::weak_ptr<Stream> weak = stream;
  http::Response head;
  head.content_type = "text/event-stream";
  AddApiHeaders(head);
  // Proxies (nginx) must not hold events back.
  head.headers.emplace_back("X-Accel-Buffering", "no");
  http::StreamHandle handle = responder.StartStream(
      std::move(head),
      // Holds the stream until the HTTP stream is over.
      [this, stream] {
        stream->End();
        Forget(stream->id());
      },
      [weak] {
        if (auto s = weak.lock()) s->Pump();
      });
  stream->Begin(
      handle, weak,
      absl::StrCat("retry: ", absl::ToInt64Milliseconds(options_.retry),
                   "\n\n"));
}

void ServerSentEvents::Forget(int64_t id) {
  absl::MutexLock lock(&mu_);
  streams_.erase(id);
}

void ServerSentEvents::KeepAliveLoop() {
  while (true) {
    std::vector<std::shared_ptr<Stream>> open;
    {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.keep_alive);
      if (stopping_) return;
      for (const auto& [id, weak] : streams_) {
        if (auto stream = weak.lock()) open.push_back(std::move(stream));
      }
    }
    for (const auto& stream : open) stream->KeepAlive();
  }
}

}  // namespace nhs::tobacco::jsonapi
