#ifndef TESTS_UNIT_ADAPTERS_FHIR_FHIR_TESTDATA_H_
#define TESTS_UNIT_ADAPTERS_FHIR_FHIR_TESTDATA_H_

// The reference examples (copied from ../shared/reference/examples into
// tests/testdata/fhir so a clone without shared/ still runs the tests) and
// domain messages the outbound tests translate.
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "nhs/tobacco/v1/prescription.pb.h"
#include "nhs/tobacco/v1/referral.pb.h"
#include "nlohmann/json.hpp"

namespace nhs::tobacco::testing {

inline std::string ReadFhirExample(const std::string& name) {
  std::ifstream in(std::string(TOBACCO_FHIR_TESTDATA_DIR) + "/" + name);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline nlohmann::json ExampleJson(const std::string& name) {
  return nlohmann::json::parse(ReadFhirExample(name));
}

inline v1::Referral SampleReferral() {
  v1::Referral r;
  r.set_referral_id("ref-1");
  r.mutable_patient()->set_nhs_number("9990000018");
  r.mutable_patient()->set_date_of_birth("1984-05-12");
  r.mutable_patient()->set_given_name("Jordan");
  r.mutable_patient()->set_family_name("TESTPATIENT");
  r.mutable_gp_practice()->set_ods_code("Y90001");
  r.mutable_gp_practice()->set_name("Example Street Surgery");
  r.mutable_service()->set_ods_code("RX9");
  r.mutable_smoking()->set_cigarettes_per_day(25);
  r.mutable_smoking()->set_years_smoked(20);
  r.mutable_smoking()->set_co_reading_ppm(28);
  r.set_goal(v1::QUIT_GOAL_QUIT_NOW);
  auto* m = r.mutable_mental_health()->add_medicines();
  m->set_name("Clozapine 300mg daily");
  m->set_cyp1a2_sensitive(true);
  return r;
}

inline v1::PrescriptionRequest SampleRequest() {
  v1::PrescriptionRequest p;
  p.set_prescription_id("rx-0001");
  p.set_referral_id("ref-1");
  *p.mutable_patient() = SampleReferral().patient();
  p.mutable_product()->set_product_id("nrt-patch-21mg-24h");
  p.mutable_product()->set_display("Nicotine 21mg/24hours transdermal patches");
  p.mutable_product()->set_kind(v1::PRODUCT_KIND_NRT);
  p.set_dose_text("Apply ONE patch each morning");
  p.mutable_quantity()->set_value(28);
  p.mutable_quantity()->set_unit("patch");
  p.set_duration_days(28);
  p.set_route(v1::ROUTE_GP_PRESCRIPTION);
  p.mutable_target()->set_ods_code("Y90001");
  p.mutable_target()->set_name("Example Street Surgery");
  p.mutable_service()->set_ods_code("RX9");
  p.mutable_service()->set_name("Example MH Trust Tobacco Dependence Service");
  p.mutable_recommended_by()->set_identifier("99Z9999Z");
  p.mutable_recommended_by()->set_register_(v1::PROFESSIONAL_REGISTER_NMC);
  p.mutable_recommended_by()->set_display_name("Alex EXAMPLE");
  p.set_reason("Smokes 25 a day; wants to quit now");
  p.set_status(v1::PRESCRIPTION_STATUS_RECOMMENDED);
  p.mutable_created_at()->set_seconds(1795861800);  // 2026-11-28T10:30:00Z
  return p;
}

}  // namespace nhs::tobacco::testing

#endif  // TESTS_UNIT_ADAPTERS_FHIR_FHIR_TESTDATA_H_
