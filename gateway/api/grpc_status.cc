#include "gateway/api/grpc_status.h"

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "gateway/common/error_reason.h"
#include "gateway/domain/field_violations.h"
#include "google/protobuf/duration.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace nhs::tobacco::api {

google::rpc::Status RichStatusOf(const absl::Status& status) {
  google::rpc::Status details;
  details.set_code(static_cast<int>(status.code()));
  details.set_message(std::string(status.message()));
  if (status.ok()) return details;
  google::rpc::ErrorInfo info;
  info.set_reason(ReasonOf(status));
  info.set_domain(ErrorDomain());
  details.add_details()->PackFrom(info);
  if (auto payload = status.GetPayload(domain::kBadRequestTypeUrl)) {
    google::protobuf::Any* any = details.add_details();
    any->set_type_url(std::string(domain::kBadRequestTypeUrl));
    any->set_value(std::string(*payload));
  }
  if (std::optional<absl::Duration> delay = RetryDelayOf(status)) {
    google::rpc::RetryInfo retry;
    const int64_t ms = absl::ToInt64Milliseconds(*delay);
    retry.mutable_retry_delay()->set_seconds(ms / 1000);
    retry.mutable_retry_delay()->set_nanos(static_cast<int32_t>(ms % 1000) *
                                           1000000);
    details.add_details()->PackFrom(retry);
  }
  return details;
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  const std::string message(status.message());
  return grpc::Status(code, message, RichStatusOf(status).SerializeAsString());
}

}  // namespace nhs::tobacco::api
