#ifndef ADAPTERS_HTTP_RESPONDER_H_
#define ADAPTERS_HTTP_RESPONDER_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "adapters/http/message.h"

namespace nhs::tobacco::http {

// The server's side of one streamed answer (see StreamHandle).
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  virtual bool Write(std::string chunk) = 0;
  virtual size_t buffered() const = 0;
  virtual void Close() = 0;
};

// A streamed answer (server-sent events): the head went out without a
// length, then every Write() is one chunk on the wire. Copyable; usable
// from any thread. Write() never blocks: it queues the bytes and returns
// false once the stream is closed (by Close(), the client's disconnect,
// the server's Stop(), or a client too slow to read: when the bytes
// queued would pass the server's stream buffer, the client is cut off
// rather than the server's memory grown). A default-made handle is closed.
class StreamHandle {
 public:
  StreamHandle() = default;
  explicit StreamHandle(std::shared_ptr<StreamSink> sink)
      : sink_(std::move(sink)) {}

  bool Write(std::string chunk) const {
    return sink_ != nullptr && sink_->Write(std::move(chunk));
  }
  // Bytes queued and not yet written to the socket: a producer with much
  // to send (a backlog) writes while this is small and waits for
  // on_drained otherwise.
  size_t buffered() const { return sink_ == nullptr ? 0 : sink_->buffered(); }
  // Sends what is queued, ends the answer and closes the connection.
  void Close() const {
    if (sink_ != nullptr) sink_->Close();
  }

 private:
  std::shared_ptr<StreamSink> sink_;
};

// What a stream tells its producer, on one of the server's I/O threads
// (never inside Write or Close, so the producer may hold its own lock
// while writing).
struct StreamEvents {
  // Once, when the stream has ended for any reason.
  std::function<void()> on_close;
  // After queued bytes reached the socket and nothing more is queued.
  std::function<void()> on_drained;
};

// Where an answer goes: the server's side of one request/response exchange.
class ExchangeSink {
 public:
  virtual ~ExchangeSink() = default;
  virtual void Send(Response response) = 0;
  // A sink that cannot stream answers with a closed stream and reports it
  // closed at once.
  virtual std::shared_ptr<StreamSink> StartStream(Response head,
                                                  StreamEvents events) {
    Send(std::move(head));
    if (events.on_close) events.on_close();
    return nullptr;
  }
};

// The handler's handle on its exchange. Copyable; may be used from any
// thread, now or later (after the store made a change durable). The first
// Send (or StartStream) answers; later ones, and any after the server gave
// up waiting (503) or stopped, are dropped.
class Responder {
 public:
  explicit Responder(std::shared_ptr<ExchangeSink> sink)
      : sink_(std::move(sink)) {}
  void Send(Response response) const { sink_->Send(std::move(response)); }

  // Answers with `head` (its status and headers; its body is ignored)
  // and keeps the connection for a stream of chunks (HTTP/1.1 chunked,
  // then the connection closes). `on_close` runs once when the stream
  // ends, also when the exchange was over already (the handle is then
  // closed from the start).
  StreamHandle StartStream(Response head, std::function<void()> on_close,
                           std::function<void()> on_drained = nullptr) const {
    return StreamHandle(sink_->StartStream(
        std::move(head),
        StreamEvents{std::move(on_close), std::move(on_drained)}));
  }

 private:
  std::shared_ptr<ExchangeSink> sink_;
};

// Handles one request; must not block (it runs on one of the server's few
// I/O threads) and must answer through the responder exactly once.
using Handler = std::function<void(Request request, Responder responder)>;

// The body of an answer the server or router makes itself (400, 404, 405,
// 408, 413, 431, 503), so each protocol answers in its own format (FHIR:
// an OperationOutcome).
using ErrorPage = std::function<Response(int status, const std::string& why)>;

// A plain-text error page, for servers that set none.
Response PlainErrorPage(int status, const std::string& why);

}  // namespace nhs::tobacco::http

#endif  // ADAPTERS_HTTP_RESPONDER_H_
