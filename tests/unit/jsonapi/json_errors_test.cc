#include "gateway/jsonapi/json_errors.h"

#include "gateway/domain/field_violations.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::jsonapi {
namespace {

using ::testing::HasSubstr;

TEST(HttpStatusOf, MapsCodesAsGoogleTranscodingDoes) {
  const struct {
    absl::StatusCode code;
    int http;
  } kTable[] = {
      {absl::StatusCode::kOk, 200},
      {absl::StatusCode::kInvalidArgument, 400},
      {absl::StatusCode::kFailedPrecondition, 400},
      {absl::StatusCode::kOutOfRange, 400},
      {absl::StatusCode::kUnauthenticated, 401},
      {absl::StatusCode::kPermissionDenied, 403},
      {absl::StatusCode::kNotFound, 404},
      {absl::StatusCode::kAlreadyExists, 409},
      {absl::StatusCode::kAborted, 409},
      {absl::StatusCode::kResourceExhausted, 429},
      {absl::StatusCode::kCancelled, 499},
      {absl::StatusCode::kInternal, 500},
      {absl::StatusCode::kUnknown, 500},
      {absl::StatusCode::kDataLoss, 500},
      {absl::StatusCode::kUnimplemented, 501},
      {absl::StatusCode::kUnavailable, 503},
      {absl::StatusCode::kDeadlineExceeded, 504},
  };
  for (const auto& row : kTable) {
    EXPECT_EQ(HttpStatusOf(row.code), row.http)
        << absl::StatusCodeToString(row.code);
  }
}

TEST(StatusJson, CarriesFieldViolationsAsABadRequestDetail) {
  const std::string json = StatusJson(domain::InvalidArgumentWithViolations(
      "bad", {{"product_id", "is required"}}));
  EXPECT_THAT(json, HasSubstr(R"("code":3)"));
  EXPECT_THAT(
      json,
      HasSubstr(R"("@type":"type.googleapis.com/google.rpc.BadRequest")"));
  EXPECT_THAT(json, HasSubstr(R"("fieldViolations":[{"field":"product_id")"));
}

TEST(StatusJson, CarriesOnlyErrorInfoWithoutViolations) {
  EXPECT_EQ(StatusJson(absl::NotFoundError("no such prescription")),
            R"({"code":5,"message":"no such prescription","details":[)"
            R"({"@type":"type.googleapis.com/google.rpc.ErrorInfo",)"
            R"("reason":"NOT_FOUND","domain":"tobacco-gateway"}]})");
}

TEST(ErrorResponse, TooManyRequestsSaysWhenToRetry) {
  const http::Response r = ErrorResponse(absl::ResourceExhaustedError("slow"));
  EXPECT_EQ(r.status, 429);
  EXPECT_THAT(r.headers,
              ::testing::Contains(
                  std::pair<std::string, std::string>("Retry-After", "1")));
  EXPECT_THAT(r.body, HasSubstr(R"("retryDelay":"1s")"));
}

TEST(ErrorResponse, UsesTheMappedStatusAndTheApiHeaders) {
  const http::Response r = ErrorResponse(absl::PermissionDeniedError("no"));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.headers.size(), 3u);
}

TEST(JsonErrorPage, KeepsTheServersHttpStatus) {
  EXPECT_EQ(JsonErrorPage(413, "too big").status, 413);
  EXPECT_THAT(JsonErrorPage(413, "too big").body, HasSubstr(R"("code":8)"));
  EXPECT_THAT(JsonErrorPage(404, "none").body, HasSubstr(R"("code":5)"));
  EXPECT_THAT(JsonErrorPage(415, "json").body, HasSubstr(R"("code":3)"));
}

}  // namespace
}  // namespace nhs::tobacco::jsonapi
