#include "gateway/api/watch_events_reactor.h"

#include "gateway/api/authorization.h"
#include "gateway/api/grpc_status.h"

namespace nhs::tobacco::api {
namespace {

// Events read per store query; small enough to keep memory flat per stream.
constexpr int kReadBatch = 128;

}  // namespace

WatchEventsReactor::WatchEventsReactor(pathway::Pathway& pathway,
                                       pathway::EventHub& hub,
                                       const v1::WatchEventsRequest& request,
                                       security::Principal caller,
                                       std::atomic<int>& active_streams)
    : pathway_(pathway),
      hub_(hub),
      request_(request),
      caller_(std::move(caller)),
      active_streams_(active_streams),
      cursor_(request.after_sequence()) {
  hub_token_ = hub_.Subscribe([this] { Pump(); });
  Pump();
}

void WatchEventsReactor::Pump() {
  absl::MutexLock lock(&mu_);
  if (writing_ || finished_) return;
  while (buffer_.empty()) {
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
    for (auto& e : *events) {
      // Events the caller may not see still move the cursor on.
      if (Visible(e)) {
        buffer_.push_back(std::move(e));
      } else {
        cursor_ = e.sequence();
      }
    }
    // A short batch means we are up to date: idle until the hub wakes us.
    if (buffer_.empty() && events->size() < static_cast<size_t>(kReadBatch)) {
      return;
    }
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

bool WatchEventsReactor::Visible(const v1::TimelineEvent& event) {
  if (caller_.role == security::Role::kDevelopment) return true;
  const bool about_prescription = !event.prescription_id().empty();
  const std::string& id =
      about_prescription ? event.prescription_id() : event.referral_id();
  auto cached = visible_.find(id);
  if (cached != visible_.end()) return cached->second;
  bool visible;
  if (about_prescription) {
    visible = AuthorizeRecord(caller_, security::Operation::kReadPrescription,
                              pathway_.GetPrescription(id))
                  .ok();
  } else {
    visible = AuthorizeRecord(caller_, security::Operation::kReadReferral,
                              pathway_.GetReferral(id))
                  .ok();
  }
  // Bounded memory: forget everything rather than grow without limit.
  if (visible_.size() > 10000) visible_.clear();
  visible_[id] = visible;
  return visible;
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
