#include "adapters/mesh/mesh_error.h"

#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::mesh {
namespace {

using ::nhs::tobacco::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

http::Response Answer(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

TEST(StatusFromMeshAnswerTest, UnknownRecipientIsFailedPreconditionWithCode) {
  // The sandbox's answer to mex-To naming no mailbox.
  const absl::Status s = StatusFromMeshAnswer(
      "POST /messageexchange/X26GW001/outbox",
      Answer(417, R"({"detail":[{"event":"SEND","code":"12",)"
                  R"("msg":"Unregistered to address"}]})"));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition,
                          AllOf(HasSubstr("HTTP 417"), HasSubstr("SEND 12"),
                                HasSubstr("Unregistered to address"),
                                HasSubstr("/outbox"))));
  ASSERT_TRUE(MeshErrorOf(s).has_value());
  EXPECT_EQ(MeshErrorOf(s)->http_status, 417);
  EXPECT_EQ(MeshErrorOf(s)->code, "12");
  EXPECT_EQ(MeshErrorOf(s)->event, "SEND");
}

TEST(StatusFromMeshAnswerTest, V1ErrorShapeIsReadToo) {
  const absl::Status s = StatusFromMeshAnswer(
      "POST outbox",
      Answer(417, R"({"errorEvent":"SEND","errorCode":"EPL-151",)"
                  R"("errorDescription":"No mailbox matched"})"));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition,
                          HasSubstr("EPL-151 No mailbox matched")));
}

TEST(StatusFromMeshAnswerTest, OtherExpectationFailuresAreInvalidArgument) {
  EXPECT_THAT(StatusFromMeshAnswer(
                  "POST outbox",
                  Answer(417, R"({"detail":[{"event":"SEND",)"
                              R"("code":"InvalidHeaderChunks","msg":"x"}]})")),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(StatusFromMeshAnswerTest, ForbiddenIsPermissionDenied) {
  EXPECT_THAT(
      StatusFromMeshAnswer(
          "GET /messageexchange/X",
          Answer(403, R"({"detail":[{"event":"",)"
                      R"("code":"","msg":"Invalid Authentication Token"}]})")),
      StatusIs(absl::StatusCode::kPermissionDenied,
               HasSubstr("Invalid Authentication Token")));
  EXPECT_THAT(
      StatusFromMeshAnswer("GET x", Answer(403, "")),
      StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("HTTP 403")));
}

TEST(StatusFromMeshAnswerTest, NotFoundAndGoneAreNotFound) {
  EXPECT_THAT(StatusFromMeshAnswer("GET inbox/1", Answer(404, "")),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(StatusFromMeshAnswer("GET inbox/1", Answer(410, "")),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST(StatusFromMeshAnswerTest, ThrottledAndServerErrorsAreUnavailable) {
  EXPECT_THAT(StatusFromMeshAnswer("GET x", Answer(429, "")),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(
      StatusFromMeshAnswer(
          "GET x",
          Answer(
              500,
              R"({"internal_id":"1","message":"An internal error occurred."})")),
      StatusIs(absl::StatusCode::kUnavailable,
               HasSubstr("An internal error occurred.")));
  EXPECT_THAT(StatusFromMeshAnswer("GET x", Answer(503, "<html>")),
              StatusIs(absl::StatusCode::kUnavailable));
}

TEST(StatusFromMeshAnswerTest, ValidationAnswerNamesTheFieldNotTheBody) {
  // FastAPI echoes the request body in "body"; it must not reach the Status.
  const absl::Status s = StatusFromMeshAnswer(
      "POST outbox",
      Answer(400,
             R"({"detail":[{"loc":["header","mex-to"],"msg":"field required",)"
             R"("type":"value_error.missing"}],"body":"Patient 9990000018"})"));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                          AllOf(HasSubstr("header mex-to: field required"),
                                Not(HasSubstr("9990000018")))));
}

TEST(StatusFromMeshAnswerTest, NonJsonBodyGivesJustTheHttpStatus) {
  EXPECT_THAT(
      StatusFromMeshAnswer("GET x", Answer(400, "Patient 9990000018")),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("HTTP 400"), Not(HasSubstr("9990000018")))));
}

TEST(MeshErrorOfTest, PlainStatusHasNoDetail) {
  EXPECT_FALSE(MeshErrorOf(absl::UnavailableError("x")).has_value());
}

}  // namespace
}  // namespace nhs::tobacco::mesh
