#include "gateway/api/watch_events_reactor.h"

#include "gateway/api/grpc_status.h"

namespace nhs::tobacco::api {
namespace {

// Events read per store query; small enough to keep memory flat per stream.
constexpr int kReadBatch = 128;

}  // namespace

WatchEventsReactor::WatchEventsReactor(pathway::Pathway& pathway,
                                       pathway::EventHub& hub,
                                       const v1::WatchEventsRequest& request,
                                       std::atomic<int>& active_streams)
    : pathway_(pathway),
      hub_(hub),
      request_(request),
      active_streams_(active_streams),
      cursor_(request.after_sequence()) {
  hub_token_ = hub_.Subscribe([this] { Pump(); });
  Pump();
}

void WatchEventsReactor::Pump() {
  absl::MutexLock lock(&mu_);
  if (writing_ || finished_) return;
  if (buffer_.empty()) {
    store::EventQuery query;
    query.after_sequence = cursor_;
    query.prescription_id = request_.prescription_id();
    query.referral_id = request_.referral_id();
    query.limit = kReadBatch;
    absl::StatusOr<std::vector<v1::TimelineEvent>> events =
        pathway_.ReadEvents(query);
    if (!events.ok()) {
      FinishLocked(ToGrpcStatus(events.status()));
      return;
    }
    for (auto& e : *events) buffer_.push_back(std::move(e));
    if (buffer_.empty()) return;  // idle until the hub wakes us
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
    if (!ok) {
      // The client went away; OnCancel follows or already ran.
      FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "stream closed"));
      return;
    }
    cursor_ = in_flight_.sequence();
  }
  Pump();
}

void WatchEventsReactor::OnCancel() {
  absl::MutexLock lock(&mu_);
  // With a write in flight, OnWriteDone(false) finishes the stream.
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
  active_streams_.fetch_sub(1);
  delete this;
}

}  // namespace nhs::tobacco::api
