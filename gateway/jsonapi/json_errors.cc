#include "gateway/jsonapi/json_errors.h"

#include <google/protobuf/util/json_util.h>

#include <string>
#include <utility>

#include "gateway/domain/field_violations.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace nhs::tobacco::jsonapi {

int HttpStatusOf(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kCancelled:
      return 499;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    default:
      return 500;
  }
}

std::string StatusJson(const absl::Status& status) {
  google::rpc::Status wire;
  wire.set_code(static_cast<int>(status.code()));
  wire.set_message(std::string(status.message()));
  if (auto payload = status.GetPayload(domain::kBadRequestTypeUrl)) {
    google::protobuf::Any* any = wire.add_details();
    any->set_type_url(std::string(domain::kBadRequestTypeUrl));
    any->set_value(std::string(*payload));
  }
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(wire, &json).ok()) {
    // A payload that does not parse as BadRequest: the code and message
    // still reach the caller.
    wire.clear_details();
    json.clear();
    (void)google::protobuf::util::MessageToJsonString(wire, &json);
  }
  return json;
}

void AddApiHeaders(http::Response& response) {
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
}

http::Response ErrorResponse(const absl::Status& status) {
  http::Response response;
  response.status = HttpStatusOf(status.code());
  response.content_type = "application/json";
  response.body = StatusJson(status);
  AddApiHeaders(response);
  return response;
}

namespace {

absl::StatusCode CodeOfHttpStatus(int http_status) {
  switch (http_status) {
    case 404:
      return absl::StatusCode::kNotFound;
    case 405:
      return absl::StatusCode::kUnimplemented;
    case 408:
      return absl::StatusCode::kDeadlineExceeded;
    case 413:
    case 431:
      return absl::StatusCode::kResourceExhausted;
    case 503:
      return absl::StatusCode::kUnavailable;
    default:
      return absl::StatusCode::kInvalidArgument;
  }
}

}  // namespace

http::Response JsonErrorPage(int http_status, const std::string& why) {
  http::Response response =
      ErrorResponse(absl::Status(CodeOfHttpStatus(http_status), why));
  response.status = http_status;
  return response;
}

}  // namespace nhs::tobacco::jsonapi
