#include "adapters/http/server.h"

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
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/status.hpp>
#include <chrono>
#include <cstring>
#include <map>
#include <optional>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "adapters/http/server_tls.h"
#include "adapters/net/connection_caps.h"
#include "adapters/net/ip_allow_list.h"
#include "adapters/net/proxy_protocol.h"
#include "adapters/net/socket_address.h"
#include "adapters/net/tls_context_holder.h"

namespace nhs::tobacco::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using beast::error_code;

namespace {

// Bytes asked of the socket per read. The read buffer never holds more
// than one header block plus one read: body bytes are handed to the parser
// as they arrive.
constexpr size_t kReadChunk = 16 * 1024;
// After a refusal (413, 431, 408...) the rest of what the peer sends is
// read and dropped for this long, so it sees the answer instead of a reset.
constexpr auto kLingerTime = std::chrono::seconds(2);

std::chrono::steady_clock::duration Chrono(absl::Duration d) {
  return absl::ToChronoNanoseconds(d);
}

std::string AddressKey(const std::string& host) {
  return absl::StrCat("addr:", host);
}

// The serialized answer: status line, our headers, the handler's, body.
std::string Serialize(const Response& response, bool close) {
  const auto status = static_cast<beast::http::status>(response.status);
  const beast::string_view reason = beast::http::obsolete_reason(status);
  std::string out =
      absl::StrCat("HTTP/1.1 ", response.status, " ",
                   absl::string_view(reason.data(), reason.size()), "\r\n");
  if (!response.content_type.empty()) {
    absl::StrAppend(&out, "Content-Type: ", response.content_type, "\r\n");
  }
  for (const auto& [name, value] : response.headers) {
    absl::StrAppend(&out, name, ": ", value, "\r\n");
  }
  absl::StrAppend(&out, "Content-Length: ", response.body.size(), "\r\n",
                  close ? "Connection: close\r\n" : "", "\r\n", response.body);
  return out;
}

// The head of a streamed answer: chunked, and the connection is the
// stream's until it ends.
std::string SerializeStreamHead(const Response& head) {
  Response without_body = head;
  without_body.body.clear();
  std::string out = Serialize(without_body, /*close=*/true);
  // Serialize ends "Content-Length: 0\r\nConnection: close\r\n\r\n".
  const size_t at = out.rfind("Content-Length: 0\r\n");
  out.replace(at, std::strlen("Content-Length: 0\r\n"),
              "Transfer-Encoding: chunked\r\n");
  return out;
}

// The last chunk of a streamed answer.
constexpr char kLastChunk[] = "0\r\n\r\n";

// Whether `host` (an IP address or "localhost") can only be reached from
// this machine.
bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost") return true;
  error_code ec;
  const asio::ip::address ip = asio::ip::make_address(host, ec);
  return !ec && ip.is_loopback();
}

// The connection's byte stream: TLS, or (ServerOptions::plaintext) the TCP
// stream under it. Chosen per server at run time, so Connection is written
// once for both; the TLS stream object exists either way (it is cheap and
// never handshakes in plaintext mode).
class MaybeTlsStream {
 public:
  using executor_type = beast::tcp_stream::executor_type;

  MaybeTlsStream(beast::tcp_stream stream, ssl::context& context, bool tls)
      : tls_stream_(std::move(stream), context), tls_(tls) {}

  executor_type get_executor() { return tls_stream_.get_executor(); }
  beast::tcp_stream& next_layer() { return tls_stream_.next_layer(); }
  ssl::stream<beast::tcp_stream>& tls() { return tls_stream_; }
  bool is_tls() const { return tls_; }

  template <typename Buffers, typename Handler>
  void async_read_some(const Buffers& buffers, Handler&& handler) {
    if (tls_) {
      tls_stream_.async_read_some(buffers, std::forward<Handler>(handler));
    } else {
      tls_stream_.next_layer().async_read_some(buffers,
                                               std::forward<Handler>(handler));
    }
  }
  template <typename Buffers, typename Handler>
  void async_write_some(const Buffers& buffers, Handler&& handler) {
    if (tls_) {
      tls_stream_.async_write_some(buffers, std::forward<Handler>(handler));
    } else {
      tls_stream_.next_layer().async_write_some(buffers,
                                                std::forward<Handler>(handler));
    }
  }

 private:
  ssl::stream<beast::tcp_stream> tls_stream_;
  const bool tls_;
};

}  // namespace

class Connection;

// What every connection shares. Owned by the Server; outlives every
// connection (they are destroyed with the io_context, which goes first).
class Server::Impl {
 public:
  Impl(const ServerOptions& options, Handler handler)
      : options(options),
        handler(std::move(handler)),
        caps(std::max(1, options.max_connections),
             std::max(1, options.max_connections_per_peer)) {}

  const ServerOptions options;
  const Handler handler;
  net::ConnectionCaps caps;
  net::IpAllowList trusted_proxies;
  // Each new connection takes the current context; ReloadTls() replaces
  // it for the connections accepted after (server_tls.h).
  std::unique_ptr<net::TlsContextHolder<ssl::context>> tls;
  int port = 0;

  // Set (under mu) when Stop begins; responders then drop late answers.
  struct Lifetime {
    absl::Mutex mu;
    bool stopped ABSL_GUARDED_BY(mu) = false;
  };
  std::shared_ptr<Lifetime> lifetime = std::make_shared<Lifetime>();

  absl::Mutex mu;
  bool stopping ABSL_GUARDED_BY(mu) = false;
  // Every open connection, so Stop() can drain them; each removes itself
  // when destroyed.
  std::map<const Connection*, std::weak_ptr<Connection>> live
      ABSL_GUARDED_BY(mu);

  std::optional<asio::io_context> io;
  // Keeps the I/O threads running while nothing is pending (between the
  // acceptor closing and the last connection draining, in Stop()).
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>>
      work;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;

  void Accept();
};

// One client connection: PROXY header (when configured), TLS handshake,
// then requests one after another. Every step runs on the connection's
// strand; every wait has a deadline.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Server::Impl& server, tcp::socket socket, std::string host,
             net::ConnectionCaps::Slot slot)
      : server_(server),
        limits_(server.options.request_limits),
        tls_(server.tls->Current()),
        stream_(beast::tcp_stream(std::move(socket)), *tls_,
                !server.options.plaintext),
        buffer_(limits_.max_header_bytes + kReadChunk),
        reply_timer_(stream_.get_executor()),
        host_(std::move(host)),
        slot_(std::move(slot)) {}

  ~Connection() {
    EndStream();
    absl::MutexLock lock(&server_.mu);
    server_.live.erase(this);
  }

  asio::any_io_executor executor() { return stream_.get_executor(); }

  void Start() {
    stream_.next_layer().expires_after(
        Chrono(server_.options.handshake_timeout));
    if (server_.options.proxy_protocol) {
      ReadProxyHeader();
    } else {
      Handshake();
    }
  }

  // Stop(): no new request on this connection; an idle one closes now.
  void Drain() {
    draining_ = true;
    // A stream ends: what is queued goes out, then the last chunk.
    if (queue_ != nullptr) return queue_->Close();
    if (!answering_) Abort();
  }

  // The handler's answer to exchange `exchange` (ignored when late).
  void Answer(uint64_t exchange, Response response) {
    if (exchange != exchange_ || !answering_ || writing_) return;
    reply_timer_.cancel();
    Write(std::move(response), /*close=*/!keep_alive_ || draining_);
  }

  class StreamQueue;

  // The handler's streamed answer to exchange `exchange`: its head goes
  // out, then whatever `queue` is given. When the exchange is over (late,
  // 503 sent, stopping) the stream is closed at once.
  void BeginStream(uint64_t exchange, Response head, StreamEvents events,
                   std::shared_ptr<StreamQueue> queue) {
    if (exchange != exchange_ || !answering_ || writing_ || draining_) {
      queue->MarkClosed();
      if (events.on_close) events.on_close();
      // Stop() began before the handler answered: it is told so, now.
      if (draining_ && exchange == exchange_ && answering_ && !writing_) {
        Answer(exchange,
               ErrorPage(request_path_, 503, "the server is stopping"));
      }
      return;
    }
    reply_timer_.cancel();
    // No other answer on this exchange, and no further request on this
    // connection.
    writing_ = true;
    keep_alive_ = false;
    queue_ = std::move(queue);
    events_ = std::move(events);
    // A read stays outstanding so a client that goes away ends its stream
    // at once, not at the next write.
    WatchPeer();
    stream_out_ = SerializeStreamHead(head);
    WriteStream();
  }

  // On the strand: writes what the stream's producer queued, one write at a
  // time; ends the stream when it was closed or cut off.
  void PumpStream() {
    if (queue_ == nullptr || stream_writing_ || stream_ended_) return;
    switch (queue_->Take(stream_out_)) {
      case StreamQueue::Next::kWrite:
        return WriteStream();
      case StreamQueue::Next::kIdle:
        if (std::exchange(drained_due_, false) && events_.on_drained) {
          events_.on_drained();
        }
        return;
      case StreamQueue::Next::kFinish:
        stream_out_ = kLastChunk;
        finishing_ = true;
        return WriteStream();
      case StreamQueue::Next::kCutOff:
        return Abort();
    }
  }

 private:
  // The PROXY header (v1 line or v2 binary), read in pieces no longer than
  // what is certainly still header (net::ProxyHeaderBytesWanted), so no
  // TLS byte is read here.
  void ReadProxyHeader() {
    const size_t have = proxy_.size();
    const size_t wanted = net::ProxyHeaderBytesWanted(proxy_);
    if (wanted == 0) return Abort();  // invalid: ParseProxyHeader says why
    proxy_.resize(have + wanted);
    asio::async_read(stream_.next_layer(),
                     asio::buffer(proxy_.data() + have, wanted),
                     [self = shared_from_this()](error_code ec, size_t) {
                       self->OnProxyBytes(ec);
                     });
  }

  void OnProxyBytes(error_code ec) {
    if (ec) return Abort();
    auto header = net::ParseProxyHeader(proxy_);
    if (!header.ok()) return Abort();
    if (!header->has_value()) return ReadProxyHeader();
    if ((*header)->source.has_value()) {
      host_ = net::HostText(*(*header)->source);
      if (!slot_.Rekey(AddressKey(host_)).ok()) return Abort();
    }
    Handshake();
  }

  void Handshake() {
    if (!stream_.is_tls()) {
      stream_.next_layer().expires_never();
      return NextRequest();
    }
    stream_.tls().async_handshake(
        ssl::stream_base::server, [self = shared_from_this()](error_code ec) {
          if (ec) return self->Abort();
          self->stream_.next_layer().expires_never();
          SSL* ssl = self->stream_.tls().native_handle();
          self->certificate_pem_ = PeerCertificatePem(ssl);
          // After the handshake the peer is its certificate: one trust
          // behind a shared address does not count against another's cap.
          if (const std::string key = PeerCertificateKey(ssl); !key.empty()) {
            if (!self->slot_.Rekey(key).ok()) return self->Abort();
          }
          self->NextRequest();
        });
  }

  void NextRequest() {
    if (draining_) return Abort();
    parser_.emplace(limits_);
    started_ = false;
    continued_ = false;
    if (buffer_.size() > 0) {
      // The peer sent the next request already (pipelining).
      Begin();
      return Parse();
    }
    stream_.next_layer().expires_after(Chrono(server_.options.idle_timeout));
    ReadMore();
  }

  // The first byte of a request starts its deadline; nothing the peer does
  // afterwards extends it.
  void Begin() {
    started_ = true;
    stream_.next_layer().expires_after(
        Chrono(server_.options.request_deadline));
  }

  void ReadMore() {
    if (buffer_.size() + kReadChunk > buffer_.max_size()) {
      // An unfinished header or chunk line longer than any limit allows.
      return Refuse(parser_->header_done() ? 400 : 431,
                    "request header or chunk line too long");
    }
    stream_.async_read_some(
        buffer_.prepare(kReadChunk),
        [self = shared_from_this()](error_code ec, size_t n) {
          self->OnRead(ec, n);
        });
  }

  void OnRead(error_code ec, size_t n) {
    // Past the request deadline (or the idle timeout, or Stop()) the socket
    // is closed already: nothing to answer on.
    if (ec) return Abort();
    buffer_.commit(n);
    if (!started_) Begin();
    Parse();
  }

  void Parse() {
    const auto data = buffer_.data();
    const RequestParser::Step step = parser_->Put(
        absl::string_view(static_cast<const char*>(data.data()), data.size()));
    buffer_.consume(step.consumed);
    switch (step.error) {
      case ParseError::kNone:
        break;
      case ParseError::kBodyTooLarge:
        return Refuse(413, absl::StrCat("request body larger than ",
                                        limits_.max_body_bytes, " bytes"));
      case ParseError::kHeaderTooLarge:
        return Refuse(431, absl::StrCat("request header larger than ",
                                        limits_.max_header_bytes, " bytes"));
      case ParseError::kTooManyHeaders:
        return Refuse(431, absl::StrCat("more than ", limits_.max_header_count,
                                        " header fields"));
      case ParseError::kBadRequest:
        return Refuse(400, "malformed HTTP request");
    }
    if (parser_->done()) return Dispatch();
    if (!continued_ && parser_->expects_continue()) {
      // The sender waits for this before its body (curl, .NET): the
      // header passed every check, so it may go on.
      continued_ = true;
      static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
      asio::async_write(stream_, asio::buffer(kContinue, sizeof(kContinue) - 1),
                        [self = shared_from_this()](error_code ec, size_t) {
                          if (ec) return self->Abort();
                          self->ReadMore();
                        });
      return;
    }
    ReadMore();
  }

  void Dispatch() {
    stream_.next_layer().expires_never();
    Request request = parser_->Take();
    parser_.reset();
    request.peer_address = host_;
    request.peer_certificate_pem = certificate_pem_;
    keep_alive_ = request.keep_alive;
    answering_ = true;
    const uint64_t exchange = ++exchange_;
    request_path_ = std::string(request.path());
    reply_timer_.expires_after(Chrono(server_.options.reply_timeout));
    reply_timer_.async_wait([self = shared_from_this(), exchange,
                             path =
                                 std::string(request.path())](error_code ec) {
      if (ec) return;  // answered in time
      self->Answer(
          exchange,
          self->ErrorPage(path, 503, "the request was not answered in time"));
    });
    server_.handler(
        std::move(request),
        Responder(std::make_shared<Sink>(
            weak_from_this(), exchange, server_.lifetime,
            std::max<size_t>(1, server_.options.stream_buffer_bytes))));
  }

  // A request the server refuses itself: answered, then the connection is
  // closed (what the peer sends after it is not a request we can find).
  void Refuse(int status, const std::string& why) {
    keep_alive_ = false;
    answering_ = true;
    ++exchange_;
    const absl::string_view path =
        parser_.has_value() ? parser_->path() : absl::string_view();
    Write(ErrorPage(path, status, why), /*close=*/true, /*linger=*/true);
  }

  Response ErrorPage(absl::string_view path, int status,
                     const std::string& why) const {
    const ServerOptions& options = server_.options;
    return options.path_error_page ? options.path_error_page(path, status, why)
                                   : options.error_page(status, why);
  }

  void Write(const Response& response, bool close, bool linger = false) {
    writing_ = true;
    out_ = Serialize(response, close);
    // A peer that does not read its answer does not hold the connection.
    stream_.next_layer().expires_after(
        Chrono(server_.options.request_deadline));
    asio::async_write(
        stream_, asio::buffer(out_),
        [self = shared_from_this(), close, linger](error_code ec, size_t) {
          self->writing_ = false;
          self->answering_ = false;
          self->out_.clear();
          self->out_.shrink_to_fit();
          if (ec) return self->Abort();
          if (close && linger) return self->Linger();
          if (close) return self->Abort();
          self->NextRequest();
        });
  }

  // Half-close, then read and drop what the peer still sends (the rest of
  // an oversized body) for a moment, so it reads our answer rather than a
  // reset; then close.
  void Linger() {
    parser_.reset();
    buffer_.consume(buffer_.size());
    error_code ignored;
    tcp::socket& socket = stream_.next_layer().socket();
    socket.shutdown(tcp::socket::shutdown_send, ignored);
    stream_.next_layer().expires_after(kLingerTime);
    Drop();
  }

  void Drop() {
    stream_.next_layer().async_read_some(
        asio::buffer(scratch_),
        [self = shared_from_this()](error_code ec, size_t) {
          if (ec) return self->Abort();
          self->Drop();
        });
  }

  void WriteStream() {
    stream_writing_ = true;
    // A client that does not read does not hold the connection (nor its
    // stream's slot) beyond the request deadline.
    stream_.next_layer().expires_after(
        Chrono(server_.options.request_deadline));
    asio::async_write(stream_, asio::buffer(stream_out_),
                      [self = shared_from_this()](error_code ec, size_t) {
                        self->stream_writing_ = false;
                        self->stream_out_.clear();
                        if (ec || self->finishing_) return self->Abort();
                        self->queue_->Written();
                        self->drained_due_ = true;
                        self->PumpStream();
                      });
  }

  // Reads and drops what a streaming client sends; its end (or an error)
  // ends the stream.
  void WatchPeer() {
    stream_.async_read_some(asio::buffer(scratch_),
                            [self = shared_from_this()](error_code ec, size_t) {
                              if (ec) return self->Abort();
                              self->WatchPeer();
                            });
  }

  // Once: the stream is closed to its producer, who hears so.
  void EndStream() {
    if (queue_ == nullptr || stream_ended_) return;
    stream_ended_ = true;
    queue_->MarkClosed();
    std::function<void()> on_close = std::move(events_.on_close);
    events_ = StreamEvents{};
    if (on_close) on_close();
  }

  void Abort() {
    EndStream();
    reply_timer_.cancel();
    error_code ignored;
    stream_.next_layer().socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.next_layer().close();
  }

  // Routes a handler's answer, from whatever thread, onto this strand.
  class Sink : public ExchangeSink {
   public:
    Sink(std::weak_ptr<Connection> connection, uint64_t exchange,
         std::shared_ptr<Server::Impl::Lifetime> lifetime, size_t capacity)
        : connection_(std::move(connection)),
          exchange_(exchange),
          lifetime_(std::move(lifetime)),
          capacity_(capacity) {}

    void Send(Response response) override {
      absl::MutexLock lock(&lifetime_->mu);
      if (lifetime_->stopped) return;  // the io_context may be gone
      std::shared_ptr<Connection> connection = connection_.lock();
      if (connection == nullptr) return;
      Connection* raw = connection.get();
      asio::post(raw->stream_.get_executor(),
                 [connection = std::move(connection), exchange = exchange_,
                  response = std::move(response)]() mutable {
                   connection->Answer(exchange, std::move(response));
                 });
    }

    std::shared_ptr<StreamSink> StartStream(Response head,
                                            StreamEvents events) override {
      auto queue =
          std::make_shared<StreamQueue>(connection_, lifetime_, capacity_);
      {
        absl::MutexLock lock(&lifetime_->mu);
        std::shared_ptr<Connection> connection = connection_.lock();
        if (!lifetime_->stopped && connection != nullptr) {
          Connection* raw = connection.get();
          asio::post(raw->stream_.get_executor(),
                     [connection = std::move(connection), exchange = exchange_,
                      head = std::move(head), events = std::move(events),
                      queue]() mutable {
                       connection->BeginStream(exchange, std::move(head),
                                               std::move(events),
                                               std::move(queue));
                     });
          return queue;
        }
      }
      // The connection is gone or the server stopped.
      queue->MarkClosed();
      if (events.on_close) events.on_close();
      return queue;
    }

   private:
    const std::weak_ptr<Connection> connection_;
    const uint64_t exchange_;
    const std::shared_ptr<Server::Impl::Lifetime> lifetime_;
    const size_t capacity_;
  };

 public:
  // The bytes of one stream between its producer (any thread) and the
  // connection's strand: bounded, so a client that does not read is cut
  // off instead of growing the server's memory.
  class StreamQueue : public StreamSink {
   public:
    enum class Next { kIdle, kWrite, kFinish, kCutOff };

    StreamQueue(std::weak_ptr<Connection> connection,
                std::shared_ptr<Server::Impl::Lifetime> lifetime,
                size_t capacity)
        : connection_(std::move(connection)),
          lifetime_(std::move(lifetime)),
          capacity_(capacity) {}

    bool Write(std::string chunk) override {
      bool poke = false;
      bool accepted = false;
      {
        absl::MutexLock lock(&mu_);
        if (closed_) return false;
        if (chunk.empty()) return true;  // would read as the last chunk
        std::string framed =
            absl::StrCat(absl::Hex(chunk.size()), "\r\n", chunk, "\r\n");
        if (pending_.size() + in_flight_ + framed.size() > capacity_) {
          closed_ = true;
          cut_off_ = true;
        } else {
          pending_ += framed;
          accepted = true;
        }
        poke = !std::exchange(poked_, true);
      }
      if (poke) Poke();
      return accepted;
    }

    size_t buffered() const override {
      absl::MutexLock lock(&mu_);
      return pending_.size() + in_flight_;
    }

    void Close() override {
      bool poke = false;
      {
        absl::MutexLock lock(&mu_);
        if (closed_) return;
        closed_ = true;
        poke = !std::exchange(poked_, true);
      }
      if (poke) Poke();
    }

    // The strand's side. What to do next; with kWrite, `out` holds the
    // bytes (counted as in flight until Written()).
    Next Take(std::string& out) {
      absl::MutexLock lock(&mu_);
      poked_ = false;
      if (cut_off_) return Next::kCutOff;
      if (!pending_.empty()) {
        out.swap(pending_);
        pending_.clear();
        in_flight_ = out.size();
        return Next::kWrite;
      }
      return closed_ ? Next::kFinish : Next::kIdle;
    }
    void Written() {
      absl::MutexLock lock(&mu_);
      in_flight_ = 0;
    }
    void MarkClosed() {
      absl::MutexLock lock(&mu_);
      closed_ = true;
    }

   private:
    // Asks the strand to write (dropped once the server stopped).
    void Poke() {
      absl::MutexLock lock(&lifetime_->mu);
      if (lifetime_->stopped) return;
      std::shared_ptr<Connection> connection = connection_.lock();
      if (connection == nullptr) return;
      Connection* raw = connection.get();
      asio::post(
          raw->stream_.get_executor(),
          [connection = std::move(connection)] { connection->PumpStream(); });
    }

    const std::weak_ptr<Connection> connection_;
    const std::shared_ptr<Server::Impl::Lifetime> lifetime_;
    const size_t capacity_;
    mutable absl::Mutex mu_;
    std::string pending_ ABSL_GUARDED_BY(mu_);
    size_t in_flight_ ABSL_GUARDED_BY(mu_) = 0;
    bool closed_ ABSL_GUARDED_BY(mu_) = false;
    bool cut_off_ ABSL_GUARDED_BY(mu_) = false;
    bool poked_ ABSL_GUARDED_BY(mu_) = false;
  };

 private:
  Server::Impl& server_;
  const RequestLimits limits_;
  // The context this connection was accepted under: kept for its life (a
  // reload swaps the listener's, never this one), and declared before the
  // stream made from it. Plaintext listeners hold a bare context, unused.
  const std::shared_ptr<ssl::context> tls_;
  MaybeTlsStream stream_;
  beast::flat_buffer buffer_;
  asio::steady_timer reply_timer_;
  std::string host_;
  net::ConnectionCaps::Slot slot_;
  std::string proxy_;
  std::string certificate_pem_;
  std::optional<RequestParser> parser_;
  std::string out_;
  char scratch_[4096];
  uint64_t exchange_ = 0;
  bool started_ = false;
  bool continued_ = false;
  bool answering_ = false;
  bool writing_ = false;
  bool keep_alive_ = true;
  bool draining_ = false;
  // The path of the request being answered (for its mount's error page).
  std::string request_path_;
  // A streamed answer (only on the strand).
  std::shared_ptr<StreamQueue> queue_;
  StreamEvents events_;
  std::string stream_out_;
  bool stream_writing_ = false;
  bool stream_ended_ = false;
  bool drained_due_ = false;
  bool finishing_ = false;
};

void Server::Impl::Accept() {
  acceptor->async_accept(asio::make_strand(*io), [this](error_code ec,
                                                        tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;  // Stop()
    if (!ec) {
      error_code peer_ec;
      const tcp::endpoint peer = socket.remote_endpoint(peer_ec);
      if (peer_ec) {
        socket.close(peer_ec);
      } else {
        sockaddr_storage address{};
        std::memcpy(&address, peer.data(), peer.size());
        std::string host = net::HostText(address);
        // Behind a balancer the real peer is named by its PROXY
        // header: until then the connection counts in the total only.
        std::string key = AddressKey(host);
        bool allowed = true;
        if (options.proxy_protocol) {
          allowed = trusted_proxies.Allows(address);
          key.clear();
        }
        auto slot = caps.TryAcquire(key);
        std::shared_ptr<Connection> connection;
        {
          absl::MutexLock lock(&mu);
          if (allowed && slot.ok() && !stopping) {
            connection = std::make_shared<Connection>(
                *this, std::move(socket), std::move(host), *std::move(slot));
            live.emplace(connection.get(), connection);
          }
        }
        // Outside the lock: the connection may be over, and this the
        // last reference, by the time `connection` goes out of scope
        // (its destructor takes the lock).
        if (connection == nullptr) {
          // Over a cap: closed before a byte of TLS is read.
          socket.close(peer_ec);
        } else {
          asio::post(connection->executor(),
                     [connection] { connection->Start(); });
        }
      }
    }
    Accept();
  });
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { Stop(); }

int Server::port() const { return impl_->port; }

absl::Status Server::ReloadTls() { return impl_->tls->Reload(); }

absl::StatusOr<std::unique_ptr<Server>> Server::Start(
    const ServerOptions& options, Handler handler) {
  const size_t colon = options.address.rfind(':');
  int port = -1;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(options.address.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        options.name, ".address: '", options.address, "' must be host:port"));
  }
  std::string host = options.address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (!options.crl_directory.empty() && options.client_ca_path.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        options.name, ": a CRL folder needs a client CA to check against"));
  }
  auto impl = std::make_unique<Impl>(options, std::move(handler));
  if (options.proxy_protocol) {
    auto trusted = net::IpAllowList::Parse(options.trusted_proxy_networks);
    if (!trusted.ok()) return trusted.status();
    if (trusted->empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(options.name,
                       ": the PROXY protocol needs the trusted balancers' "
                       "networks"));
    }
    impl->trusted_proxies = *std::move(trusted);
  }
  if (options.plaintext && !IsLoopbackHost(host)) {
    return absl::InvalidArgumentError(absl::StrCat(
        options.name, ".address: '", options.address,
        "' is not a loopback address; plaintext HTTP is only served on "
        "127.0.0.1, ::1 or localhost (configure TLS for any other)"));
  }
  // A plaintext listener's holder keeps a bare context that no connection
  // uses, so a reload of it is a no-op.
  auto tls = net::TlsContextHolder<ssl::context>::Create(
      options.name,
      [options]() -> absl::StatusOr<std::shared_ptr<ssl::context>> {
        auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
        if (options.plaintext) return context;
        if (absl::Status set_up =
                SetUpServerContext(context->native_handle(), options);
            !set_up.ok()) {
          return set_up;
        }
        return context;
      });
  if (!tls.ok()) return tls.status();
  impl->tls = *std::move(tls);
  impl->io.emplace(std::max(1, options.threads));
  impl->work.emplace(impl->io->get_executor());
  error_code ec;
  const asio::ip::address ip =
      asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat(options.name, ".address: '", options.address,
                     "' must name an IP address to listen on"));
  }
  const tcp::endpoint endpoint(ip, static_cast<unsigned short>(port));
  impl->acceptor.emplace(*impl->io);
  impl->acceptor->open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) impl->acceptor->bind(endpoint, ec);
  if (!ec)
    impl->acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen for ", options.name, " on ", options.address,
        " (address in use or not local?): ", ec.message()));
  }
  impl->port = impl->acceptor->local_endpoint().port();
  impl->Accept();
  for (int i = 0; i < std::max(1, options.threads); ++i) {
    impl->threads.emplace_back([io = &*impl->io] { io->run(); });
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

void Server::Stop() {
  Impl& s = *impl_;
  if (!s.io.has_value()) return;
  std::vector<std::shared_ptr<Connection>> open;
  {
    absl::MutexLock lock(&s.mu);
    s.stopping = true;
    for (const auto& [raw, weak] : s.live) {
      if (auto connection = weak.lock()) open.push_back(std::move(connection));
    }
  }
  asio::post(*s.io, [&s] {
    error_code ignored;
    s.acceptor->close(ignored);
  });
  for (auto& connection : open) {
    asio::post(connection->executor(), [connection] { connection->Drain(); });
  }
  open.clear();
  // Answers in flight go out (their changes are durable; the sender should
  // hear so), for as long as a handler may take.
  const absl::Time deadline =
      absl::Now() + s.options.reply_timeout + absl::Seconds(1);
  while (absl::Now() < deadline) {
    {
      absl::MutexLock lock(&s.mu);
      if (s.live.empty()) break;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  {
    absl::MutexLock lock(&s.lifetime->mu);
    s.lifetime->stopped = true;
  }
  s.work.reset();
  s.io->stop();
  for (std::thread& thread : s.threads) thread.join();
  s.threads.clear();
  s.acceptor.reset();
  // Destroys what is still queued, and with it the last connections.
  s.io.reset();
}

}  // namespace nhs::tobacco::http
