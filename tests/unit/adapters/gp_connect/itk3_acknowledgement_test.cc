// ITK3 Responses: what the demo practice builds, the gateway reads back;
// malformed input is refused naming where.
#include "adapters/gp_connect/itk3_acknowledgement.h"

#include <functional>
#include <string>

#include "absl/time/time.h"
#include "adapters/gp_connect/itk3_constants.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::gp_connect {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;
using Kind = Itk3Acknowledgement::Kind;

constexpr char kSentId[] = "5b7c3a1e-2f4d-4c6b-9a8e-1d2c3b4a5f60";
constexpr char kAckId[] = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

Itk3Acknowledgement Ack(Kind kind, bool positive, std::string code = "") {
  Itk3Acknowledgement ack;
  ack.kind = kind;
  ack.acknowledged_message_id = kSentId;
  ack.positive = positive;
  ack.code = std::move(code);
  ack.sender_reference = "rx-0001";
  return ack;
}

std::string Build(const Itk3Acknowledgement& ack) {
  absl::StatusOr<std::string> json = BuildItk3Acknowledgement(
      ack, kAckId, absl::FromUnixSeconds(1795861900), "Y90001", "RX9");
  EXPECT_THAT(json, IsOk());
  return json.ok() ? *json : "";
}

struct Case {
  Kind kind;
  bool positive;
  std::string code;      // given to the builder
  std::string expected;  // read back
};

class Itk3RoundTripTest : public ::testing::TestWithParam<Case> {};

TEST_P(Itk3RoundTripTest, BuildThenParseGivesTheSameAcknowledgement) {
  const Case& c = GetParam();
  absl::StatusOr<Itk3Acknowledgement> parsed =
      ParseItk3Acknowledgement(Build(Ack(c.kind, c.positive, c.code)));
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->kind, c.kind);
  EXPECT_EQ(parsed->positive, c.positive);
  EXPECT_EQ(parsed->acknowledged_message_id, kSentId);
  EXPECT_EQ(parsed->code, c.expected);
  EXPECT_EQ(parsed->sender_reference, "rx-0001");
  EXPECT_FALSE(parsed->description.empty());
}

INSTANTIATE_TEST_SUITE_P(
    AllKinds, Itk3RoundTripTest,
    ::testing::Values(Case{Kind::kInfrastructure, true, "", "20013"},
                      Case{Kind::kInfrastructure, false, "20009", "20009"},
                      Case{Kind::kInfrastructure, false, "10001", "10001"},
                      Case{Kind::kBusiness, true, "", "30001"},
                      Case{Kind::kBusiness, false, "30002", "30002"},
                      Case{Kind::kBusiness, false, "30003", "30003"}));

TEST(Itk3AcknowledgementTest, BuiltResponseFollowsTheSpec) {
  const Json j = Json::parse(Build(Ack(Kind::kBusiness, false, "30002")));
  EXPECT_EQ(j["meta"]["profile"][0], kProfileItkMessageBundle);
  EXPECT_EQ(j["type"], "message");
  const Json& header = j["entry"][0]["resource"];
  EXPECT_EQ(header["id"], kAckId);
  EXPECT_EQ(header["event"]["code"], "ITK008M");
  EXPECT_EQ(header["event"]["system"], kMessageEventSystem);
  EXPECT_EQ(header["response"]["identifier"], kSentId);
  EXPECT_EQ(header["response"]["code"], "fatal-error");
  // A response asks for no response (GPCM-SD-GE-280/281).
  for (const Json& key : header["extension"][0]["extension"]) {
    if (key["url"] == kKeyBusAckRequested ||
        key["url"] == kKeyInfAckRequested) {
      EXPECT_EQ(key["valueBoolean"], false);
    }
  }
  const Json& outcome = j["entry"][3]["resource"];
  EXPECT_EQ(outcome["resourceType"], "OperationOutcome");
  EXPECT_EQ(outcome["issue"][0]["severity"], "fatal");
  EXPECT_EQ(outcome["issue"][0]["code"], "not-found");
  EXPECT_EQ(outcome["issue"][0]["details"]["coding"][0]["system"],
            kResponseCodeSystem);
}

TEST(Itk3AcknowledgementTest, DescriptionIsTheSpecsWordsNotTheDiagnostics) {
  Itk3Acknowledgement ack = Ack(Kind::kBusiness, false, "30002");
  ack.description =
      "No patient with NHS number 9990000018 (Jordan TESTPATIENT)";
  absl::StatusOr<Itk3Acknowledgement> parsed =
      ParseItk3Acknowledgement(Build(ack));
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->description, "Patient not known here");
  EXPECT_THAT(parsed->description, Not(HasSubstr("9990000018")));
}

TEST(Itk3AcknowledgementTest, BareOkWithoutOperationOutcomeIsInfrastructure) {
  const std::string bare = R"({
    "resourceType": "Bundle", "type": "message",
    "entry": [{"resource": {
      "resourceType": "MessageHeader",
      "event": {"system": "https://fhir.nhs.uk/STU3/CodeSystem/ITK-MessageEvent-2",
                "code": "ITK008M"},
      "response": {"identifier": "5b7c3a1e-2f4d-4c6b-9a8e-1d2c3b4a5f60",
                   "code": "ok"}}}]})";
  absl::StatusOr<Itk3Acknowledgement> parsed = ParseItk3Acknowledgement(bare);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->kind, Kind::kInfrastructure);
  EXPECT_TRUE(parsed->positive);
  EXPECT_EQ(parsed->acknowledged_message_id, kSentId);
}

// Edits a built response to break one thing.
std::string Broken(const std::function<void(Json&)>& edit) {
  Json j = Json::parse(Build(Ack(Kind::kInfrastructure, true)));
  edit(j);
  return j.dump();
}

TEST(Itk3AcknowledgementTest, MalformedInputIsRefusedNamingThePath) {
  const auto kInvalid = absl::StatusCode::kInvalidArgument;
  EXPECT_THAT(ParseItk3Acknowledgement("{not json"),
              StatusIs(kInvalid, HasSubstr("not valid JSON")));
  EXPECT_THAT(ParseItk3Acknowledgement(R"({"resourceType":"Patient"})"),
              StatusIs(kInvalid, HasSubstr("Bundle.resourceType")));
  EXPECT_THAT(
      ParseItk3Acknowledgement(Broken([](Json& j) { j["type"] = "document"; })),
      StatusIs(kInvalid, HasSubstr("Bundle.type")));
  EXPECT_THAT(ParseItk3Acknowledgement(Broken(
                  [](Json& j) { j["entry"].erase(j["entry"].begin()); })),
              StatusIs(kInvalid, HasSubstr("Bundle.entry[0].resource")));
  EXPECT_THAT(
      ParseItk3Acknowledgement(Broken([](Json& j) {
        j["entry"][0]["resource"]["response"].erase("identifier");
      })),
      StatusIs(kInvalid,
               HasSubstr("Bundle.entry[0].resource.response.identifier")));
  EXPECT_THAT(ParseItk3Acknowledgement(Broken([](Json& j) {
                j["entry"][0]["resource"]["event"]["code"] = "ITK007C";
              })),
              StatusIs(kInvalid, HasSubstr("event.code")));
  EXPECT_THAT(ParseItk3Acknowledgement(Broken([](Json& j) {
                j["entry"][0]["resource"].erase("response");
              })),
              StatusIs(kInvalid, HasSubstr("resource.response: missing")));
  EXPECT_THAT(
      ParseItk3Acknowledgement(Broken([](Json& j) {
        j["entry"][0]["resource"]["response"]["code"] = "fatal-error";
      })),
      StatusIs(kInvalid, HasSubstr("contradicts ITK3 response code 20013")));
}

TEST(Itk3AcknowledgementTest, BuilderRefusesCodesThatDoNotFit) {
  const auto kInvalid = absl::StatusCode::kInvalidArgument;
  auto build = [](const Itk3Acknowledgement& ack) {
    return BuildItk3Acknowledgement(ack, kAckId, absl::UnixEpoch(), "A", "B");
  };
  EXPECT_THAT(build(Ack(Kind::kBusiness, false)),
              StatusIs(kInvalid, HasSubstr("needs its ITK3 response code")));
  EXPECT_THAT(build(Ack(Kind::kBusiness, true, "20013")),
              StatusIs(kInvalid, HasSubstr("not a positive business")));
  EXPECT_THAT(build(Ack(Kind::kInfrastructure, false, "99999")),
              StatusIs(kInvalid, HasSubstr("not an ITK3 response code")));
}

}  // namespace
}  // namespace nhs::tobacco::gp_connect
