#include "gateway/server/readiness.h"

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "nlohmann/json.hpp"

namespace nhs::tobacco::server {

bool ReadinessReport::ready() const {
  for (const ReadinessCheck& check : checks) {
    if (!check.ok) return false;
  }
  return true;
}

std::string ReadinessReport::Json() const {
  nlohmann::ordered_json out;
  out["status"] = ready() ? "ready" : "not ready";
  nlohmann::ordered_json checks_json = nlohmann::ordered_json::object();
  nlohmann::ordered_json failing = nlohmann::ordered_json::array();
  for (const ReadinessCheck& check : checks) {
    nlohmann::ordered_json c;
    c["ok"] = check.ok;
    if (!check.detail.empty()) c["detail"] = check.detail;
    checks_json[check.name] = std::move(c);
    if (!check.ok) failing.push_back(check.name);
  }
  out["checks"] = std::move(checks_json);
  out["failing"] = std::move(failing);
  return out.dump();
}

ReadinessReport EvaluateReadiness(const ReadinessFacts& facts) {
  ReadinessReport report;
  auto add = [&report](std::string name, bool ok, std::string detail) {
    report.checks.push_back({std::move(name), ok, ok ? "" : std::move(detail)});
  };
  add("draining", !facts.draining,
      "the gateway is shutting down (SIGTERM): send new work elsewhere");
  add("store", facts.store.ok(),
      absl::StrCat("a write through the store failed: ",
                   facts.store.message()));
  add("migrations", facts.migrations_done,
      "the database schema is not migrated yet");
  for (const auto& [name, up] : facts.listeners) {
    add(absl::StrCat("listener_", name), up,
        absl::StrCat("the ", name, " listener is not accepting"));
  }
  add("delivery", facts.delivery.ok(), std::string(facts.delivery.message()));
  return report;
}

absl::Status DeliveryLiveness(bool running, bool paused, absl::Time last_cycle,
                              absl::Time now, absl::Duration stall_after) {
  if (!running) {
    if (paused) return absl::OkStatus();
    return absl::UnavailableError("the outbox dispatcher is not running");
  }
  if (now - last_cycle > stall_after) {
    return absl::UnavailableError(
        absl::StrCat("the outbox dispatcher has not gone round for ",
                     last_cycle == absl::InfinitePast()
                         ? std::string("ever")
                         : absl::FormatDuration(
                               absl::Trunc(now - last_cycle, absl::Seconds(1))),
                     " (stalled)"));
  }
  return absl::OkStatus();
}

// What the probe thread and the store's callbacks share; the callbacks may
// outlive the StoreWriteProbe.
struct StoreWriteProbe::Shared {
  mutable absl::Mutex mu;
  absl::CondVar changed;
  bool stopping ABSL_GUARDED_BY(mu) = false;
  // The probe in flight: its number, and its answer once it came.
  uint64_t generation ABSL_GUARDED_BY(mu) = 0;
  bool answered ABSL_GUARDED_BY(mu) = false;
  absl::Status answer ABSL_GUARDED_BY(mu);
  bool first_done ABSL_GUARDED_BY(mu) = false;
  absl::Status latest ABSL_GUARDED_BY(mu) =
      absl::UnavailableError("not probed yet");
};

StoreWriteProbe::StoreWriteProbe(Probe probe, absl::Duration interval,
                                 absl::Duration timeout)
    : probe_(std::move(probe)),
      interval_(interval),
      timeout_(timeout),
      shared_(std::make_shared<Shared>()) {
  thread_ = std::thread([this] { Loop(); });
}

StoreWriteProbe::~StoreWriteProbe() {
  {
    absl::MutexLock lock(&shared_->mu);
    shared_->stopping = true;
    shared_->changed.SignalAll();
  }
  thread_.join();
}

absl::Status StoreWriteProbe::Latest() const {
  absl::MutexLock lock(&shared_->mu);
  return shared_->latest;
}

void StoreWriteProbe::AwaitFirst(absl::Duration wait) const {
  const absl::Time deadline = absl::Now() + wait;
  absl::MutexLock lock(&shared_->mu);
  while (!shared_->first_done && !shared_->stopping) {
    if (shared_->changed.WaitWithDeadline(&shared_->mu, deadline)) return;
  }
}

void StoreWriteProbe::Loop() {
  Shared& s = *shared_;
  while (true) {
    uint64_t generation = 0;
    {
      absl::MutexLock lock(&s.mu);
      if (s.stopping) return;
      generation = ++s.generation;
      s.answered = false;
    }
    probe_([shared = shared_, generation](absl::Status status) {
      absl::MutexLock lock(&shared->mu);
      if (shared->generation != generation) return;
      shared->answered = true;
      shared->answer = std::move(status);
      shared->changed.SignalAll();
    });
    absl::MutexLock lock(&s.mu);
    const absl::Time deadline = absl::Now() + timeout_;
    while (!s.answered && !s.stopping) {
      if (s.changed.WaitWithDeadline(&s.mu, deadline)) break;
    }
    if (s.stopping) return;
    if (!s.answered) {
      // Failing now; the probe stays the one in flight (no pile-up behind
      // a lock), and its late answer is the next verdict.
      s.latest = absl::UnavailableError(
          absl::StrCat("no answer within ", absl::FormatDuration(timeout_),
                       " (database locked, full or writer stuck)"));
      s.first_done = true;
      s.changed.SignalAll();
      while (!s.answered && !s.stopping) s.changed.Wait(&s.mu);
      if (s.stopping) return;
    }
    s.latest = s.answer;
    s.first_done = true;
    s.changed.SignalAll();
    const absl::Time next = absl::Now() + interval_;
    while (!s.stopping) {
      if (s.changed.WaitWithDeadline(&s.mu, next)) break;
    }
  }
}

ReadinessReport Readiness::Check() const {
  ReadinessFacts facts;
  facts.draining = draining_;
  facts.migrations_done = migrations_done_;
  facts.store = ports_.store();
  facts.listeners = ports_.listeners();
  facts.delivery = ports_.delivery();
  return EvaluateReadiness(facts);
}

}  // namespace nhs::tobacco::server
