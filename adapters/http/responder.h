#ifndef ADAPTERS_HTTP_RESPONDER_H_
#define ADAPTERS_HTTP_RESPONDER_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "adapters/http/message.h"

namespace nhs::tobacco::http {

// Where an answer goes: the server's side of one request/response exchange.
class ExchangeSink {
 public:
  virtual ~ExchangeSink() = default;
  virtual void Send(Response response) = 0;
};

// The handler's handle on its exchange. Copyable; may be used from any
// thread, now or later (after the store made a change durable). The first
// Send answers; later ones, and any after the server gave up waiting (503)
// or stopped, are dropped. Streaming answers (server-sent events) will be a
// second way to answer on the same handle.
class Responder {
 public:
  explicit Responder(std::shared_ptr<ExchangeSink> sink)
      : sink_(std::move(sink)) {}
  void Send(Response response) const { sink_->Send(std::move(response)); }

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
