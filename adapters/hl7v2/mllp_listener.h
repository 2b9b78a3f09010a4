#ifndef ADAPTERS_HL7V2_MLLP_LISTENER_H_
#define ADAPTERS_HL7V2_MLLP_LISTENER_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "adapters/hl7v2/mllp_transport.h"
#include "adapters/net/ip_allow_list.h"

namespace nhs::tobacco::hl7v2 {

struct MllpListenerOptions {
  // host:port; port 0 lets the OS choose (see port()).
  std::string address = "127.0.0.1:2575";
  size_t max_frame_bytes = 1024 * 1024;
  // A connection with nothing received and nothing to answer for this long
  // since its last frame or ACK is closed (integration engines reconnect on
  // their own). Bytes of an unfinished frame do not reset it: they run
  // against frame_deadline.
  absl::Duration idle_timeout = absl::Minutes(5);
  // A frame must arrive whole within this long of its first byte, however
  // the bytes trickle in; otherwise the connection is closed.
  absl::Duration frame_deadline = absl::Seconds(30);
  // Connections beyond this are accepted and closed at once, with a log line.
  int max_connections = 64;
  // Connections per peer: per address until the TLS handshake (and always
  // in plaintext), per client certificate subject after it. Beyond it the
  // connection is closed with a log line, so one peer cannot hold the
  // slots another trust needs.
  int max_connections_per_peer = 8;
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
  // of HL7 is read. Null means plaintext. The first context: ReloadTls()
  // rebuilds it from the files named in its options().
  std::shared_ptr<MllpTlsContext> tls;
  // How long a new connection may take to finish the TLS handshake (and
  // the PROXY header before it), from accept.
  absl::Duration handshake_timeout = absl::Seconds(10);
  // Peers outside these networks are closed on accept (behind a PROXY
  // balancer: once the header names them), with a log line naming their
  // address. Empty accepts any peer.
  net::IpAllowList allowed_peers;
  // A load balancer in front sends a PROXY protocol header (v1 or v2)
  // first on each connection; its source address is then the peer for the
  // allow list, the caps and the logs. Connections from outside
  // trusted_proxies are refused. Requires trusted_proxies to be non-empty.
  bool proxy_protocol = false;
  net::IpAllowList trusted_proxies;
  // Event-loop threads serving every connection (never one per
  // connection).
  int io_threads = 2;
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
// cap, a whole-frame deadline, an idle timeout between frames, a TLS
// handshake deadline and connection caps in total and per peer; bytes
// outside a frame are logged (never their content) and the connection is
// closed.
//
// Boost.Asio on a small fixed pool of event-loop threads (io_threads), each
// connection's steps serialised on its own strand: a slow or silent peer
// costs a socket and a timer, never a thread, so limits hold however many
// connections are open.
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

  int port() const;
  int active_connections() const;

  // MLLP over TLS: builds a new listener context from the same files
  // (MllpTlsContext::ForListener) and gives it to connections accepted from
  // now on; open connections keep theirs. When a file cannot be used,
  // FailedPrecondition naming it, and the previous context stays in use.
  // OK and nothing to do in plaintext.
  absl::Status ReloadTls();

  // Stops accepting, lets each connection send the answers it owes (up to
  // drain_timeout), closes everything and joins the threads. Idempotent.
  void Stop();

  struct Impl;

 private:
  explicit MllpListener(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

// "host:port" -> parts; InvalidArgument when malformed.
absl::Status SplitHostPort(const std::string& address, std::string& host,
                           int& port);

}  // namespace nhs::tobacco::hl7v2

#endif  // ADAPTERS_HL7V2_MLLP_LISTENER_H_
