#include "gateway/api/watch_events_reactor.h"

#include "gateway/api/grpc_status.h"

namespace nhs::tobacco::api {
namespace {

// Events read per store query; small enough to keep memory flat per stream.
constexpr int kReadBatch = 128;

}  // namespace

WatchEventsReactor::WatchEventsReactor(
    std::unique_ptr<pathway::EventWatch> watch, pathway::EventHub& hub,
    const v1::WatchEventsRequest& request, StreamSlots::Slot slot)
    : watch_(std::move(watch)),
      hub_(hub),
      slot_(std::move(slot)),
      cursor_(request.after_sequence()) {
  hub_token_ = hub_.Subscribe([this] { Pump(); });
  Pump();
}

void WatchEventsReactor::Pump() {
  absl::MutexLock lock(&mu_);
  if (writing_ || finished_) return;
  while (buffer_.empty()) {
    absl::StatusOr<pathway::EventBatch> batch =
        watch_->Next(cursor_, kReadBatch);
    if (!batch.ok()) {
      FinishLocked(ToGrpcStatus(batch.status()));
      return;
    }
    if (batch->visible.empty()) {
      // Events the caller may not see still move the cursor on.
      cursor_ = batch->last_sequence;
    }
    for (auto& e : batch->visible) buffer_.push_back(std::move(e));
    // A short batch means we are up to date: idle until the hub wakes us.
    if (buffer_.empty() && batch->read < kReadBatch) return;
  }
  in_flight_ = std::move(buffer_.front());
  buffer_.pop_front();
  writing_ = true;
  StartWrite(&in_flight_);
}

void WatchEventsReactor::OnWriteDone(bool ok) {
  {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok || cancelled_) {
      // The client went away. A write that completed before the cancel
      // reports ok: without finishing here the stream would idle, never
      // finish, and hold server shutdown.
      FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "stream closed"));
      return;
    }
    cursor_ = in_flight_.sequence();
  }
  Pump();
}

void WatchEventsReactor::OnCancel() {
  absl::MutexLock lock(&mu_);
  cancelled_ = true;
  // With a write in flight, its OnWriteDone finishes the stream.
  if (!writing_) {
    FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
  }
}

void WatchEventsReactor::FinishLocked(const grpc::Status& status) {
  if (finished_) return;
  finished_ = true;
  Finish(status);
}

void WatchEventsReactor::OnDone() {
  hub_.Unsubscribe(hub_token_);
  slot_.Release();
  delete this;
}

}  // namespace nhs::tobacco::api
