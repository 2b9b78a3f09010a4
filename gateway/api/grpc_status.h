#ifndef GATEWAY_API_GRPC_STATUS_H_
#define GATEWAY_API_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace nhs::tobacco::api {

// The one absl -> gRPC status mapping. Codes carry over one to one; field
// violations attached by validation travel as a google.rpc.BadRequest inside
// google.rpc.Status in the grpc-status-details-bin trailer, which standard
// clients (grpc-js, grpcio, grpc-java) decode.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace nhs::tobacco::api

#endif  // GATEWAY_API_GRPC_STATUS_H_
