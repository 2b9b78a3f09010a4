#include "adapters/fhir/message_bundle_builder.h"

#include "absl/time/time.h"
#include "adapters/fhir/systems.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::fhir {
namespace {

using ::testing::StartsWith;

MessageContext Context() {
  MessageContext c;
  c.message_id = "7c1f4a2e-0010-4d1a-9a11-000000000010";
  c.timestamp = absl::FromUnixSeconds(1795861805);
  c.source_endpoint = "https://gateway.example.org/fhir/$process-message";
  c.destination_endpoint = "https://gp.example.org/fhir/$process-message";
  return c;
}

Json BuildSample() {
  MessageBundleBuilder b(Context(), kEventRecommendation, "Recommendation");
  const std::string org = b.UrlFor("org");
  const std::string focus =
      b.Add("patient", Json{{"resourceType", "Patient"}, {"active", true}});
  b.Add("org", Json{{"resourceType", "Organization"}});
  b.SetSender(org);
  b.SetReceiver(org);
  b.AddFocus(focus);
  return std::move(b).Build();
}

TEST(MessageBundleBuilderTest, MessageHeaderIsTheFirstEntry) {
  Json bundle = BuildSample();
  EXPECT_EQ(bundle["resourceType"], "Bundle");
  EXPECT_EQ(bundle["type"], "message");
  EXPECT_EQ(bundle["entry"][0]["resource"]["resourceType"], "MessageHeader");
  EXPECT_EQ(bundle["entry"][0]["resource"]["eventCoding"]["code"],
            kEventRecommendation);
  EXPECT_EQ(bundle["identifier"]["value"], Context().message_id);
  EXPECT_EQ(bundle["timestamp"], "2026-11-28T10:30:05+00:00");
  EXPECT_EQ(bundle["meta"]["profile"][0], kProfileBundle);
}

TEST(MessageBundleBuilderTest, EveryEntryHasAUrnUuidFullUrlMatchingItsId) {
  Json bundle = BuildSample();
  ASSERT_EQ(bundle["entry"].size(), 3u);
  for (const Json& e : bundle["entry"]) {
    const std::string url = e["fullUrl"];
    EXPECT_THAT(url, StartsWith("urn:uuid:"));
    EXPECT_EQ(url.substr(9), e["resource"]["id"].get<std::string>());
  }
}

TEST(MessageBundleBuilderTest, ReferencesResolveToEntriesAddedLater) {
  Json bundle = BuildSample();
  const Json& header = bundle["entry"][0]["resource"];
  EXPECT_EQ(header["sender"]["reference"], bundle["entry"][2]["fullUrl"]);
  EXPECT_EQ(header["focus"][0]["reference"], bundle["entry"][1]["fullUrl"]);
  EXPECT_EQ(header["destination"][0]["receiver"]["reference"],
            bundle["entry"][2]["fullUrl"]);
}

TEST(MessageBundleBuilderTest, SameInputGivesIdenticalBytes) {
  EXPECT_EQ(BuildSample().dump(), BuildSample().dump());
}

TEST(MessageBundleBuilderTest, ResponseNamesTheRequestHeader) {
  MessageBundleBuilder b(Context(), kEventDecision, "Decision");
  b.SetResponse("request-header-1", "ok");
  Json bundle = std::move(b).Build();
  EXPECT_EQ(bundle["entry"][0]["resource"]["response"]["identifier"],
            "request-header-1");
  EXPECT_EQ(bundle["entry"][0]["resource"]["response"]["code"], "ok");
}

}  // namespace
}  // namespace nhs::tobacco::fhir
