#ifndef TESTS_TESTING_SAMPLE_REQUESTS_H_
#define TESTS_TESTING_SAMPLE_REQUESTS_H_

#include <string>

#include "nhs/tobacco/v1/prescription_service.pb.h"
#include "nhs/tobacco/v1/referral_service.pb.h"

namespace nhs::tobacco::testing {

// A valid referral from community mental health team RX9 to service TDS01
// for a fictional patient on clozapine (NHS number from the 999 test range,
// GP practice Y90001), consenting to share with GP, pharmacy and the
// referring mental health team (which gates every message to the trust).
// Tests change what they are about.
inline v1::CreateReferralRequest SampleReferralRequest(
    const std::string& request_id) {
  v1::CreateReferralRequest r;
  r.set_request_id(request_id);
  v1::Referral* ref = r.mutable_referral();
  ref->mutable_patient()->set_nhs_number("9990000018");
  ref->mutable_patient()->set_date_of_birth("1980-04-01");
  ref->mutable_referrer()->set_ods_code("RX9");
  ref->mutable_referring_practitioner()->set_identifier("C1234567");
  ref->mutable_referring_practitioner()->set_register_(
      v1::PROFESSIONAL_REGISTER_GMC);
  ref->set_source(v1::REFERRAL_SOURCE_COMMUNITY_MENTAL_HEALTH);
  ref->mutable_service()->set_ods_code("TDS01");
  ref->mutable_gp_practice()->set_ods_code("Y90001");
  ref->mutable_smoking()->set_cigarettes_per_day(25);
  ref->mutable_smoking()->set_co_reading_ppm(28);
  ref->mutable_mental_health()->set_diagnosis_category(
      v1::DIAGNOSIS_CATEGORY_SCHIZOPHRENIA);
  ref->mutable_mental_health()->set_smi(true);
  ref->mutable_mental_health()->add_medicines()->set_name(
      "Clozapine 200mg tablets");
  ref->set_goal(v1::QUIT_GOAL_QUIT_NOW);
  ref->mutable_consent()->set_share_with_gp(true);
  ref->mutable_consent()->set_share_with_pharmacy(true);
  ref->mutable_consent()->set_share_with_mental_health_team(true);
  return r;
}

// A valid recommendation of `product` on `route` for `referral_id`
// (`target` may stay empty on the GP route).
inline v1::RecommendPrescriptionRequest SampleRecommendation(
    const std::string& request_id, const std::string& referral_id,
    const std::string& product, v1::Route route,
    const std::string& target = "") {
  v1::RecommendPrescriptionRequest r;
  r.set_request_id(request_id);
  r.set_referral_id(referral_id);
  r.set_product_id(product);
  r.set_dose_text("As directed");
  r.mutable_quantity()->set_value(28);
  r.mutable_quantity()->set_unit("unit");
  r.set_duration_days(28);
  r.set_route(route);
  if (!target.empty()) r.mutable_target()->set_ods_code(target);
  r.mutable_recommended_by()->set_identifier("12A3456B");
  r.mutable_recommended_by()->set_register_(v1::PROFESSIONAL_REGISTER_NMC);
  return r;
}

}  // namespace nhs::tobacco::testing

#endif  // TESTS_TESTING_SAMPLE_REQUESTS_H_
