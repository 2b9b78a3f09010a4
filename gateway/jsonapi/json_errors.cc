#include "gateway/jsonapi/json_errors.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gateway/api/grpc_status.h"
#include "gateway/common/error_reason.h"
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
  // The same google.rpc.Status the gRPC edge sends: ErrorInfo, BadRequest,
  // RetryInfo in details.
  google::rpc::Status wire = api::RichStatusOf(status);
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
  if (std::optional<absl::Duration> delay = RetryDelayOf(status)) {
    response.headers.emplace_back(
        "Retry-After",
        absl::StrCat(std::max<int64_t>(
            1, absl::ToInt64Seconds(absl::Ceil(*delay, absl::Seconds(1))))));
  }
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
  if (http_status != 429 && http_status != 503) {
    // 413 and 431 map to RESOURCE_EXHAUSTED, but resending the same request
    // cannot help: no Retry-After.
    std::erase_if(response.headers,
                  [](const auto& h) { return h.first == "Retry-After"; });
  }
  return response;
}

}  // namespace nhs::tobacco::jsonapi
