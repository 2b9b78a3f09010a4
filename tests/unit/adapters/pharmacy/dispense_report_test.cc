#include "adapters/pharmacy/dispense_report.h"

#include "adapters/fhir/systems.h"
#include "gateway/domain/field_violations.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/violated_fields.h"
#include "tests/unit/adapters/fhir/fhir_testdata.h"

namespace nhs::tobacco::pharmacy {
namespace {

using domain::PrescriptionAction;
using ::nhs::tobacco::testing::ExampleJson;
using ::nhs::tobacco::testing::ReadFhirExample;
using ::nhs::tobacco::testing::StatusIs;
using ::nhs::tobacco::testing::ViolatedFields;
using ::testing::Contains;
using ::testing::HasSubstr;

absl::StatusOr<DispenseReport> Translate(const std::string& json) {
  fhir::MessageParser parser;
  auto m = parser.Parse(json);
  if (!m.ok()) return m.status();
  return TranslateDispenseReport(*m);
}

absl::StatusOr<DispenseReport> TranslateEdited(
    const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json j = ExampleJson("pharmacy_dispense_bundle.json");
  edit(j);
  return Translate(j.dump());
}

TEST(DispenseReportTest, ReferenceExampleIsACompletedDispenseByEpsId) {
  auto r = Translate(ReadFhirExample("pharmacy_dispense_bundle.json"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->completed);
  EXPECT_EQ(r->eps_prescription_id, "4D7E1A-Y90001-0003FX");
  EXPECT_EQ(r->transition.prescription_id(), "");
  EXPECT_EQ(r->transition.request_id(),
            "fhir:bc1f4a2e-0012-4d1a-9a11-000000000012");
  EXPECT_EQ(r->transition.actor().organisation().ods_code(), "FZZ99");
  EXPECT_EQ(r->nhs_number, "9990000018");
  EXPECT_THAT(r->transition.note(), HasSubstr("28 patch"));
  EXPECT_THAT(r->transition.note(), HasSubstr("handed over 2026-12-01"));
  EXPECT_THAT(r->transition.external_ids(),
              Contains(::testing::Property(&v1::ExternalId::value,
                                           "FZZ99-DSP-000912")));
  EXPECT_EQ(ActionFor(*r, v1::ROUTE_GP_PRESCRIPTION),
            PrescriptionAction::kDispense);
  EXPECT_EQ(ActionFor(*r, v1::ROUTE_PHARMACY_SUPPLY),
            PrescriptionAction::kSupply);
}

TEST(DispenseReportTest, OurPrescriptionIdIsReadFromAuthorizingPrescription) {
  auto r = TranslateEdited([](nlohmann::json& j) {
    nlohmann::json ref;
    ref["identifier"]["system"] = fhir::kPrescriptionRequestSystem;
    ref["identifier"]["value"] = "rx-9";
    j["entry"][1]["resource"]["authorizingPrescription"] =
        nlohmann::json::array({ref});
  });
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->transition.prescription_id(), "rx-9");
  EXPECT_EQ(r->eps_prescription_id, "");
}

TEST(DispenseReportTest, DeclinedWithCodedReasonIsNotSupplied) {
  auto r = TranslateEdited([](nlohmann::json& j) {
    auto& md = j["entry"][1]["resource"];
    md["status"] = "declined";
    md["statusReasonCodeableConcept"] = {
        {"coding",
         {{{"system", fhir::kStatusReasonSystem}, {"code", "OUT_OF_STOCK"}}}},
        {"text", "No stock until Friday"}};
  });
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->completed);
  EXPECT_EQ(ActionFor(*r, v1::ROUTE_PHARMACY_SUPPLY),
            PrescriptionAction::kRecordNotSupplied);
  v1::ReasonedTransitionRequest req = NotSuppliedRequest(*r);
  EXPECT_EQ(req.reason_code(), "OUT_OF_STOCK");
  EXPECT_EQ(req.note(), "No stock until Friday");
  EXPECT_EQ(req.request_id(), r->transition.request_id());
}

TEST(DispenseReportTest, DeclinedWithoutAReasonIsRefused) {
  auto r = TranslateEdited([](nlohmann::json& j) {
    j["entry"][1]["resource"]["status"] = "declined";
  });
  EXPECT_THAT(ViolatedFields(r.status()),
              Contains("Bundle.entry[1].resource.statusReasonCodeableConcept"));
}

TEST(DispenseReportTest, InProgressIsNotAReport) {
  auto r = TranslateEdited([](nlohmann::json& j) {
    j["entry"][1]["resource"]["status"] = "in-progress";
  });
  EXPECT_THAT(ViolatedFields(r.status()),
              Contains("Bundle.entry[1].resource.status"));
}

TEST(DispenseReportTest, MissingPrescriptionReferenceIsRefused) {
  auto r = TranslateEdited([](nlohmann::json& j) {
    j["entry"][1]["resource"].erase("authorizingPrescription");
  });
  EXPECT_THAT(ViolatedFields(r.status()),
              Contains("Bundle.entry[1].resource.authorizingPrescription"));
}

TEST(DispenseReportTest, AGpDecisionIsNotADispense) {
  auto r = Translate(ReadFhirExample("gp_decision_prescribed_bundle.json"));
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("not a dispense")));
}

}  // namespace
}  // namespace nhs::tobacco::pharmacy
