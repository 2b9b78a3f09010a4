#ifndef GATEWAY_API_UNARY_REPLY_H_
#define GATEWAY_API_UNARY_REPLY_H_

#include <grpcpp/support/server_callback.h>

#include "absl/status/statusor.h"
#include "gateway/api/grpc_status.h"
#include "gateway/pathway/reply.h"

namespace nhs::tobacco::api {

// A pathway Reply that finishes a callback-API unary call: copies the result
// into gRPC's response object and finishes the reactor. Safe to run on any
// thread (the store's writer thread, for writes).
template <typename Response>
pathway::Reply<Response> FinishWith(grpc::ServerUnaryReactor* reactor,
                                    Response* response) {
  return [reactor, response](absl::StatusOr<Response> result) {
    if (result.ok()) {
      *response = *std::move(result);
      reactor->Finish(grpc::Status::OK);
    } else {
      reactor->Finish(ToGrpcStatus(result.status()));
    }
  };
}

// Finishes a unary call with a result computed on the calling thread.
template <typename Response>
grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext* context,
                                    Response* response,
                                    absl::StatusOr<Response> result) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  FinishWith(reactor, response)(std::move(result));
  return reactor;
}

}  // namespace nhs::tobacco::api

#endif  // GATEWAY_API_UNARY_REPLY_H_
