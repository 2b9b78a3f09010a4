// The ITK3 Send Document message against the specification's published
// example (tests/testdata/gp_connect/README.md), its determinism and the
// PDF it carries.
#include "adapters/gp_connect/send_document.h"

#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/time/time.h"
#include "adapters/gp_connect/gp_letters.h"
#include "adapters/gp_connect/itk3_constants.h"
#include "adapters/gp_connect/letter_pdf.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/status_matchers.h"
#include "tests/unit/adapters/fhir/fhir_testdata.h"

namespace nhs::tobacco::gp_connect {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::SampleReferral;
using ::nhs::tobacco::testing::SampleRequest;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using Json = nlohmann::json;

constexpr char kMessageId[] = "5b7c3a1e-2f4d-4c6b-9a8e-1d2c3b4a5f60";
constexpr char kPdf[] = "%PDF-1.5\n% a stand-in document\n%%EOF\n";

Json Example() {
  std::ifstream in(std::string(TOBACCO_GP_CONNECT_TESTDATA_DIR) +
                   "/consultation_report_example.json");
  EXPECT_TRUE(in.good());
  std::stringstream s;
  s << in.rdbuf();
  return Json::parse(s.str());
}

SendDocumentContext Context() {
  SendDocumentContext c;
  c.message_id = kMessageId;
  c.timestamp = absl::FromUnixSeconds(1795861800);  // 2026-11-28T10:30:00Z
  c.sender_ods = "RX9";
  c.sender_name = "Example MH Trust Tobacco Dependence Service";
  c.recipient_ods = "Y90001";
  c.document_title = "Stop smoking medicine recommendation";
  c.sender_mesh_mailbox = "RX9OT001";
  c.author = SampleRequest().recommended_by();
  c.sender_reference = "rx-0001";
  return c;
}

Json Build(const SendDocumentContext& c, std::string_view pdf = kPdf) {
  absl::StatusOr<std::string> out = BuildSendDocument(c, SampleReferral(), pdf);
  EXPECT_THAT(out, IsOk());
  return out.ok() ? Json::parse(*out) : Json();
}

std::string Profile(const Json& resource) {
  return resource["meta"]["profile"][0].get<std::string>();
}

const Json& Resource(const Json& bundle, size_t i) {
  return bundle["entry"][i]["resource"];
}

// resourceType + profile of every entry of a bundle.
std::set<std::pair<std::string, std::string>> Kinds(const Json& bundle) {
  std::set<std::pair<std::string, std::string>> kinds;
  for (const Json& e : bundle["entry"]) {
    kinds.emplace(e["resource"]["resourceType"], Profile(e["resource"]));
  }
  return kinds;
}

const Json* FindByType(const Json& bundle, const std::string& type) {
  for (const Json& e : bundle["entry"]) {
    if (e["resource"]["resourceType"] == type) return &e["resource"];
  }
  return nullptr;
}

std::vector<std::string> HandlingKeys(const Json& header) {
  std::vector<std::string> keys;
  for (const Json& k : header["extension"][0]["extension"])
    keys.push_back(k["url"]);
  return keys;
}

const Json& HandlingValue(const Json& header, const std::string& key) {
  for (const Json& k : header["extension"][0]["extension"]) {
    if (k["url"] == key) return k;
  }
  static const Json kNone;
  return kNone;
}

TEST(SendDocumentTest, OuterMessageHasTheExamplesShape) {
  const Json ours = Build(Context());
  const Json example = Example();
  EXPECT_EQ(ours["resourceType"], example["resourceType"]);
  EXPECT_EQ(ours["type"], example["type"]);
  EXPECT_EQ(Profile(ours), Profile(example));
  EXPECT_EQ(ours["identifier"]["system"], example["identifier"]["system"]);
  ASSERT_EQ(ours["entry"].size(), example["entry"].size());
  for (size_t i = 0; i < example["entry"].size(); ++i) {
    EXPECT_EQ(Resource(ours, i)["resourceType"],
              Resource(example, i)["resourceType"])
        << i;
    EXPECT_EQ(Profile(Resource(ours, i)), Profile(Resource(example, i))) << i;
  }
}

TEST(SendDocumentTest, MessageHeaderMatchesTheExampleAndTheGenericUseCase) {
  const Json ours = Resource(Build(Context()), 0);
  const Json example = Resource(Example(), 0);
  EXPECT_EQ(ours["event"], example["event"]);
  EXPECT_EQ(ours["extension"][0]["url"], example["extension"][0]["url"]);
  EXPECT_EQ(HandlingKeys(ours), HandlingKeys(example));
  for (const char* key : {kKeyBusAckRequested, kKeyInfAckRequested,
                          kKeyRecipientType, kKeyMessageDefinition}) {
    EXPECT_EQ(HandlingValue(ours, key), HandlingValue(example, key)) << key;
  }
  // Values of this use case, not the example's.
  EXPECT_EQ(HandlingValue(ours, kKeyLocalExtension)["valueString"],
            "SendDocument-Generic");
  EXPECT_EQ(HandlingValue(ours, kKeySenderReference)["valueString"], "rx-0001");
  EXPECT_EQ(ours["source"]["endpoint"], "RX9OT001");
  EXPECT_EQ(ours["timestamp"], "2026-11-28T10:30:00+00:00");
  // MESH routes: no destination or receiver (GPCM-SD-GE-279).
  EXPECT_FALSE(ours.contains("destination"));
  EXPECT_FALSE(ours.contains("receiver"));
}

TEST(SendDocumentTest, TheOutboxIdIsTheHeaderIdAndTheTrackingId) {
  const Json ours = Build(Context());
  EXPECT_EQ(Resource(ours, 0)["id"], kMessageId);
  EXPECT_EQ(ours["entry"][0]["fullUrl"], std::string("urn:uuid:") + kMessageId);
  EXPECT_EQ(ours["identifier"]["value"], kMessageId);
  EXPECT_NE(ours["id"], kMessageId);
}

TEST(SendDocumentTest, DocumentBundleUsesTheExamplesResourcesAndFixedValues) {
  const Json ours = Resource(Build(Context()), 2);
  const Json example = Resource(Example(), 2);
  EXPECT_EQ(ours["type"], example["type"]);
  EXPECT_EQ(Profile(ours), Profile(example));
  const auto example_kinds = Kinds(example);
  for (const auto& kind : Kinds(ours)) {
    EXPECT_TRUE(example_kinds.count(kind))
        << kind.first << " " << kind.second << " is not in the example";
  }
  // The Composition comes first and its fixed values are the example's.
  const Json& composition = Resource(ours, 0);
  const Json& example_composition = Resource(example, 0);
  EXPECT_EQ(composition["resourceType"], "Composition");
  for (const char* fixed : {"status", "confidentiality"}) {
    EXPECT_EQ(composition[fixed], example_composition[fixed]) << fixed;
  }
  EXPECT_EQ(composition["type"], example_composition["type"]);
  EXPECT_EQ(composition["identifier"]["system"],
            example_composition["identifier"]["system"]);
  EXPECT_EQ(composition["title"], "Stop smoking medicine recommendation");
  EXPECT_THAT(composition["text"]["div"].get<std::string>(),
              HasSubstr("Stop smoking medicine recommendation for Jordan "
                        "TESTPATIENT, NHS Number 9990000018, Version 1"));
  const Json* binary = FindByType(ours, "Binary");
  ASSERT_NE(binary, nullptr);
  EXPECT_EQ((*binary)["contentType"],
            (*FindByType(example, "Binary"))["contentType"]);
}

TEST(SendDocumentTest, EveryReferenceResolvesInsideTheMessage) {
  const Json ours = Build(Context());
  std::set<std::string> urls;
  for (const Json& e : ours["entry"]) urls.insert(e["fullUrl"]);
  for (const Json& e : Resource(ours, 2)["entry"]) urls.insert(e["fullUrl"]);
  std::vector<std::string> references;
  std::function<void(const Json&)> walk = [&](const Json& j) {
    if (j.is_object()) {
      if (j.contains("reference") && j["reference"].is_string()) {
        references.push_back(j["reference"]);
      }
      for (const auto& [key, value] : j.items()) walk(value);
    } else if (j.is_array()) {
      for (const Json& v : j) walk(v);
    }
  };
  walk(ours);
  ASSERT_FALSE(references.empty());
  for (const std::string& r : references) {
    if (r == kSendDocumentMessageDefinition) continue;  // canonical URL
    EXPECT_TRUE(urls.count(r)) << r;
  }
  EXPECT_EQ(Resource(ours, 0)["focus"]["reference"],
            ours["entry"][2]["fullUrl"]);
  const Json& composition = Resource(Resource(ours, 2), 0);
  EXPECT_EQ(composition["section"][0]["entry"][0]["reference"],
            Resource(ours, 2)["entry"][1]["fullUrl"]);  // the PDF, first
}

TEST(SendDocumentTest, PatientOrganisationsAndAuthorComeFromTheInputs) {
  const Json document = Resource(Build(Context()), 2);
  const Json& patient = *FindByType(document, "Patient");
  EXPECT_EQ(patient["identifier"][0]["system"],
            "https://fhir.nhs.uk/Id/nhs-number");
  EXPECT_EQ(patient["identifier"][0]["value"], "9990000018");
  EXPECT_EQ(patient["name"][0]["use"], "official");
  EXPECT_EQ(patient["name"][0]["family"], "TESTPATIENT");
  EXPECT_EQ(patient["birthDate"], "1984-05-12");
  std::vector<std::string> ods;
  for (const Json& e : document["entry"]) {
    if (e["resource"]["resourceType"] == "Organization") {
      ods.push_back(e["resource"]["identifier"][0]["value"]);
    }
  }
  EXPECT_THAT(ods, ElementsAreArray({"RX9", "Y90001"}));
  const Json& author = *FindByType(document, "Practitioner");
  EXPECT_EQ(author["name"][0]["text"], "Alex EXAMPLE");
}

TEST(SendDocumentTest, SameInputsGiveSameBytesAndNewIdsGiveNewOnes) {
  auto bytes = [](const SendDocumentContext& c) {
    return *BuildSendDocument(c, SampleReferral(), kPdf);
  };
  EXPECT_EQ(bytes(Context()), bytes(Context()));
  SendDocumentContext other = Context();
  other.message_id = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";
  EXPECT_NE(Build(Context())["entry"][2]["fullUrl"],
            Build(other)["entry"][2]["fullUrl"]);
}

TEST(SendDocumentTest, RenderedLetterRoundTripsThroughBase64) {
  v1::PrescriptionRequest request = SampleRequest();
  request.set_cyp1a2_safety_alert(true);
  absl::StatusOr<std::string> pdf =
      RenderLetterPdf(RecommendationLetter(request, SampleReferral(), false));
  ASSERT_THAT(pdf, IsOk());
  const Json message = Build(Context(), *pdf);
  std::string decoded;
  ASSERT_TRUE(absl::Base64Unescape(
      (*FindByType(Resource(message, 2), "Binary"))["content"]
          .get<std::string>(),
      &decoded));
  EXPECT_EQ(decoded, *pdf);
}

TEST(SendDocumentTest, MissingInputsAreAllNamed) {
  SendDocumentContext c;
  c.message_id = "not-a-uuid";
  v1::Referral referral = SampleReferral();
  referral.mutable_patient()->clear_family_name();
  referral.mutable_patient()->set_nhs_number("9990000019");
  EXPECT_THAT(
      BuildSendDocument(c, referral, "not a pdf"),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          AllOf(HasSubstr("context.message_id"), HasSubstr("context.timestamp"),
                HasSubstr("context.sender_ods"),
                HasSubstr("context.recipient_ods"),
                HasSubstr("context.sender_mesh_mailbox"),
                HasSubstr("context.author"),
                HasSubstr("referral.patient.nhs_number"),
                HasSubstr("referral.patient.family_name"), HasSubstr("pdf"))));
}

}  // namespace
}  // namespace nhs::tobacco::gp_connect
