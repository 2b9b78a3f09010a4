#include "adapters/gp/recommendation_message.h"

#include "adapters/fhir/systems.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/adapters/fhir/fhir_testdata.h"

namespace nhs::tobacco::gp {
namespace {

using ::nhs::tobacco::testing::SampleReferral;
using ::nhs::tobacco::testing::SampleRequest;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;
using Json = fhir::Json;

fhir::MessageContext Context() {
  fhir::MessageContext c;
  c.message_id = "0d9e7c56-1b1e-4c55-8f4a-5a4a2b9d0001";
  c.timestamp = absl::FromUnixSeconds(1795861805);
  c.source_endpoint = "https://gateway.example.org/fhir/$process-message";
  c.destination_endpoint = "https://gp.example.org/fhir/$process-message";
  return c;
}

Json Build(const v1::PrescriptionRequest& request) {
  auto built = BuildRecommendationMessage(request, SampleReferral(), Context());
  EXPECT_TRUE(built.ok()) << built.status();
  return built.ok() ? *built : Json();
}

const Json& Resource(const Json& bundle, const std::string& type) {
  for (const Json& e : bundle["entry"]) {
    if (e["resource"]["resourceType"] == type) return e["resource"];
  }
  static const Json kNone;
  ADD_FAILURE() << "no " << type;
  return kNone;
}

TEST(RecommendationMessageTest, FocusIsAMedicationRequestProposal) {
  Json b = Build(SampleRequest());
  const Json& header = b["entry"][0]["resource"];
  EXPECT_EQ(header["eventCoding"]["code"], fhir::kEventRecommendation);
  EXPECT_EQ(header["focus"][0]["reference"], b["entry"][1]["fullUrl"]);
  const Json& mr = b["entry"][1]["resource"];
  EXPECT_EQ(mr["resourceType"], "MedicationRequest");
  EXPECT_EQ(mr["intent"], "proposal");
  EXPECT_EQ(mr["status"], "active");
  EXPECT_EQ(mr["identifier"][0]["value"], "rx-0001");
  EXPECT_EQ(mr["dosageInstruction"][0]["text"], "Apply ONE patch each morning");
  EXPECT_EQ(mr["dispenseRequest"]["quantity"]["value"], 28.0);
  EXPECT_EQ(mr["dispenseRequest"]["expectedSupplyDuration"]["code"], "d");
  EXPECT_EQ(mr["reasonCode"][0]["text"], "Smokes 25 a day; wants to quit now");
  EXPECT_EQ(mr["authoredOn"], "2026-11-28T10:30:00+00:00");
  EXPECT_EQ(mr["meta"]["profile"][0], fhir::kProfileMedicationRequest);
}

TEST(RecommendationMessageTest,
     PatientOrganisationsAndPractitionerAreIncluded) {
  Json b = Build(SampleRequest());
  EXPECT_EQ(Resource(b, "Patient")["identifier"][0]["system"],
            fhir::kNhsNumberSystem);
  EXPECT_EQ(Resource(b, "Patient")["identifier"][0]["value"], "9990000018");
  EXPECT_EQ(
      Resource(b, "Patient")["generalPractitioner"][0]["identifier"]["value"],
      "Y90001");
  EXPECT_EQ(Resource(b, "Practitioner")["identifier"][0]["system"],
            fhir::kNmcSystem);
  int orgs = 0;
  for (const Json& e : b["entry"]) {
    if (e["resource"]["resourceType"] == "Organization") {
      ++orgs;
      EXPECT_EQ(e["resource"]["identifier"][0]["system"],
                fhir::kOdsOrganizationSystem);
    }
  }
  EXPECT_EQ(orgs, 2);
  const Json& mr = b["entry"][1]["resource"];
  bool requester_is_role = false;
  for (const Json& e : b["entry"]) {
    if (e["fullUrl"] == mr["requester"]["reference"]) {
      requester_is_role = e["resource"]["resourceType"] == "PractitionerRole";
    }
  }
  EXPECT_TRUE(requester_is_role);
}

TEST(RecommendationMessageTest, UnverifiedDmdCodeIsWithheldAndTheLetterSaysSo) {
  v1::PrescriptionRequest r = SampleRequest();
  r.mutable_product()->set_dmd_code("39732411000001106");
  r.mutable_product()->set_dmd_verified(false);
  Json b = Build(r);
  const Json& med = b["entry"][1]["resource"]["medicationCodeableConcept"];
  EXPECT_FALSE(med.contains("coding"));
  EXPECT_EQ(med["text"], "Nicotine 21mg/24hours transdermal patches");
  EXPECT_THAT(b.dump(), Not(HasSubstr("39732411000001106")));
  EXPECT_THAT(b["entry"][1]["resource"]["text"]["div"].get<std::string>(),
              HasSubstr("has not been verified"));
}

TEST(RecommendationMessageTest, VerifiedDmdCodeIsSentWithTheDmdSystem) {
  v1::PrescriptionRequest r = SampleRequest();
  r.mutable_product()->set_dmd_code("39732411000001106");
  r.mutable_product()->set_dmd_verified(true);
  Json b = Build(r);
  const Json& coding =
      b["entry"][1]["resource"]["medicationCodeableConcept"]["coding"][0];
  EXPECT_EQ(coding["system"], fhir::kDmdSystem);
  EXPECT_EQ(coding["code"], "39732411000001106");
}

TEST(RecommendationMessageTest,
     LetterCarriesTheClozapineSafetyNoteWhenAlerted) {
  v1::PrescriptionRequest r = SampleRequest();
  r.set_cyp1a2_safety_alert(true);
  Json b = Build(r);
  const std::string letter = b["entry"][1]["resource"]["text"]["div"];
  EXPECT_THAT(letter, HasSubstr("Clozapine 300mg daily"));
  EXPECT_THAT(letter, HasSubstr("CYP1A2"));
  EXPECT_THAT(b["entry"][1]["resource"]["note"][0]["text"].get<std::string>(),
              HasSubstr("clozapine or olanzapine"));
}

TEST(RecommendationMessageTest, LetterHasNoSafetyNoteWithoutTheAlert) {
  Json b = Build(SampleRequest());
  EXPECT_THAT(b["entry"][1]["resource"]["text"]["div"].get<std::string>(),
              Not(HasSubstr("CYP1A2")));
  EXPECT_FALSE(b["entry"][1]["resource"].contains("note"));
}

TEST(RecommendationMessageTest, LetterReadsAsALetterAndEscapesWhatItQuotes) {
  v1::PrescriptionRequest r = SampleRequest();
  r.set_reason("<script>alert(1)</script>");
  Json b = Build(r);
  const std::string letter = b["entry"][1]["resource"]["text"]["div"];
  EXPECT_THAT(letter, HasSubstr("Dear colleague"));
  EXPECT_THAT(letter, HasSubstr("NHS number 999 000 0018"));
  EXPECT_THAT(letter, HasSubstr("28 patch"));
  EXPECT_THAT(letter, HasSubstr("28 days"));
  EXPECT_THAT(letter, HasSubstr("Yours sincerely"));
  EXPECT_THAT(letter, HasSubstr("Alex EXAMPLE"));
  EXPECT_THAT(letter, Not(HasSubstr("<script>")));
  EXPECT_THAT(letter, HasSubstr("&lt;script&gt;"));
}

TEST(RecommendationMessageTest, SameRequestGivesIdenticalBytes) {
  EXPECT_EQ(Build(SampleRequest()).dump(), Build(SampleRequest()).dump());
}

TEST(RecommendationMessageTest, PharmacyRouteIsNotSentToAGp) {
  v1::PrescriptionRequest r = SampleRequest();
  r.set_route(v1::ROUTE_PHARMACY_SUPPLY);
  EXPECT_THAT(BuildRecommendationMessage(r, SampleReferral(), Context()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("GP_PRESCRIPTION")));
}

// The GP chaser (issue 12): the same letter, said to be a reminder in the
// event, the header's reason and the narrative; the first letter is not.
TEST(RecommendationMessageTest, AReminderSaysSoInTheHeaderAndTheLetter) {
  auto built = BuildRecommendationMessage(SampleRequest(), SampleReferral(),
                                          Context(), /*reminder=*/true);
  ASSERT_TRUE(built.ok()) << built.status();
  const Json& header = (*built)["entry"][0]["resource"];
  EXPECT_EQ(header["eventCoding"]["code"], fhir::kEventRecommendationReminder);
  EXPECT_EQ(header["reason"]["coding"][0]["code"], fhir::kReasonReminder);
  const Json& mr = (*built)["entry"][1]["resource"];
  EXPECT_EQ(mr["identifier"][0]["value"], "rx-0001");
  EXPECT_THAT(mr["text"]["div"].get<std::string>(),
              HasSubstr("<b>Reminder:</b> we have not had your reply"));

  const Json first = Build(SampleRequest());
  EXPECT_FALSE(first["entry"][0]["resource"].contains("reason"));
  EXPECT_THAT(first["entry"][1]["resource"]["text"]["div"].get<std::string>(),
              Not(HasSubstr("Reminder")));
}

}  // namespace
}  // namespace nhs::tobacco::gp
