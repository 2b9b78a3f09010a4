#include "gateway/metrics/grpc_metrics_interceptor.h"

#include <google/protobuf/descriptor.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

namespace nhs::tobacco::metrics {
namespace {

// grpc::StatusCode as the names in grpc/status.h and the gRPC docs: the
// same numbers and names as absl::StatusCode.
std::string CodeName(grpc::StatusCode code) {
  std::string name =
      absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
  return name.empty() ? "UNKNOWN" : name;
}

class MetricsInterceptor : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(GatewayMetrics& metrics, std::string method)
      : metrics_(metrics), method_(std::move(method)), start_(absl::Now()) {}

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      metrics_.RecordRpc(method_,
                         CodeName(methods->GetSendStatus().error_code()),
                         absl::Now() - start_);
    }
    methods->Proceed();
  }

 private:
  GatewayMetrics& metrics_;
  const std::string method_;
  const absl::Time start_;
};

}  // namespace

std::string GrpcMethodLabel(absl::string_view path) {
  absl::string_view name = absl::StripPrefix(path, "/");
  // gRPC's own health service is not built from a .proto of ours.
  if (name == "grpc.health.v1.Health/Check" ||
      name == "grpc.health.v1.Health/Watch") {
    return std::string(name);
  }
  // The descriptor pool names methods "pkg.Service.Method".
  const std::string dotted = absl::StrReplaceAll(name, {{"/", "."}});
  if (google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
          dotted) == nullptr) {
    return "unknown";
  }
  return std::string(name);
}

grpc::experimental::Interceptor*
GrpcMetricsInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new MetricsInterceptor(
      metrics_,
      GrpcMethodLabel(info->method() == nullptr ? "" : info->method()));
}

}  // namespace nhs::tobacco::metrics
