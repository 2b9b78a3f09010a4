#ifndef TESTS_TESTING_SAMPLE_REFERRAL_H_
#define TESTS_TESTING_SAMPLE_REFERRAL_H_

// The smallest referral a store accepts, for store-level tests and
// benches: RX9 refers to TDS01, the patient registered with Y90001.
#include <cstdint>
#include <string>

#include "google/protobuf/util/time_util.h"
#include "nhs/tobacco/v1/referral.pb.h"

namespace nhs::tobacco::testing {

inline v1::Referral SampleStoredReferral(const std::string& id,
                                         int64_t created_us = 1,
                                         const std::string& referrer = "RX9") {
  v1::Referral r;
  r.set_referral_id(id);
  r.mutable_patient()->set_nhs_number("9990000018");
  r.mutable_referrer()->set_ods_code(referrer);
  r.mutable_service()->set_ods_code("TDS01");
  r.mutable_gp_practice()->set_ods_code("Y90001");
  r.set_status(v1::REFERRAL_STATUS_RECEIVED);
  *r.mutable_created_at() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(created_us);
  return r;
}

}  // namespace nhs::tobacco::testing

#endif  // TESTS_TESTING_SAMPLE_REFERRAL_H_
