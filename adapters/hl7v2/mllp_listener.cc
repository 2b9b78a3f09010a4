#include "adapters/hl7v2/mllp_listener.h"

#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstring>
#include <iostream>
#include <map>
#include <optional>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "adapters/hl7v2/mllp_framer.h"
#include "adapters/net/connection_caps.h"
#include "adapters/net/proxy_protocol.h"
#include "adapters/net/socket_address.h"
#include "adapters/net/tls_context_holder.h"

namespace nhs::tobacco::hl7v2 {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Strand = asio::strand<asio::io_context::executor_type>;

// A peer that stops reading our ACKs for this long is given up on.
constexpr absl::Duration kWriteTimeout = absl::Seconds(30);
// How long a closing TLS connection waits for the peer's close_notify.
constexpr absl::Duration kTlsCloseTimeout = absl::Seconds(1);
constexpr size_t kReadChunk = 16 * 1024;

std::chrono::steady_clock::duration ToChrono(absl::Duration d) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      absl::ToChronoNanoseconds(std::max(d, absl::ZeroDuration())));
}

sockaddr_storage StorageOf(const tcp::endpoint& endpoint) {
  sockaddr_storage s{};
  std::memcpy(&s, endpoint.data(),
              std::min<size_t>(endpoint.size(), sizeof(s)));
  return s;
}

// The subject of a verified certificate, one line (RFC 2253): the per-peer
// cap key after the handshake and what refusals name.
std::string SubjectOf(X509* certificate) {
  BIO* bio = BIO_new(BIO_s_mem());
  X509_NAME_print_ex(bio, X509_get_subject_name(certificate), 0,
                     XN_FLAG_RFC2253);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string subject(data, static_cast<size_t>(size));
  BIO_free(bio);
  return subject;
}

std::string PemOf(X509* certificate) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, certificate);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  return pem;
}

// ACKs come back from any thread (a store thread once the message is
// durable). The box is shared with their callbacks, which may outlive the
// connection and the listener; `wake` is cleared (under mu) before the
// event loop goes, so a late reply never touches it.
struct ReplyBox {
  absl::Mutex mu;
  bool closed ABSL_GUARDED_BY(mu) = false;
  std::map<uint64_t, std::string> ready ABSL_GUARDED_BY(mu);
  std::function<void()> wake ABSL_GUARDED_BY(mu);

  void Close() {
    absl::MutexLock lock(&mu);
    closed = true;
    ready.clear();
    wake = nullptr;
  }
};

class Session;

}  // namespace

struct MllpListener::Impl {
  Impl(MllpListenerOptions o, MllpPeerHandler h)
      : options(std::move(o)),
        handler(std::move(h)),
        caps(options.max_connections, options.max_connections_per_peer) {}

  void Warn(const std::string& line) const {
    if (options.log_warning) {
      options.log_warning(line);
    } else {
      std::cerr << "mllp: " << line << "\n";
    }
  }
  void Accept();
  void OnAccept(const boost::system::error_code& error, tcp::socket socket);

  const MllpListenerOptions options;
  const MllpPeerHandler handler;
  // Null in plaintext. Each session takes the current context on accept;
  // ReloadTls() replaces it for the sessions accepted after.
  std::unique_ptr<net::TlsContextHolder<MllpTlsContext>> tls;
  net::ConnectionCaps caps;
  std::atomic<bool> stopping{false};
  std::atomic<int> active{0};
  int port = 0;

  absl::Mutex mu;
  // Every connection's reply box, so Stop() can close them all before the
  // event loop is destroyed; and each session, so Stop() can tell it to
  // drain.
  std::vector<std::pair<std::weak_ptr<Session>, std::shared_ptr<ReplyBox>>>
      sessions ABSL_GUARDED_BY(mu);
  bool stopped ABSL_GUARDED_BY(mu) = false;

  // Declared last: destroyed first, taking every session (and its socket)
  // with it while the members above still exist.
  asio::io_context io;
  // The acceptor's steps (accept, retry, close on Stop) on one strand.
  Strand accept_strand{asio::make_strand(io)};
  tcp::acceptor acceptor{accept_strand};
  asio::steady_timer accept_retry{accept_strand};
  // Keeps run() going while no operation is pending; reset by Stop().
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>>
      work;
  std::vector<std::thread> threads;
};

namespace {

// One connection: every step runs on its own strand, so no lock guards the
// members; only the ReplyBox is shared with other threads.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(MllpListener::Impl& listener, tcp::socket socket,
          net::ConnectionCaps::Slot slot, sockaddr_storage address)
      : listener_(listener),
        options_(listener.options),
        tls_context_(listener.tls == nullptr ? nullptr
                                             : listener.tls->Current()),
        socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        slot_(std::move(slot)),
        address_(address),
        box_(std::make_shared<ReplyBox>()),
        framer_(options_.max_frame_bytes) {
    peer_.address = net::HostPortText(address_);
    listener_.active.fetch_add(1);
  }
  ~Session() { listener_.active.fetch_sub(1); }

  const std::shared_ptr<ReplyBox>& box() const { return box_; }
  tcp::socket::executor_type executor() { return socket_.get_executor(); }

  void Start() {
    {
      absl::MutexLock lock(&box_->mu);
      box_->wake = [strand = socket_.get_executor(), weak = weak_from_this()] {
        asio::post(strand, [weak] {
          if (auto self = weak.lock()) self->Flush();
        });
      };
    }
    handshake_deadline_ = absl::Now() + options_.handshake_timeout;
    if (options_.proxy_protocol) {
      ReadProxyHeader();
    } else {
      AfterProxy();
    }
  }

  // Stop(): no more reading; answer what is owed, then close.
  void BeginDrain() {
    if (phase_ != Phase::kServing) {
      Close(/*graceful=*/false);
      return;
    }
    StartDraining();
    // A read in progress completes at once with end of stream.
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_receive, ignored);
    MaybeFinish();
    ArmTimer();
  }

  void ForceClose() { Close(/*graceful=*/false); }

 private:
  enum class Phase { kProxy, kHandshake, kServing, kClosing, kClosed };

  // --- PROXY protocol header, v1 or v2 (before TLS) ---

  // Read in pieces no longer than what is certainly still header
  // (net::ProxyHeaderBytesWanted: v2 says its length, a v1 line does not),
  // so no byte of the TLS or MLLP stream behind it is consumed here.
  void ReadProxyHeader() {
    phase_ = Phase::kProxy;
    proxy_bytes_.clear();
    ArmTimer();
    ReadMoreProxyBytes();
  }

  void ReadMoreProxyBytes() {
    const size_t have = proxy_bytes_.size();
    const size_t wanted = net::ProxyHeaderBytesWanted(proxy_bytes_);
    proxy_bytes_.resize(have + wanted);
    asio::async_read(
        socket_, asio::buffer(proxy_bytes_.data() + have, wanted),
        [self = shared_from_this()](const boost::system::error_code& error,
                                    size_t) { self->OnProxyBytes(error); });
  }

  void OnProxyBytes(const boost::system::error_code& error) {
    if (phase_ != Phase::kProxy) return;
    if (error) {
      Close(false);
      return;
    }
    absl::StatusOr<std::optional<net::ProxyHeader>> header =
        net::ParseProxyHeader(proxy_bytes_);
    if (!header.ok()) {
      Refuse(header.status().message());
      return;
    }
    if (!header->has_value()) {
      ReadMoreProxyBytes();
      return;
    }
    const std::string via = peer_.address;
    if ((*header)->source.has_value()) {
      address_ = *(*header)->source;
      peer_.address = net::HostPortText(address_);
    }
    if (!options_.allowed_peers.Allows(address_)) {
      Refuse(
          absl::StrCat("not in mllp.allowed_networks (via proxy ", via, ")"));
      return;
    }
    if (absl::Status s = slot_.Rekey(AddressKey()); !s.ok()) {
      Refuse(s.message());
      return;
    }
    AfterProxy();
  }

  // --- TLS handshake ---

  void AfterProxy() {
    if (tls_context_ == nullptr) {
      Serve();
      return;
    }
    phase_ = Phase::kHandshake;
    tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(
        socket_, tls_context_->asio());
    ArmTimer();
    tls_->async_handshake(
        asio::ssl::stream_base::server,
        [self = shared_from_this()](const boost::system::error_code& error) {
          self->OnHandshake(error);
        });
  }

  void OnHandshake(const boost::system::error_code& error) {
    if (phase_ != Phase::kHandshake) return;
    if (error) {
      // Says why (no certificate, unknown CA, expired, revoked) and never
      // anything the peer sent.
      const long verify = SSL_get_verify_result(tls_->native_handle());
      Refuse(verify != X509_V_OK
                 ? absl::StrCat("TLS handshake refused: client certificate: ",
                                X509_verify_cert_error_string(verify))
                 : absl::StrCat("TLS handshake failed: ", error.message()));
      return;
    }
    tls_up_ = true;
    X509* certificate = SSL_get0_peer_certificate(tls_->native_handle());
    if (certificate == nullptr) {
      Refuse("no client certificate");
      return;
    }
    peer_.certificate_pem = PemOf(certificate);
    const std::string subject = SubjectOf(certificate);
    if (absl::Status s = slot_.Rekey("cert:" + subject); !s.ok()) {
      Refuse(absl::StrCat(s.message(), " (certificate ", subject, ")"));
      return;
    }
    Serve();
  }

  // --- Serving frames ---

  void Serve() {
    phase_ = Phase::kServing;
    last_activity_ = absl::Now();
    MaybeRead();
    ArmTimer();
  }

  uint64_t in_flight() const { return next_seq_ - next_to_send_; }

  void MaybeRead() {
    if (phase_ != Phase::kServing || reading_ || draining_ ||
        in_flight() >=
            static_cast<uint64_t>(options_.max_in_flight_per_connection)) {
      return;
    }
    reading_ = true;
    auto done = [self = shared_from_this()](
                    const boost::system::error_code& error, size_t n) {
      self->OnRead(error, n);
    };
    if (tls_ != nullptr) {
      tls_->async_read_some(asio::buffer(read_buffer_), std::move(done));
    } else {
      socket_.async_read_some(asio::buffer(read_buffer_), std::move(done));
    }
  }

  void OnRead(const boost::system::error_code& error, size_t n) {
    reading_ = false;
    if (phase_ != Phase::kServing) return;
    if (error) {
      if (framer_.in_frame()) {
        Warn(absl::StrCat("connection from ", peer_.address,
                          " closed inside a frame; ", framer_.buffered_bytes(),
                          " byte(s) of a truncated message dropped"));
      }
      StartDraining();
      MaybeFinish();
      ArmTimer();
      return;
    }
    const absl::Time now = absl::Now();
    framer_.Append(absl::string_view(read_buffer_.data(), n));
    while (true) {
      absl::StatusOr<std::optional<std::string>> frame = framer_.Next();
      if (!frame.ok()) {
        // The framer's message gives offsets and byte values, never content.
        Warn(absl::StrCat("closing connection from ", peer_.address,
                          ": not MLLP framing (", frame.status().message(),
                          ")"));
        // Answers owed for earlier good frames are still sent: they were
        // accepted and may already be durable.
        StartDraining();
        break;
      }
      if (!frame->has_value()) break;
      frame_started_ = absl::InfiniteFuture();
      last_activity_ = now;
      const uint64_t seq = next_seq_++;
      listener_.handler(**frame, peer_, [box = box_, seq](std::string ack) {
        absl::MutexLock lock(&box->mu);
        if (box->closed) return;
        box->ready.emplace(seq, std::move(ack));
        if (box->wake) box->wake();
      });
    }
    // The deadline runs from a frame's first byte: later bytes of the same
    // frame never extend it.
    if (!draining_ && framer_.in_frame() &&
        frame_started_ == absl::InfiniteFuture()) {
      frame_started_ = now;
    }
    MaybeRead();
    MaybeFinish();
    ArmTimer();
  }

  // Moves the ACKs that are ready, in arrival order, to the socket.
  void Flush() {
    if (phase_ != Phase::kServing) return;
    {
      absl::MutexLock lock(&box_->mu);
      for (auto it = box_->ready.find(next_to_send_); it != box_->ready.end();
           it = box_->ready.find(next_to_send_)) {
        pending_out_ += MllpFrame(it->second);
        box_->ready.erase(it);
        ++next_to_send_;
      }
    }
    StartWrite();
    MaybeRead();
    ArmTimer();
  }

  void StartWrite() {
    if (writing_ || pending_out_.empty()) return;
    writing_ = true;
    write_started_ = absl::Now();
    writing_buffer_.swap(pending_out_);
    pending_out_.clear();
    auto done = [self = shared_from_this()](
                    const boost::system::error_code& error, size_t) {
      self->OnWrite(error);
    };
    if (tls_ != nullptr) {
      asio::async_write(*tls_, asio::buffer(writing_buffer_), std::move(done));
    } else {
      asio::async_write(socket_, asio::buffer(writing_buffer_),
                        std::move(done));
    }
  }

  void OnWrite(const boost::system::error_code& error) {
    writing_ = false;
    if (phase_ != Phase::kServing) return;
    if (error) {
      Close(false);  // peer gone: nothing to tell
      return;
    }
    writing_buffer_.clear();
    last_activity_ = absl::Now();
    StartWrite();
    MaybeRead();
    MaybeFinish();
    ArmTimer();
  }

  void StartDraining() {
    draining_ = true;
    frame_started_ = absl::InfiniteFuture();
    if (drain_deadline_ == absl::InfiniteFuture()) {
      drain_deadline_ = absl::Now() + options_.drain_timeout;
    }
  }

  void MaybeFinish() {
    if (phase_ == Phase::kServing && draining_ && in_flight() == 0 &&
        !writing_ && pending_out_.empty() && !reading_) {
      Close(/*graceful=*/true);
    }
  }

  // --- Deadlines: one timer, set to the earliest that applies ---

  enum class Limit { kNone, kHandshake, kWrite, kDrain, kFrame, kIdle, kClose };

  std::pair<absl::Time, Limit> NextDeadline() const {
    std::pair<absl::Time, Limit> next{absl::InfiniteFuture(), Limit::kNone};
    auto consider = [&next](absl::Time t, Limit why) {
      if (t < next.first) next = {t, why};
    };
    switch (phase_) {
      case Phase::kProxy:
      case Phase::kHandshake:
        consider(handshake_deadline_, Limit::kHandshake);
        break;
      case Phase::kServing:
        if (writing_) consider(write_started_ + kWriteTimeout, Limit::kWrite);
        if (draining_) consider(drain_deadline_, Limit::kDrain);
        if (framer_.in_frame() && frame_started_ != absl::InfiniteFuture()) {
          consider(frame_started_ + options_.frame_deadline, Limit::kFrame);
        } else if (!draining_ && in_flight() == 0 && !writing_) {
          consider(last_activity_ + options_.idle_timeout, Limit::kIdle);
        }
        break;
      case Phase::kClosing:
        consider(close_deadline_, Limit::kClose);
        break;
      case Phase::kClosed:
        break;
    }
    return next;
  }

  void ArmTimer() {
    const auto [when, why] = NextDeadline();
    if (why == armed_for_ && when == armed_at_) return;
    armed_for_ = why;
    armed_at_ = when;
    if (why == Limit::kNone) {
      timer_.cancel();
      return;
    }
    timer_.expires_after(ToChrono(when - absl::Now()));
    timer_.async_wait([self = shared_from_this(), generation = ++generation_](
                          const boost::system::error_code& error) {
      if (error || generation != self->generation_) return;
      self->OnTimer();
    });
  }

  void OnTimer() {
    armed_for_ = Limit::kNone;
    const auto [when, why] = NextDeadline();
    if (absl::Now() < when) {
      ArmTimer();
      return;
    }
    switch (why) {
      case Limit::kNone:
        return;
      case Limit::kHandshake:
        Warn(absl::StrCat(
            "connection from ", peer_.address, " closed: ",
            phase_ == Phase::kProxy ? "PROXY header" : "TLS handshake",
            " not finished within ",
            absl::ToInt64Milliseconds(options_.handshake_timeout), " ms"));
        break;
      case Limit::kWrite:
        Warn(absl::StrCat("closing connection from ", peer_.address,
                          ": it stopped reading its ACKs"));
        break;
      case Limit::kDrain:
        Warn(absl::StrCat("closing ", peer_.address, " with ", in_flight(),
                          " ACK(s) not yet ready; the sender will resend"));
        break;
      case Limit::kFrame:
        Warn(absl::StrCat("closing connection from ", peer_.address,
                          ": frame not complete within ",
                          absl::ToInt64Milliseconds(options_.frame_deadline),
                          " ms of its first byte (", framer_.buffered_bytes(),
                          " byte(s) received)"));
        break;
      case Limit::kIdle:
        Warn(absl::StrCat("closing idle connection from ", peer_.address));
        break;
      case Limit::kClose:
        break;
    }
    Close(/*graceful=*/false);
  }

  // --- Closing ---

  void Refuse(absl::string_view why) {
    Warn(absl::StrCat("connection from ", peer_.address, " refused: ", why));
    Close(/*graceful=*/false);
  }

  // Graceful: TLS close_notify first (bounded by kTlsCloseTimeout). The
  // slot is given back as soon as the socket closes.
  void Close(bool graceful) {
    if (phase_ == Phase::kClosed) return;
    box_->Close();
    if (graceful && tls_up_ && phase_ == Phase::kServing && !reading_ &&
        !writing_) {
      phase_ = Phase::kClosing;
      close_deadline_ = absl::Now() + kTlsCloseTimeout;
      ArmTimer();
      tls_->async_shutdown(
          [self = shared_from_this()](const boost::system::error_code&) {
            self->Close(false);
          });
      return;
    }
    phase_ = Phase::kClosed;
    boost::system::error_code ignored;
    timer_.cancel();
    socket_.close(ignored);
    slot_.Release();
  }

  void Warn(const std::string& line) const { listener_.Warn(line); }

  std::string AddressKey() const { return "addr:" + net::HostText(address_); }

  MllpListener::Impl& listener_;
  const MllpListenerOptions& options_;
  // The context this session was accepted under (null in plaintext), kept
  // for its life: a reload never touches an open session.
  const std::shared_ptr<MllpTlsContext> tls_context_;
  tcp::socket socket_;
  // Declared after the socket it wraps, so it goes first.
  std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls_;
  bool tls_up_ = false;
  asio::steady_timer timer_;
  net::ConnectionCaps::Slot slot_;
  sockaddr_storage address_;
  MllpPeer peer_;
  const std::shared_ptr<ReplyBox> box_;
  MllpFramer framer_;
  std::array<char, kReadChunk> read_buffer_;
  std::string proxy_bytes_;

  Phase phase_ = Phase::kProxy;
  bool reading_ = false;
  bool writing_ = false;
  bool draining_ = false;
  std::string pending_out_;
  std::string writing_buffer_;
  uint64_t next_seq_ = 0;      // sequence of the next message read
  uint64_t next_to_send_ = 0;  // sequence of the next ACK owed, in order

  absl::Time handshake_deadline_ = absl::InfiniteFuture();
  absl::Time last_activity_ = absl::InfiniteFuture();
  absl::Time frame_started_ = absl::InfiniteFuture();
  absl::Time write_started_ = absl::InfiniteFuture();
  absl::Time drain_deadline_ = absl::InfiniteFuture();
  absl::Time close_deadline_ = absl::InfiniteFuture();
  Limit armed_for_ = Limit::kNone;
  absl::Time armed_at_ = absl::InfiniteFuture();
  uint64_t generation_ = 0;
};

}  // namespace

void MllpListener::Impl::Accept() {
  acceptor.async_accept(
      asio::make_strand(io),
      [this](const boost::system::error_code& error, tcp::socket socket) {
        OnAccept(error, std::move(socket));
      });
}

void MllpListener::Impl::OnAccept(const boost::system::error_code& error,
                                  tcp::socket socket) {
  if (stopping.load() || error == asio::error::operation_aborted) return;
  if (error) {
    // Out of descriptors, most likely: try again shortly rather than spin.
    Warn(absl::StrCat("accept failed: ", error.message()));
    accept_retry.expires_after(std::chrono::milliseconds(100));
    accept_retry.async_wait([this](const boost::system::error_code& e) {
      if (!e) Accept();
    });
    return;
  }
  Accept();
  boost::system::error_code ec;
  const tcp::endpoint remote = socket.remote_endpoint(ec);
  if (ec) return;  // already gone
  const sockaddr_storage address = StorageOf(remote);
  const std::string name = net::HostPortText(address);
  std::string key;
  if (options.proxy_protocol) {
    if (!options.trusted_proxies.Allows(address)) {
      Warn(absl::StrCat("connection from ", name,
                        " refused: not a trusted proxy "
                        "(limits.trusted_proxy_networks)"));
      return;
    }
    // Until the header names the real peer, the balancer's connections
    // count against the total only.
  } else {
    if (!options.allowed_peers.Allows(address)) {
      Warn(absl::StrCat("connection from ", name,
                        " refused: not in mllp.allowed_networks"));
      return;
    }
    key = "addr:" + net::HostText(address);
  }
  absl::StatusOr<net::ConnectionCaps::Slot> slot = caps.TryAcquire(key);
  if (!slot.ok()) {
    Warn(absl::StrCat("connection from ", name,
                      " refused: ", slot.status().message()));
    return;
  }
  socket.set_option(tcp::no_delay(true), ec);
  auto session = std::make_shared<Session>(*this, std::move(socket),
                                           *std::move(slot), address);
  {
    absl::MutexLock lock(&mu);
    // Forget the sessions that have gone, so the list stays bounded.
    sessions.erase(
        std::remove_if(sessions.begin(), sessions.end(),
                       [](const auto& s) { return s.first.expired(); }),
        sessions.end());
    sessions.emplace_back(session, session->box());
  }
  asio::post(session->executor(), [session] { session->Start(); });
}

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
  if (host == "localhost") host = "127.0.0.1";
  boost::system::error_code error;
  const asio::ip::address ip = asio::ip::make_address(host, error);
  if (error) {
    return absl::InvalidArgumentError(
        absl::StrCat("mllp address host '", host, "' is not an IP address"));
  }
  if (options.proxy_protocol && options.trusted_proxies.empty()) {
    return absl::InvalidArgumentError(
        "mllp: the PROXY protocol needs the networks of the trusted proxies");
  }
  const int threads = std::max(1, options.io_threads);
  auto impl = std::make_shared<Impl>(std::move(options), std::move(handler));
  if (impl->options.tls != nullptr) {
    impl->tls = net::TlsContextHolder<MllpTlsContext>::Adopt(
        "mllp", impl->options.tls, [files = impl->options.tls->options()] {
          return MllpTlsContext::ForListener(files);
        });
  }
  const tcp::endpoint endpoint(ip, static_cast<uint16_t>(port));
  impl->acceptor.open(endpoint.protocol(), error);
  if (!error) {
    impl->acceptor.set_option(tcp::acceptor::reuse_address(true), error);
  }
  if (!error) impl->acceptor.bind(endpoint, error);
  if (!error) impl->acceptor.listen(128, error);
  if (error) {
    return absl::UnavailableError(absl::StrCat("cannot listen for MLLP on ",
                                               impl->options.address, ": ",
                                               error.message()));
  }
  impl->port = impl->acceptor.local_endpoint().port();
  impl->work.emplace(impl->io.get_executor());
  impl->Accept();
  for (int i = 0; i < threads; ++i) {
    impl->threads.emplace_back([io = &impl->io] { io->run(); });
  }
  return std::unique_ptr<MllpListener>(new MllpListener(std::move(impl)));
}

MllpListener::~MllpListener() { Stop(); }

int MllpListener::port() const { return impl_->port; }

int MllpListener::active_connections() const { return impl_->active.load(); }

absl::Status MllpListener::ReloadTls() {
  if (impl_->tls == nullptr) return absl::OkStatus();
  return impl_->tls->Reload();
}

void MllpListener::Stop() {
  Impl& l = *impl_;
  {
    absl::MutexLock lock(&l.mu);
    if (l.stopped) return;
    l.stopped = true;
  }
  l.stopping.store(true);
  asio::post(l.accept_strand, [&l] {
    boost::system::error_code ignored;
    l.acceptor.close(ignored);
    l.accept_retry.cancel();
  });
  std::vector<std::pair<std::weak_ptr<Session>, std::shared_ptr<ReplyBox>>>
      sessions;
  {
    absl::MutexLock lock(&l.mu);
    sessions = l.sessions;
  }
  auto each = [&sessions](auto step) {
    for (auto& [weak, box] : sessions) {
      if (std::shared_ptr<Session> s = weak.lock()) {
        asio::post(s->executor(), [s, step] { step(*s); });
      }
    }
  };
  auto wait_until_closed = [&l](absl::Duration limit) {
    const absl::Time deadline = absl::Now() + limit;
    while (l.active.load() > 0 && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(5));
    }
  };
  // Each connection sends what it owes, then closes (TLS close_notify
  // included); whatever is left after that is closed outright.
  each([](Session& s) { s.BeginDrain(); });
  wait_until_closed(l.options.drain_timeout + kTlsCloseTimeout +
                    absl::Milliseconds(500));
  each([](Session& s) { s.ForceClose(); });
  wait_until_closed(absl::Seconds(1));
  // Late replies must not reach the event loop once it is gone.
  for (auto& [weak, box] : sessions) box->Close();
  l.work.reset();
  l.io.stop();
  for (std::thread& t : l.threads) t.join();
  l.threads.clear();
}

}  // namespace nhs::tobacco::hl7v2
