#include "gateway/api/grpc_status.h"

#include <string>

#include "gateway/domain/field_violations.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace nhs::tobacco::api {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  const std::string message(status.message());
  auto payload = status.GetPayload(domain::kBadRequestTypeUrl);
  if (!payload.has_value()) return grpc::Status(code, message);
  google::rpc::Status details;
  details.set_code(static_cast<int>(status.code()));
  details.set_message(message);
  google::protobuf::Any* any = details.add_details();
  any->set_type_url(std::string(domain::kBadRequestTypeUrl));
  any->set_value(std::string(*payload));
  return grpc::Status(code, message, details.SerializeAsString());
}

}  // namespace nhs::tobacco::api
