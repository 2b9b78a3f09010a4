#ifndef GATEWAY_SERVER_READINESS_H_
#define GATEWAY_SERVER_READINESS_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace nhs::tobacco::server {

// One named check of /readyz and why it fails ("" when it passes).
struct ReadinessCheck {
  std::string name;
  bool ok = false;
  std::string detail;
};

struct ReadinessReport {
  std::vector<ReadinessCheck> checks;
  bool ready() const;
  // {"status":"ready"|"not ready","checks":{"store":{"ok":true},...},
  //  "failing":["draining",...]}: what a load balancer's log or an
  // operator's curl shows.
  std::string Json() const;
};

// What readiness is decided from, at one moment.
struct ReadinessFacts {
  bool draining = false;
  bool migrations_done = false;
  // The latest write probe through the store port (StoreWriteProbe).
  absl::Status store = absl::UnavailableError("not probed yet");
  // Every configured listener by name ("grpc", "fhir", "mllp") and whether
  // it is accepting.
  std::vector<std::pair<std::string, bool>> listeners;
  // The delivery dispatcher (DeliveryLiveness).
  absl::Status delivery;
};

// Pure: every check, in a fixed order (draining, store, migrations,
// listeners, delivery), each failing one with its reason.
ReadinessReport EvaluateReadiness(const ReadinessFacts& facts);

// Pure: whether the outbox's dispatcher is going round. `running` false
// with `paused` is fine (delivery.paused is an operator's choice);
// otherwise the loop must have gone round within `stall_after` of `now`.
absl::Status DeliveryLiveness(bool running, bool paused, absl::Time last_cycle,
                              absl::Time now, absl::Duration stall_after);

// Asks the store, every `interval`, to run an empty write transaction (the
// writer's BEGIN IMMEDIATE + COMMIT: it takes the database's write lock, so
// a database locked by another process, or a writer thread that is stuck,
// shows), and keeps the latest answer. A probe not answered within
// `timeout` counts as failed at once; no second probe is queued behind
// it. The probe runs on its own thread, so /readyz itself never waits on
// the store. `probe` starts one write and calls its argument once with the
// result, from any thread, possibly after this object is gone.
class StoreWriteProbe {
 public:
  using Probe = std::function<void(std::function<void(absl::Status)>)>;
  StoreWriteProbe(Probe probe, absl::Duration interval, absl::Duration timeout);
  // Stops the thread (does not wait for an outstanding probe).
  ~StoreWriteProbe();
  StoreWriteProbe(const StoreWriteProbe&) = delete;
  StoreWriteProbe& operator=(const StoreWriteProbe&) = delete;

  absl::Status Latest() const;
  // Waits (at most `wait`) until the first probe has answered or timed out.
  void AwaitFirst(absl::Duration wait) const;

 private:
  struct Shared;
  void Loop();

  const Probe probe_;
  const absl::Duration interval_;
  const absl::Duration timeout_;
  std::shared_ptr<Shared> shared_;
  std::thread thread_;
};

// /readyz: the facts from their sources (ports, so it is tested without a
// store or a socket) and the two flags the server sets. Thread-safe.
class Readiness {
 public:
  struct Ports {
    std::function<absl::Status()> store;
    std::function<std::vector<std::pair<std::string, bool>>()> listeners;
    std::function<absl::Status()> delivery;
  };
  explicit Readiness(Ports ports) : ports_(std::move(ports)) {}

  void SetMigrationsDone() { migrations_done_ = true; }
  // From SIGTERM on: never ready again.
  void SetDraining() { draining_ = true; }
  bool draining() const { return draining_; }

  ReadinessReport Check() const;

 private:
  const Ports ports_;
  std::atomic<bool> migrations_done_{false};
  std::atomic<bool> draining_{false};
};

}  // namespace nhs::tobacco::server

#endif  // GATEWAY_SERVER_READINESS_H_
