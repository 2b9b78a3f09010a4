#ifndef GATEWAY_JSONAPI_METHOD_BINDINGS_H_
#define GATEWAY_JSONAPI_METHOD_BINDINGS_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "adapters/http/responder.h"
#include "gateway/pathway/caller.h"
#include "gateway/pathway/reply.h"

namespace nhs::tobacco::jsonapi {

// The answer of a unary method: the response message, or the refusal.
// Called once, on any thread.
using MessageReply = std::function<void(
    absl::StatusOr<std::unique_ptr<google::protobuf::Message>>)>;

// A unary RPC bound to its use case: decodes nothing (the request arrives
// decoded, of `input`'s type) and authorises nothing (the use case does).
struct UnaryBinding {
  const google::protobuf::Descriptor* input = nullptr;
  std::function<void(const pathway::Caller&,
                     const google::protobuf::Message& request, MessageReply)>
      call;
};

// A server-streaming RPC (WatchEvents): the binding answers through the
// responder itself (server-sent events).
using StreamingBinding = std::function<void(
    const pathway::Caller&, std::unique_ptr<google::protobuf::Message> request,
    const http::Request&, http::Responder)>;

// Bindings by the method's full name, e.g.
// "nhs.tobacco.v1.PrescriptionService.Prescribe".
struct MethodBindings {
  absl::flat_hash_map<std::string, UnaryBinding> unary;
  absl::flat_hash_map<std::string, StreamingBinding> streaming;
};

// A use case that answers through a pathway::Reply (writes, and reads that
// go through the store's queue).
template <typename Request, typename Response>
UnaryBinding BindAsync(
    std::function<void(const pathway::Caller&, const Request&,
                       pathway::Reply<Response>)>
        use_case) {
  return UnaryBinding{
      Request::descriptor(),
      [use_case = std::move(use_case)](const pathway::Caller& caller,
                                       const google::protobuf::Message& request,
                                       MessageReply reply) {
        use_case(caller, static_cast<const Request&>(request),
                 [reply = std::move(reply)](absl::StatusOr<Response> result) {
                   if (!result.ok()) return reply(result.status());
                   reply(std::make_unique<Response>(*std::move(result)));
                 });
      }};
}

// A use case that answers at once (reads).
template <typename Request, typename Response>
UnaryBinding BindSync(std::function<absl::StatusOr<Response>(
                          const pathway::Caller&, const Request&)>
                          use_case) {
  return UnaryBinding{
      Request::descriptor(),
      [use_case = std::move(use_case)](const pathway::Caller& caller,
                                       const google::protobuf::Message& request,
                                       MessageReply reply) {
        absl::StatusOr<Response> result =
            use_case(caller, static_cast<const Request&>(request));
        if (!result.ok()) return reply(result.status());
        reply(std::make_unique<Response>(*std::move(result)));
      }};
}

}  // namespace nhs::tobacco::jsonapi

#endif  // GATEWAY_JSONAPI_METHOD_BINDINGS_H_
