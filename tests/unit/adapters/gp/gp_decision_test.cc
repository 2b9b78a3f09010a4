#include "adapters/gp/gp_decision.h"

#include "adapters/fhir/systems.h"
#include "gateway/domain/field_violations.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/violated_fields.h"
#include "tests/unit/adapters/fhir/fhir_testdata.h"

namespace nhs::tobacco::gp {
namespace {

using domain::PrescriptionAction;
using ::nhs::tobacco::testing::ExampleJson;
using ::nhs::tobacco::testing::ReadFhirExample;
using ::nhs::tobacco::testing::StatusIs;
using ::nhs::tobacco::testing::ViolatedFields;
using ::testing::Contains;
using ::testing::Field;
using ::testing::HasSubstr;

absl::StatusOr<GpDecision> Translate(const std::string& json) {
  fhir::MessageParser parser;
  auto m = parser.Parse(json);
  if (!m.ok()) return m.status();
  return TranslateGpDecision(*m);
}

absl::StatusOr<GpDecision> TranslateEdited(
    const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json j = ExampleJson("gp_decision_prescribed_bundle.json");
  edit(j);
  return Translate(j.dump());
}

TEST(GpDecisionTest, ReferenceExampleIsAPrescriptionWithItsEpsId) {
  auto d = Translate(ReadFhirExample("gp_decision_prescribed_bundle.json"));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->action, PrescriptionAction::kPrescribe);
  EXPECT_EQ(d->prescribe.request_id(),
            "fhir:bc1f4a2e-0011-4d1a-9a11-000000000011");
  EXPECT_EQ(d->prescribe.prescription_id(), "TDS-RX-000045");
  EXPECT_EQ(d->prescribe.eps_prescription_id(), "4D7E1A-Y90001-0003FX");
  EXPECT_EQ(d->prescribe.actor().organisation().ods_code(), "Y90001");
  EXPECT_EQ(d->prescribe.actor().practitioner().identifier(), "G9999999");
  EXPECT_EQ(d->prescribe.actor().adapter(), "fhir");
  EXPECT_EQ(d->nhs_number, "9990000018");
  EXPECT_THAT(d->prescribe.note(), HasSubstr("Clozapine noted"));
  EXPECT_THAT(
      d->prescribe.external_ids(),
      Contains(::testing::Property(&v1::ExternalId::value,
                                   "9b5e3c1d-1111-4a2b-8c3d-000000000045")));
}

TEST(GpDecisionTest, CancelledWithCodedReasonIsADecline) {
  auto d = TranslateEdited([](nlohmann::json& j) {
    auto& mr = j["entry"][1]["resource"];
    mr["status"] = "cancelled";
    mr["statusReason"] = {{"coding",
                           {{{"system", fhir::kStatusReasonSystem},
                             {"code", "CLINICAL_CONTRAINDICATION"}}}},
                          {"text", "Unstable angina"}};
    mr.erase("note");
  });
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->action, PrescriptionAction::kDecline);
  EXPECT_EQ(d->decline.reason_code(), "CLINICAL_CONTRAINDICATION");
  EXPECT_EQ(d->decline.note(), "Unstable angina");
  EXPECT_EQ(d->prescription_id(), "TDS-RX-000045");
}

TEST(GpDecisionTest, DeclineWithoutACodedReasonIsRefused) {
  auto d = TranslateEdited([](nlohmann::json& j) {
    j["entry"][1]["resource"]["status"] = "stopped";
  });
  EXPECT_THAT(ViolatedFields(d.status()),
              Contains("Bundle.entry[1].resource.statusReason"));
}

TEST(GpDecisionTest, OnHoldMeansTheGpWantsToSeeThePatientFirst) {
  auto d = TranslateEdited([](nlohmann::json& j) {
    auto& mr = j["entry"][1]["resource"];
    mr["status"] = "on-hold";
    mr.erase("note");
    mr["statusReason"] = {{"coding", {{{"code", "APPOINTMENT_REQUIRED"}}}},
                          {"text", "Review at surgery first"}};
  });
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->action, PrescriptionAction::kRequireAppointment);
  EXPECT_EQ(d->require_appointment.note(), "Review at surgery first");
}

TEST(GpDecisionTest, InvalidNhsNumberIsReportedAtItsElement) {
  auto d = TranslateEdited([](nlohmann::json& j) {
    j["entry"][2]["resource"]["identifier"][0]["value"] = "9990000019";
  });
  EXPECT_THAT(d, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolatedFields(d.status()),
              Contains("Bundle.entry[2].resource.identifier[0].value"));
}

TEST(GpDecisionTest, MissingNhsNumberIsReported) {
  auto d = TranslateEdited(
      [](nlohmann::json& j) { j["entry"][2]["resource"].erase("identifier"); });
  EXPECT_THAT(ViolatedFields(d.status()),
              Contains("Bundle.entry[2].resource.identifier"));
}

TEST(GpDecisionTest, OrderWithoutAValidEpsIdIsRefused) {
  auto d = TranslateEdited([](nlohmann::json& j) {
    j["entry"][1]["resource"]["groupIdentifier"]["value"] =
        "4D7E1A-Y90001-0003FA";
  });
  EXPECT_THAT(ViolatedFields(d.status()),
              Contains("Bundle.entry[1].resource.groupIdentifier.value"));
}

TEST(GpDecisionTest, MessageWithoutOurPrescriptionIdIsRefused) {
  auto d = TranslateEdited(
      [](nlohmann::json& j) { j["entry"][1]["resource"].erase("basedOn"); });
  EXPECT_THAT(ViolatedFields(d.status()),
              Contains("Bundle.entry[1].resource.basedOn"));
}

TEST(GpDecisionTest, AnotherEventIsNotADecision) {
  auto d = Translate(ReadFhirExample("pharmacy_dispense_bundle.json"));
  EXPECT_THAT(d, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("not a GP decision")));
}

TEST(GpDecisionTest, ProposalIsNotADecision) {
  auto d = TranslateEdited([](nlohmann::json& j) {
    j["entry"][1]["resource"]["intent"] = "proposal";
  });
  EXPECT_THAT(ViolatedFields(d.status()),
              Contains("Bundle.entry[1].resource.status"));
}

}  // namespace
}  // namespace nhs::tobacco::gp
