#include "adapters/pharmacy/supply_request_message.h"

#include "adapters/fhir/systems.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/adapters/fhir/fhir_testdata.h"

namespace nhs::tobacco::pharmacy {
namespace {

using ::nhs::tobacco::testing::SampleReferral;
using ::nhs::tobacco::testing::SampleRequest;
using ::nhs::tobacco::testing::StatusIs;

fhir::MessageContext Context() {
  fhir::MessageContext c;
  c.message_id = "0d9e7c56-1b1e-4c55-8f4a-5a4a2b9d0003";
  c.timestamp = absl::FromUnixSeconds(1795861805);
  c.source_endpoint = "https://gateway.example.org/fhir/$process-message";
  c.destination_endpoint = "https://pharmacy.example.org/fhir/$process-message";
  return c;
}

v1::Organisation Pharmacy() {
  v1::Organisation o;
  o.set_ods_code("FZZ99");
  o.set_name("Example Community Pharmacy");
  return o;
}

TEST(SupplyRequestMessageTest, PharmacySupplyIsAnOrderToThePharmacy) {
  v1::PrescriptionRequest r = SampleRequest();
  r.set_route(v1::ROUTE_PHARMACY_SUPPLY);
  r.mutable_product()->set_kind(v1::PRODUCT_KIND_VAPE);
  r.mutable_product()->set_display("Vape starter kit");
  r.mutable_product()->set_local_code("VAPE-STARTER");
  auto b = BuildPharmacyMessage(r, SampleReferral(), Pharmacy(), Context());
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ((*b)["entry"][0]["resource"]["eventCoding"]["code"],
            fhir::kEventSupplyRequest);
  const fhir::Json& mr = (*b)["entry"][1]["resource"];
  EXPECT_EQ(mr["intent"], "order");
  EXPECT_EQ(mr["medicationCodeableConcept"]["coding"][0]["system"],
            fhir::kLocalProductSystem);
  EXPECT_EQ(mr["medicationCodeableConcept"]["coding"][0]["code"],
            "VAPE-STARTER");
  EXPECT_EQ(
      mr["performer"]["reference"],
      (*b)["entry"][0]["resource"]["destination"][0]["receiver"]["reference"]);
}

TEST(SupplyRequestMessageTest, GpRouteSendsANoticeTaskToTheNominatedPharmacy) {
  v1::PrescriptionRequest r = SampleRequest();
  r.set_eps_prescription_id("4D7E1A-Y90001-0003FX");
  auto b = BuildPharmacyMessage(r, SampleReferral(), Pharmacy(), Context());
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ((*b)["entry"][0]["resource"]["eventCoding"]["code"],
            fhir::kEventPrescriptionNotice);
  const fhir::Json& task = (*b)["entry"][1]["resource"];
  EXPECT_EQ(task["resourceType"], "Task");
  EXPECT_EQ(task["status"], "requested");
  EXPECT_EQ(task["intent"], "order");
  EXPECT_EQ(task["basedOn"][0]["identifier"]["value"], "4D7E1A-Y90001-0003FX");
  EXPECT_EQ(task["focus"]["reference"], (*b)["entry"][2]["fullUrl"]);
  EXPECT_EQ((*b)["entry"][2]["resource"]["intent"], "proposal");
}

TEST(SupplyRequestMessageTest, ServiceSupplyHasNothingToSend) {
  v1::PrescriptionRequest r = SampleRequest();
  r.set_route(v1::ROUTE_SERVICE_SUPPLY);
  EXPECT_THAT(BuildPharmacyMessage(r, SampleReferral(), Pharmacy(), Context()),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace nhs::tobacco::pharmacy
