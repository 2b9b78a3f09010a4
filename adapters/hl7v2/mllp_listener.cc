#include "adapters/hl7v2/mllp_listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "adapters/hl7v2/mllp_framer.h"

namespace nhs::tobacco::hl7v2 {

// Shared between the connection's thread and the reply callbacks, which may
// outlive both the thread and the listener.
struct MllpListener::Connection {
  int fd = -1;
  int event_fd = -1;
  std::string peer;
  // Set by the connection's thread after the handshake; only it uses it.
  std::unique_ptr<MllpTransport> transport;
  std::atomic<bool> done{false};

  absl::Mutex mu;
  std::map<uint64_t, std::string> ready ABSL_GUARDED_BY(mu);
  bool closed ABSL_GUARDED_BY(mu) = false;

  // Wakes the connection's poll(); a no-op once it has closed.
  void Wake() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    if (closed) return;
    const uint64_t one = 1;
    // An eventfd write only fails when the counter would overflow, which
    // still leaves it readable: the wake-up is not lost.
    [[maybe_unused]] ssize_t n = ::write(event_fd, &one, sizeof(one));
  }
};

namespace {

std::string PeerName(const sockaddr_storage& addr) {
  char host[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (addr.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
    port = ntohs(a->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
    port = ntohs(a->sin6_port);
  }
  return absl::StrCat(host, ":", port);
}

}  // namespace

absl::Status SplitHostPort(const std::string& address, std::string& host,
                           int& port) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("address '", address, "' is not host:port"));
  }
  host = address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return absl::OkStatus();
}

MllpListener::MllpListener(MllpListenerOptions options, MllpPeerHandler handler)
    : options_(std::move(options)), handler_(std::move(handler)) {}

absl::StatusOr<std::unique_ptr<MllpListener>> MllpListener::Start(
    MllpListenerOptions options, MllpHandler handler) {
  return Start(std::move(options),
               [handler = std::move(handler)](
                   const std::string& payload, const MllpPeer&,
                   std::function<void(std::string)> reply) {
                 handler(payload, std::move(reply));
               });
}

absl::StatusOr<std::unique_ptr<MllpListener>> MllpListener::Start(
    MllpListenerOptions options, MllpPeerHandler handler) {
  std::string host;
  int port = 0;
  if (absl::Status s = SplitHostPort(options.address, host, port); !s.ok()) {
    return s;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (host == "localhost") host = "127.0.0.1";
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("mllp address host '", host, "' is not an IPv4 address"));
  }
  auto listener = std::unique_ptr<MllpListener>(
      new MllpListener(std::move(options), std::move(handler)));
  listener->listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener->listen_fd_ < 0) {
    return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
  }
  const int one = 1;
  ::setsockopt(listener->listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one,
               sizeof(one));
  if (::bind(listener->listen_fd_, reinterpret_cast<sockaddr*>(&addr),
             sizeof(addr)) != 0 ||
      ::listen(listener->listen_fd_, 128) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen for MLLP on ",
                                               listener->options_.address, ": ",
                                               std::strerror(errno)));
  }
  socklen_t len = sizeof(addr);
  ::getsockname(listener->listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  listener->port_ = ntohs(addr.sin_port);
  if (::pipe2(listener->wake_fds_, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe: ", std::strerror(errno)));
  }
  listener->accept_thread_ =
      std::thread([l = listener.get()] { l->AcceptLoop(); });
  return listener;
}

MllpListener::~MllpListener() {
  Stop();
  for (int fd : {listen_fd_, wake_fds_[0], wake_fds_[1]}) {
    if (fd >= 0) ::close(fd);
  }
}

void MllpListener::Warn(const std::string& line) const {
  if (options_.log_warning) {
    options_.log_warning(line);
  } else {
    std::cerr << "mllp: " << line << "\n";
  }
}

void MllpListener::ReapFinished() {
  std::vector<std::thread> finished;
  {
    absl::MutexLock lock(&mu_);
    for (auto it = workers_.begin(); it != workers_.end();) {
      if (it->connection->done.load()) {
        finished.push_back(std::move(it->thread));
        it = workers_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (std::thread& t : finished) t.join();
}

void MllpListener::AcceptLoop() {
  while (!stopping_.load()) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_fds_[0], POLLIN, 0}};
    if (::poll(fds, 2, 1000) < 0 && errno != EINTR) break;
    ReapFinished();
    if (stopping_.load()) break;
    if ((fds[0].revents & POLLIN) == 0) continue;
    sockaddr_storage peer{};
    socklen_t len = sizeof(peer);
    // Non-blocking: every wait is a poll() with a deadline, so neither a
    // TLS handshake nor a peer that stops reading can hold a thread forever.
    const int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer),
                             &len, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) continue;
    const std::string name = PeerName(peer);
    if (!options_.allowed_peers.Allows(peer)) {
      Warn(absl::StrCat("connection from ", name,
                        " refused: not in mllp.allowed_networks"));
      ::close(fd);
      continue;
    }
    if (active_.load() >= options_.max_connections) {
      Warn(absl::StrCat("connection from ", name, " refused: limit of ",
                        options_.max_connections, " connections reached"));
      ::close(fd);
      continue;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    auto connection = std::make_shared<Connection>();
    connection->fd = fd;
    connection->peer = name;
    connection->event_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (connection->event_fd < 0) {
      ::close(fd);
      continue;
    }
    active_.fetch_add(1);
    absl::MutexLock lock(&mu_);
    workers_.push_back(
        {connection, std::thread([this, connection] { Serve(connection); })});
  }
}

void MllpListener::Serve(std::shared_ptr<Connection> c) {
  MllpPeer peer{c->peer, ""};
  if (options_.tls != nullptr) {
    absl::StatusOr<std::unique_ptr<MllpTransport>> tls = MllpTransport::Accept(
        *options_.tls, c->fd, absl::Now() + options_.handshake_timeout);
    if (tls.ok()) {
      c->transport = *std::move(tls);
      peer.certificate_pem = c->transport->peer_certificate_pem();
    } else {
      // Says why (no certificate, unknown CA, expired, revoked) and never
      // anything the peer sent.
      Warn(absl::StrCat("connection from ", c->peer,
                        " refused: ", tls.status().message()));
    }
  } else {
    c->transport = MllpTransport::Plain(c->fd);
  }
  if (c->transport != nullptr) Serve(c, peer);
  {
    absl::MutexLock lock(&c->mu);
    c->closed = true;
    ::close(c->event_fd);
  }
  c->transport.reset();  // TLS close_notify before the socket goes
  ::close(c->fd);
  active_.fetch_sub(1);
  c->done.store(true);
}

void MllpListener::Serve(const std::shared_ptr<Connection>& c,
                         const MllpPeer& peer) {
  MllpTransport& transport = *c->transport;
  MllpFramer framer(options_.max_frame_bytes);
  std::string buffer(64 * 1024, '\0');
  uint64_t next_seq = 0;      // sequence of the next message read
  uint64_t next_to_send = 0;  // sequence of the next ACK owed, in order
  bool peer_closed = false;
  absl::Time last_activity = absl::Now();
  absl::Time drain_deadline = absl::InfiniteFuture();

  while (true) {
    std::string out;
    {
      absl::MutexLock lock(&c->mu);
      for (auto it = c->ready.find(next_to_send); it != c->ready.end();
           it = c->ready.find(next_to_send)) {
        out += MllpFrame(it->second);
        c->ready.erase(it);
        ++next_to_send;
      }
    }
    if (!out.empty()) {
      // A peer that stops reading for this long is given up on.
      if (!transport.WriteAll(out, absl::Now() + absl::Seconds(30)).ok()) {
        break;  // peer gone: nothing to tell
      }
      last_activity = absl::Now();
    }
    const uint64_t in_flight = next_seq - next_to_send;
    const bool draining = peer_closed || stopping_.load();
    if (draining) {
      if (in_flight == 0) break;
      if (drain_deadline == absl::InfiniteFuture()) {
        drain_deadline = absl::Now() + options_.drain_timeout;
      }
      if (absl::Now() >= drain_deadline) {
        Warn(absl::StrCat("closing ", c->peer, " with ", in_flight,
                          " ACK(s) not yet ready; the sender will resend"));
        break;
      }
    }
    absl::Duration wait = absl::Seconds(1);
    if (!draining && in_flight == 0) {
      const absl::Duration idle_left =
          last_activity + options_.idle_timeout - absl::Now();
      if (idle_left <= absl::ZeroDuration()) {
        Warn(absl::StrCat("closing idle connection from ", c->peer));
        break;
      }
      wait = std::min(wait, idle_left);
    }
    const bool want_read =
        !draining && in_flight < static_cast<uint64_t>(
                                     options_.max_in_flight_per_connection);
    const bool buffered = want_read && transport.HasBufferedInput();
    pollfd fds[2] = {
        {c->event_fd, POLLIN, 0},
        {want_read ? c->fd : -1,
         static_cast<short>(transport.wants_write() ? POLLOUT : POLLIN), 0}};
    const int timeout_ms =
        buffered ? 0 : std::max<int64_t>(1, absl::ToInt64Milliseconds(wait));
    if (::poll(fds, 2, timeout_ms) < 0 && errno != EINTR) break;
    if (fds[0].revents & POLLIN) {
      uint64_t count;
      [[maybe_unused]] ssize_t n = ::read(c->event_fd, &count, sizeof(count));
    }
    if (!want_read ||
        (!buffered &&
         (fds[1].revents & (POLLIN | POLLOUT | POLLHUP | POLLERR)) == 0)) {
      continue;
    }
    const ssize_t n = transport.Read(buffer.data(), buffer.size());
    if (n == MllpTransport::kWouldBlock) continue;
    if (n <= 0) {
      if (framer.in_frame()) {
        Warn(absl::StrCat("connection from ", c->peer,
                          " closed inside a "
                          "frame; ",
                          framer.buffered_bytes(),
                          " byte(s) of a truncated message dropped"));
      }
      peer_closed = true;
      continue;
    }
    last_activity = absl::Now();
    framer.Append(absl::string_view(buffer.data(), static_cast<size_t>(n)));
    bool broken = false;
    while (true) {
      absl::StatusOr<std::optional<std::string>> frame = framer.Next();
      if (!frame.ok()) {
        // The framer's message gives offsets and byte values, never content.
        Warn(absl::StrCat("closing connection from ", c->peer,
                          ": not MLLP framing (", frame.status().message(),
                          ")"));
        broken = true;
        break;
      }
      if (!frame->has_value()) break;
      const uint64_t seq = next_seq++;
      std::weak_ptr<Connection> weak = c;
      handler_(**frame, peer, [weak, seq](std::string ack) {
        std::shared_ptr<Connection> conn = weak.lock();
        if (conn == nullptr) return;
        absl::MutexLock lock(&conn->mu);
        if (conn->closed) return;
        conn->ready.emplace(seq, std::move(ack));
        conn->Wake();
      });
    }
    if (broken) {
      // Answers owed for earlier good frames are still sent: they were
      // accepted and may already be durable.
      peer_closed = true;
      ::shutdown(c->fd, SHUT_RD);
    }
  }
}

void MllpListener::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopped_) return;
    stopped_ = true;
  }
  stopping_.store(true);
  const char byte = 0;
  [[maybe_unused]] ssize_t n = ::write(wake_fds_[1], &byte, 1);
  if (accept_thread_.joinable()) accept_thread_.join();
  std::vector<Worker> workers;
  {
    absl::MutexLock lock(&mu_);
    for (Worker& w : workers_) {
      absl::MutexLock c(&w.connection->mu);
      w.connection->Wake();
    }
    workers.swap(workers_);
  }
  for (Worker& w : workers) w.thread.join();
}

}  // namespace nhs::tobacco::hl7v2
