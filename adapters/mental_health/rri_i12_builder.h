#ifndef ADAPTERS_MENTAL_HEALTH_RRI_I12_BUILDER_H_
#define ADAPTERS_MENTAL_HEALTH_RRI_I12_BUILDER_H_

#include "absl/status/statusor.h"
#include "adapters/hl7v2/message.h"
#include "adapters/mental_health/hl7_segment_writing.h"
#include "nhs/tobacco/v1/referral.pb.h"

namespace nhs::tobacco::mental_health {

// RRI^I12 (return referral information) telling the referring trust that
// the service accepted or declined its referral:
//   MSH  RF1 (RF1-1 A^Accepted / R^Rejected, table 0283; RF1-6 the trust's
//   own referral id; RF1-11 the gateway's referral id)  PRD RP (the
//   referrer)  PRD RT (the service)  PID  [NTE the decline reason]
// INVALID_ARGUMENT unless the referral is ACCEPTED or DECLINED. Pure.
absl::StatusOr<hl7v2::Message> BuildRriI12(const v1::Referral& referral,
                                           const OutboundHeader& header);

}  // namespace nhs::tobacco::mental_health

#endif  // ADAPTERS_MENTAL_HEALTH_RRI_I12_BUILDER_H_
