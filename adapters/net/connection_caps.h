#ifndef ADAPTERS_NET_CONNECTION_CAPS_H_
#define ADAPTERS_NET_CONNECTION_CAPS_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace nhs::tobacco::net {

// Connection caps of one listener: a total, and a cap per key so one peer
// cannot take every slot. The key is the listener's choice: the peer
// address before the TLS handshake (e.g. "addr:192.0.2.7"), the verified
// certificate's identity after it (e.g. "cert:O=RX1,OU=..."). An empty key
// counts against the total only (a trusted load balancer before its PROXY
// header names the real peer).
//
// Thread-safe. Slots may outlive the ConnectionCaps (they share its state).
class ConnectionCaps {
 public:
  // A held place; releases it on destruction. Move-only.
  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& other) noexcept = default;
    Slot& operator=(Slot&& other) noexcept;
    ~Slot();

    // Moves this slot to `key`, giving up the old key's place.
    // ResourceExhausted when `key` is at its cap; the slot then keeps its
    // old key. The total is unchanged.
    absl::Status Rekey(const std::string& key);
    const std::string& key() const { return key_; }
    bool held() const { return state_ != nullptr; }
    void Release();

   private:
    friend class ConnectionCaps;
    struct State;
    Slot(std::shared_ptr<State> state, std::string key)
        : state_(std::move(state)), key_(std::move(key)) {}
    std::shared_ptr<State> state_;
    std::string key_;
  };

  // max_total and max_per_key at least 1.
  ConnectionCaps(int max_total, int max_per_key);

  // A slot under `key`, or ResourceExhausted naming the cap that is full
  // ("limit of N connections reached" / "limit of N connections per peer
  // reached").
  absl::StatusOr<Slot> TryAcquire(const std::string& key);

  int total() const;
  int count(const std::string& key) const;
  int max_total() const { return max_total_; }
  int max_per_key() const { return max_per_key_; }

 private:
  const int max_total_;
  const int max_per_key_;
  std::shared_ptr<Slot::State> state_;
};

}  // namespace nhs::tobacco::net

#endif  // ADAPTERS_NET_CONNECTION_CAPS_H_
