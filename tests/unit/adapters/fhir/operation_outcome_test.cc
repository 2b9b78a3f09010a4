#include "adapters/fhir/operation_outcome.h"

#include "adapters/fhir/message_bundle_reader.h"
#include "gateway/domain/field_violations.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::fhir {
namespace {

TEST(OperationOutcomeTest, EachFieldViolationBecomesAnIssueWithItsExpression) {
  domain::Violations v;
  v.Add("Bundle.entry[2].resource.identifier[0].value",
        "fails the Modulus 11 check");
  v.Add("Bundle.entry[1].resource.groupIdentifier.value", "is required");
  Json oo = BuildOperationOutcome(v.ToStatus("bad message"), "oo-1");
  EXPECT_EQ(oo["resourceType"], "OperationOutcome");
  EXPECT_EQ(oo["id"], "oo-1");
  ASSERT_EQ(oo["issue"].size(), 2u);
  EXPECT_EQ(oo["issue"][0]["severity"], "error");
  EXPECT_EQ(oo["issue"][0]["code"], "invalid");
  EXPECT_EQ(oo["issue"][0]["expression"][0],
            "Bundle.entry[2].resource.identifier[0].value");
  EXPECT_EQ(oo["issue"][1]["expression"][0],
            "Bundle.entry[1].resource.groupIdentifier.value");
}

TEST(OperationOutcomeTest,
     StatusWithoutViolationsGivesOneIssueWithDiagnostics) {
  Json oo = BuildOperationOutcome(
      absl::FailedPreconditionError("cannot dispense: request is SENT"), "x");
  ASSERT_EQ(oo["issue"].size(), 1u);
  EXPECT_EQ(oo["issue"][0]["code"], "business-rule");
  EXPECT_EQ(oo["issue"][0]["diagnostics"], "cannot dispense: request is SENT");
  EXPECT_FALSE(oo["issue"][0].contains("expression"));
}

TEST(OperationOutcomeTest, IssueCodeFollowsTheStatusCode) {
  EXPECT_EQ(IssueTypeFor(absl::StatusCode::kNotFound), "not-found");
  EXPECT_EQ(IssueTypeFor(absl::StatusCode::kAlreadyExists), "duplicate");
  EXPECT_EQ(IssueTypeFor(absl::StatusCode::kResourceExhausted), "too-costly");
}

TEST(OperationOutcomeTest, MalformedJsonIsAStructureIssue) {
  MessageParser parser;
  auto parsed = parser.Parse("not json");
  Json oo = BuildOperationOutcome(parsed.status(), "x");
  EXPECT_EQ(oo["issue"][0]["code"], "structure");
}

TEST(OperationOutcomeTest, NarrativeEscapesTheMessage) {
  Json oo = BuildOperationOutcome(absl::InvalidArgumentError("<b>"), "x");
  EXPECT_NE(oo["text"]["div"].get<std::string>().find("&lt;b&gt;"),
            std::string::npos);
}

}  // namespace
}  // namespace nhs::tobacco::fhir
