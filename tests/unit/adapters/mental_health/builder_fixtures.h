#ifndef TESTS_UNIT_ADAPTERS_MENTAL_HEALTH_BUILDER_FIXTURES_H_
#define TESTS_UNIT_ADAPTERS_MENTAL_HEALTH_BUILDER_FIXTURES_H_

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "adapters/mental_health/hl7_segment_writing.h"
#include "nhs/tobacco/v1/referral.pb.h"

namespace nhs::tobacco::mental_health {

// The referral of ref_i12_basic.hl7 as the gateway stores it.
inline v1::Referral SampleReferral() {
  v1::Referral r;
  r.set_referral_id("TDS-000045");
  r.mutable_patient()->set_nhs_number("9990000018");
  r.mutable_patient()->set_date_of_birth("1984-05-12");
  r.mutable_referrer()->set_ods_code("RX9");
  r.mutable_service()->set_ods_code("TDS01");
  r.set_external_referral_id("CMHT-REF-000123");
  v1::PsychiatricMedicine* m = r.mutable_mental_health()->add_medicines();
  m->set_name("Clozapine 300mg daily");
  m->set_cyp1a2_sensitive(true);
  return r;
}

inline OutboundHeader SampleHeader() {
  OutboundHeader h;
  h.sending_facility = "TDS01";
  h.receiving_application = "RIO";
  h.receiving_facility = "RX9";
  h.control_id = "MSG000301";
  h.timestamp = absl::FromCivil(absl::CivilSecond(2027, 1, 5, 12, 0, 0),
                                absl::UTCTimeZone());
  return h;
}

}  // namespace nhs::tobacco::mental_health

#endif  // TESTS_UNIT_ADAPTERS_MENTAL_HEALTH_BUILDER_FIXTURES_H_
