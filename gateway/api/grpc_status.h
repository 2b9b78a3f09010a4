#ifndef GATEWAY_API_GRPC_STATUS_H_
#define GATEWAY_API_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "google/rpc/status.pb.h"

namespace nhs::tobacco::api {

// The one absl -> gRPC status mapping. Codes carry over one to one; the
// details travel as google.rpc.Status in the grpc-status-details-bin
// trailer, which standard clients (grpc-js, grpcio, grpc-java, grpcurl)
// decode. Every refusal carries a google.rpc.ErrorInfo (reason attached
// where the refusal was decided, or its code's default; domain from the
// config: common/error_reason.h); field violations attached by validation a
// google.rpc.BadRequest; UNAVAILABLE and RESOURCE_EXHAUSTED a
// google.rpc.RetryInfo.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The google.rpc.Status both API edges send (gRPC trailer, JSON body).
google::rpc::Status RichStatusOf(const absl::Status& status);

}  // namespace nhs::tobacco::api

#endif  // GATEWAY_API_GRPC_STATUS_H_
