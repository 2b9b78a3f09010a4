#ifndef ADAPTERS_HL7V2_MLLP_LISTENER_H_
#define ADAPTERS_HL7V2_MLLP_LISTENER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "adapters/hl7v2/mllp_transport.h"
#include "adapters/net/ip_allow_list.h"

namespace nhs::tobacco::hl7v2 {

struct MllpListenerOptions {
  // host:port; port 0 lets the OS choose (see port()).
  std::string address = "127.0.0.1:2575";
  size_t max_frame_bytes = 1024 * 1024;
  // A connection with nothing received and nothing to answer for this long
  // is closed (integration engines reconnect on their own).
  absl::Duration idle_timeout = absl::Minutes(5);
  // Connections beyond this are accepted and closed at once, with a log line.
  int max_connections = 64;
  // Messages read but not yet answered, per connection; reading pauses at
  // this many so one fast sender cannot queue unbounded work.
  int max_in_flight_per_connection = 64;
  // On Stop(), how long to wait for answers still owed before closing.
  absl::Duration drain_timeout = absl::Seconds(5);
  // Where operational warnings go (bad framing, limits, timeouts). The
  // codec knows nothing of the gateway's logger; default is stderr. Lines
  // never contain message content, only the peer address and what happened.
  std::function<void(const std::string&)> log_warning;
  // MLLP over TLS when set: each connection must complete a handshake with
  // a client certificate the context verifies (mutual TLS) before any byte
  // of HL7 is read. Null means plaintext.
  std::shared_ptr<MllpTlsContext> tls;
  // How long a new connection may take to finish the TLS handshake.
  absl::Duration handshake_timeout = absl::Seconds(10);
  // Peers outside these networks are closed on accept, with a log line
  // naming their address. Empty accepts any peer.
  net::IpAllowList allowed_peers;
};

// The far end of one connection, as the handler sees it with each message.
struct MllpPeer {
  std::string address;  // "ip:port", for logs
  // The client certificate the TLS handshake verified (PEM); empty over
  // plaintext. Stable for the connection's life.
  std::string certificate_pem;
};

// Called once per complete MLLP frame with its payload. `reply` may be
// called later from any thread (e.g. a store thread once the message is
// durable); it never blocks and is safe to call after the connection or the
// listener is gone (the ACK is then dropped; the sender will resend).
// Replies go out in the order the messages arrived on that connection.
using MllpHandler = std::function<void(const std::string& payload,
                                       std::function<void(std::string)> reply)>;
// The same, told which peer sent the message (e.g. to authorise it by its
// certificate).
using MllpPeerHandler =
    std::function<void(const std::string& payload, const MllpPeer& peer,
                       std::function<void(std::string)> reply)>;

// Accepts MLLP connections and hands each framed message to a handler.
// Several messages per connection, any chunking (MllpFramer), a frame size
// cap and an idle timeout; bytes outside a frame are logged (never their
// content) and the connection is closed.
//
// One thread per connection, capped by max_connections. Why not epoll: a
// trust's integration engine holds a handful of long-lived connections (one
// per interface), so threads are few; blocking code per connection is far
// easier to audit than a state machine, and throughput comes from
// pipelining into the store's group commit, not from the socket loop.
//
// Thread-safe. The destructor calls Stop().
class MllpListener {
 public:
  static absl::StatusOr<std::unique_ptr<MllpListener>> Start(
      MllpListenerOptions options, MllpPeerHandler handler);
  static absl::StatusOr<std::unique_ptr<MllpListener>> Start(
      MllpListenerOptions options, MllpHandler handler);
  ~MllpListener();

  MllpListener(const MllpListener&) = delete;
  MllpListener& operator=(const MllpListener&) = delete;

  int port() const { return port_; }
  int active_connections() const { return active_.load(); }

  // Stops accepting, lets each connection send the answers it owes (up to
  // drain_timeout), closes everything and joins the threads. Idempotent.
  void Stop();

  struct Connection;

 private:
  MllpListener(MllpListenerOptions options, MllpPeerHandler handler);
  void AcceptLoop();
  // Handshake (TLS), then Serve(connection, peer), then close.
  void Serve(std::shared_ptr<Connection> connection);
  void Serve(const std::shared_ptr<Connection>& connection,
             const MllpPeer& peer);
  void ReapFinished();
  void Warn(const std::string& line) const;

  const MllpListenerOptions options_;
  const MllpPeerHandler handler_;
  int listen_fd_ = -1;
  int wake_fds_[2] = {-1, -1};  // self-pipe: wakes the accept loop on Stop
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> active_{0};
  std::thread accept_thread_;
  absl::Mutex mu_;
  struct Worker {
    std::shared_ptr<Connection> connection;
    std::thread thread;
  };
  std::vector<Worker> workers_ ABSL_GUARDED_BY(mu_);
  bool stopped_ = false;
};

// "host:port" -> parts; InvalidArgument when malformed.
absl::Status SplitHostPort(const std::string& address, std::string& host,
                           int& port);

}  // namespace nhs::tobacco::hl7v2

#endif  // ADAPTERS_HL7V2_MLLP_LISTENER_H_
