#ifndef GATEWAY_METRICS_GRPC_METRICS_INTERCEPTOR_H_
#define GATEWAY_METRICS_GRPC_METRICS_INTERCEPTOR_H_

#include <grpcpp/support/server_interceptor.h>

#include <string>

#include "absl/strings/string_view.h"
#include "gateway/metrics/gateway_metrics.h"

namespace nhs::tobacco::metrics {

// Counts every gRPC call by method and status code and times it, from the
// call's creation to the moment its status is sent (unary and streaming
// alike; a stream's time is its whole life). Added to the server's
// interceptor factories (grpc::ServerBuilder::
// experimental().SetInterceptorCreators). `metrics` outlives the server.
class GrpcMetricsInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit GrpcMetricsInterceptorFactory(GatewayMetrics& metrics)
      : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  GatewayMetrics& metrics_;
};

// The method label for a gRPC path ("/pkg.Service/Method" ->
// "pkg.Service/Method"): only methods this binary was built with (found in
// the generated descriptor pool); any other path a client sends is
// "unknown", so no client can mint new series.
std::string GrpcMethodLabel(absl::string_view path);

}  // namespace nhs::tobacco::metrics

#endif  // GATEWAY_METRICS_GRPC_METRICS_INTERCEPTOR_H_
