#ifndef ADAPTERS_MENTAL_HEALTH_ORU_R01_BUILDER_H_
#define ADAPTERS_MENTAL_HEALTH_ORU_R01_BUILDER_H_

#include "absl/status/statusor.h"
#include "adapters/hl7v2/message.h"
#include "adapters/mental_health/hl7_segment_writing.h"
#include "nhs/tobacco/v1/outcome.pb.h"
#include "nhs/tobacco/v1/referral.pb.h"

namespace nhs::tobacco::mental_health {

// ORU^R01 reporting a treatment outcome to the referring trust, in the
// shape of the reference example (oru_r01_outcome.hl7):
//   MSH PID OBR (OBR-2 placer = the trust's referral id, OBR-3 filler = the
//   gateway's referral id, OBR-4 TDOUTCOME, OBR-25 F)
//   OBX DT  QUITDATE                     the quit date, when set
//   OBX CE  QUIT4WK / QUIT12WK / QUIT52WK the outcome, local codes
//           (QUIT_CO_VERIFIED, QUIT_SELF_REPORTED, NOT_QUIT, ...)
//   OBX NM  251900003 CO reading in [ppm], reference range <10, when measured
//   OBX CE  SMOKSTAT 8517006 Ex-smoker / 77176002 Smoker (SNOMED, confirmed
//           codes) where the outcome implies one
//   NTE     the practitioner's note, when present
// INVALID_ARGUMENT when the follow-up point or status is unspecified. Pure.
absl::StatusOr<hl7v2::Message> BuildOruR01(const v1::Outcome& outcome,
                                           const v1::Referral& referral,
                                           const OutboundHeader& header);

}  // namespace nhs::tobacco::mental_health

#endif  // ADAPTERS_MENTAL_HEALTH_ORU_R01_BUILDER_H_
