#include "adapters/fhir/message_bundle_reader.h"

#include "absl/strings/str_cat.h"
#include "gateway/domain/field_violations.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/adapters/fhir/fhir_testdata.h"

namespace nhs::tobacco::fhir {
namespace {

using ::nhs::tobacco::testing::ExampleJson;
using ::nhs::tobacco::testing::ReadFhirExample;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::Contains;
using ::testing::Field;
using ::testing::HasSubstr;

TEST(MessageBundleReaderTest, ReferenceDecisionExampleParses) {
  MessageParser parser;
  const std::string json =
      ReadFhirExample("gp_decision_prescribed_bundle.json");
  auto m = parser.Parse(json);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->message_key, "bc1f4a2e-0011-4d1a-9a11-000000000011");
  EXPECT_EQ(m->event_code, "prescription-decision");
  EXPECT_EQ(m->entries.size(), 5u);
  ASSERT_NE(m->Focus(), nullptr);
  EXPECT_EQ(m->Focus()->resource_type, "MedicationRequest");
  EXPECT_EQ(m->Focus()->Path(), "Bundle.entry[1].resource");
  ASSERT_NE(m->Sender(), nullptr);
  EXPECT_EQ(m->Sender()->resource_type, "Organization");
}

TEST(MessageBundleReaderTest, RelativeReferencesResolveByTypeAndId) {
  MessageParser parser;
  const std::string json =
      ReadFhirExample("gp_decision_prescribed_bundle.json");
  auto m = parser.Parse(json);
  ASSERT_TRUE(m.ok());
  const BundleEntry* e =
      m->Resolve("Patient/7c1f4a2e-0001-4d1a-9a11-000000000001");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->resource_type, "Patient");
  EXPECT_EQ(m->Resolve("Patient/unknown"), nullptr);
}

TEST(MessageBundleReaderTest, MalformedJsonIsMarkedMalformed) {
  MessageParser parser;
  auto m = parser.Parse("{\"resourceType\": \"Bundle\", ");
  EXPECT_THAT(m, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("not valid JSON")));
  EXPECT_TRUE(IsMalformedJson(m.status()));
}

TEST(MessageBundleReaderTest, AResourceOtherThanABundleIsUnprocessable) {
  MessageParser parser;
  auto m = parser.Parse(R"({"resourceType": "Patient", "id": "x"})");
  EXPECT_THAT(m, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("must be Bundle")));
  EXPECT_FALSE(IsMalformedJson(m.status()));
  EXPECT_THAT(domain::GetFieldViolations(m.status()),
              Contains(Field(&domain::FieldViolation::field, "resourceType")));
}

TEST(MessageBundleReaderTest, EveryStructuralProblemIsReportedAtOnce) {
  nlohmann::json j = ExampleJson("gp_decision_prescribed_bundle.json");
  j["type"] = "collection";
  j.erase("id");
  j.erase("identifier");
  std::swap(j["entry"][0], j["entry"][1]);
  j["entry"][2].erase("fullUrl");
  MessageParser parser;
  const std::string text = j.dump();
  auto m = parser.Parse(text);
  ASSERT_FALSE(m.ok());
  auto fields = domain::GetFieldViolations(m.status());
  std::vector<std::string> paths;
  for (const auto& f : fields) paths.push_back(f.field);
  EXPECT_THAT(paths, ::testing::UnorderedElementsAre(
                         "Bundle.type", "Bundle.id", "Bundle.entry[2].fullUrl",
                         "Bundle.entry[0].resource"));
}

TEST(MessageBundleReaderTest, IdentifierValueServesWhenBundleIdIsAbsent) {
  nlohmann::json j = ExampleJson("pharmacy_dispense_bundle.json");
  j.erase("id");
  MessageParser parser;
  const std::string text = j.dump();
  auto m = parser.Parse(text);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->message_key, "7c1f4a2e-0012-4d1a-9a11-000000000012");
}

// The FHIRPath of the duplicated key a refused body names.
std::string DuplicateNamed(const absl::Status& status) {
  auto violations = domain::GetFieldViolations(status);
  return violations.size() == 1 ? violations[0].field : "";
}

TEST(MessageBundleReaderTest, DuplicateKeyIsMalformedAndNamedByPath) {
  MessageParser parser;
  auto m = parser.Parse(R"({"resourceType":"Bundle","type":"collection",)"
                        R"("type":"message"})");
  EXPECT_THAT(m, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_TRUE(IsMalformedJson(m.status()));
  EXPECT_EQ(DuplicateNamed(m.status()), "Bundle.type");
}

TEST(MessageBundleReaderTest, DuplicateKeyDeepInAnEntryIsNamedWithIndexes) {
  MessageParser parser;
  auto m =
      parser.Parse(R"({"resourceType":"Bundle","entry":[{"fullUrl":"a"},)"
                   R"({"resource":{"subject":{"reference":"x","display":"y",)"
                   R"("reference":"z"}}}]})");
  EXPECT_TRUE(IsMalformedJson(m.status()));
  EXPECT_EQ(DuplicateNamed(m.status()),
            "Bundle.entry[1].resource.subject.reference");
}

TEST(MessageBundleReaderTest, DuplicateKeyInALargeObjectIsFound) {
  std::string json = R"({"resourceType":"Bundle")";
  for (int i = 0; i < 100; ++i) absl::StrAppend(&json, ",\"k", i, "\":1");
  absl::StrAppend(&json, R"(,"k70":2})");
  MessageParser parser;
  auto m = parser.Parse(json);
  EXPECT_TRUE(IsMalformedJson(m.status()));
  EXPECT_EQ(DuplicateNamed(m.status()), "Bundle.k70");
}

TEST(MessageBundleReaderTest, SameKeyInSiblingObjectsIsNotADuplicate) {
  MessageParser parser;
  auto m = parser.Parse(ReadFhirExample("gp_decision_prescribed_bundle.json"));
  EXPECT_TRUE(m.ok()) << m.status();
}

TEST(MessageBundleReaderTest, TextNotUtf8IsMalformedJson) {
  MessageParser parser;
  for (const std::string& json :
       {std::string("{\"resourceType\":\"Bund\xFF\xFEle\"}"),
        std::string(R"({"resourceType":"Bundle","id":"\udc00"})")}) {
    auto m = parser.Parse(json);
    EXPECT_TRUE(IsMalformedJson(m.status())) << m.status();
  }
}

}  // namespace
}  // namespace nhs::tobacco::fhir
