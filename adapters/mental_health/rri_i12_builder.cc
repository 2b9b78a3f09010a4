#include "adapters/mental_health/rri_i12_builder.h"

#include "absl/status/status.h"

namespace nhs::tobacco::mental_health {

absl::StatusOr<hl7v2::Message> BuildRriI12(const v1::Referral& referral,
                                           const OutboundHeader& header) {
  const bool accepted = referral.status() == v1::REFERRAL_STATUS_ACCEPTED;
  if (!accepted && referral.status() != v1::REFERRAL_STATUS_DECLINED) {
    return absl::InvalidArgumentError(
        "RRI^I12 answers a referral only once it is ACCEPTED or DECLINED");
  }
  hl7v2::Message message = StartMessage(header, "RRI", "I12", "RRI_I12");
  hl7v2::Segment& rf1 = **message.AddSegment("RF1");
  if (accepted) {
    SetComponents(rf1, 1, {"A", "Accepted", "HL70283"});
  } else {
    SetComponents(rf1, 1, {"R", "Rejected", "HL70283"});
  }
  SetComponents(rf1, 3, {"TDS", "Tobacco dependence service", "L"});
  SetComponents(
      rf1, 6,
      {referral.external_referral_id(), referral.referrer().ods_code()});
  SetComponents(rf1, 11,
                {referral.referral_id(), referral.service().ods_code()});

  hl7v2::Segment& rp = **message.AddSegment("PRD");
  SetComponents(rp, 1, {"RP"});
  SetComponents(rp, 7, {referral.referrer().ods_code(), "ODS"});
  hl7v2::Segment& rt = **message.AddSegment("PRD");
  SetComponents(rt, 1, {"RT"});
  SetComponents(rt, 2, {"Tobacco Dependence Service"});
  SetComponents(rt, 7, {referral.service().ods_code(), "ODS"});
  AddPid(message, referral.patient());
  if (!accepted && !referral.status_reason().empty()) {
    hl7v2::Segment& nte = **message.AddSegment("NTE");
    SetComponents(nte, 1, {"1"});
    SetComponents(nte, 3, {referral.status_reason()});
  }
  return message;
}

}  // namespace nhs::tobacco::mental_health
