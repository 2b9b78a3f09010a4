#include "adapters/mental_health/oru_r01_builder.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gateway/domain/outcome_codes.h"

namespace nhs::tobacco::mental_health {
namespace {

struct Coded {
  absl::string_view code;
  absl::string_view text;
};

Coded FollowUpCode(v1::FollowUpPoint point) {
  switch (point) {
    case v1::FOLLOW_UP_POINT_WEEK_4:
      return {"QUIT4WK", "Quit status at 4 weeks"};
    case v1::FOLLOW_UP_POINT_WEEK_12:
      return {"QUIT12WK", "Quit status at 12 weeks"};
    case v1::FOLLOW_UP_POINT_WEEK_52:
      return {"QUIT52WK", "Quit status at 52 weeks"};
    default:
      return {};
  }
}

// The smoking status an outcome implies, if any (SNOMED, confirmed codes).
Coded SmokingStatus(v1::OutcomeStatus status) {
  switch (status) {
    case v1::OUTCOME_STATUS_QUIT_SELF_REPORTED:
    case v1::OUTCOME_STATUS_QUIT_CO_VERIFIED:
      return {"8517006", "Ex-smoker"};
    case v1::OUTCOME_STATUS_REDUCED:
    case v1::OUTCOME_STATUS_RELAPSED:
    case v1::OUTCOME_STATUS_NOT_QUIT:
      return {"77176002", "Smoker"};
    default:
      return {};
  }
}

hl7v2::Segment& AddObx(hl7v2::Message& message, int set_id,
                       absl::string_view type) {
  hl7v2::Segment& obx = **message.AddSegment("OBX");
  SetComponents(obx, 1, {absl::StrCat(set_id)});
  SetComponents(obx, 2, {type});
  SetComponents(obx, 11, {"F"});
  return obx;
}

}  // namespace

absl::StatusOr<hl7v2::Message> BuildOruR01(const v1::Outcome& outcome,
                                           const v1::Referral& referral,
                                           const OutboundHeader& header) {
  const Coded follow_up = FollowUpCode(outcome.follow_up());
  const domain::OutcomeCoding status =
      domain::OutcomeCodingFor(outcome.status());
  if (follow_up.code.empty() || status.code.empty()) {
    return absl::InvalidArgumentError(
        "ORU^R01 needs an outcome with a follow-up point and a status");
  }
  hl7v2::Message message = StartMessage(header, "ORU", "R01", "ORU_R01");
  AddPid(message, referral.patient());
  const std::string observed = outcome.recorded_on().empty()
                                   ? Hl7Timestamp(header.timestamp)
                                   : IsoDateToHl7(outcome.recorded_on());
  hl7v2::Segment& obr = **message.AddSegment("OBR");
  SetComponents(obr, 1, {"1"});
  SetComponents(
      obr, 2,
      {referral.external_referral_id(), referral.referrer().ods_code()});
  SetComponents(obr, 3,
                {referral.referral_id(), referral.service().ods_code()});
  SetComponents(obr, 4,
                {"TDOUTCOME", "Tobacco dependence treatment outcome", "L"});
  SetComponents(obr, 7, {observed});
  const v1::Practitioner& by = outcome.recorded_by().practitioner();
  SetComponents(obr, 16, {by.identifier(), by.display_name()});
  SetComponents(obr, 22, {Hl7Timestamp(header.timestamp)});
  SetComponents(obr, 25, {"F"});

  int set_id = 0;
  if (!outcome.quit_date().empty()) {
    hl7v2::Segment& obx = AddObx(message, ++set_id, "DT");
    SetComponents(obx, 3, {"QUITDATE", "Quit date", "L"});
    SetComponents(obx, 5, {IsoDateToHl7(outcome.quit_date())});
  }
  {
    hl7v2::Segment& obx = AddObx(message, ++set_id, "CE");
    SetComponents(obx, 3, {follow_up.code, follow_up.text, "L"});
    SetComponents(obx, 5, {status.code, status.display, "L"});
    SetComponents(obx, 14, {observed});
  }
  if (outcome.has_co_reading_ppm()) {
    hl7v2::Segment& obx = AddObx(message, ++set_id, "NM");
    SetComponents(
        obx, 3, {"251900003", "Expired carbon monoxide concentration", "SCT"});
    SetComponents(obx, 5, {absl::StrFormat("%g", outcome.co_reading_ppm())});
    SetComponents(obx, 6, {"[ppm]", "parts per million", "UCUM"});
    SetComponents(obx, 7, {"<10"});
    SetComponents(obx, 14, {observed});
  }
  if (const Coded smoking = SmokingStatus(outcome.status());
      !smoking.code.empty()) {
    hl7v2::Segment& obx = AddObx(message, ++set_id, "CE");
    SetComponents(obx, 3, {"SMOKSTAT", "Smoking status", "L"});
    SetComponents(obx, 5, {smoking.code, smoking.text, "SCT"});
  }
  if (!outcome.note().empty()) {
    hl7v2::Segment& nte = **message.AddSegment("NTE");
    SetComponents(nte, 1, {"1"});
    SetComponents(nte, 3, {outcome.note()});
  }
  return message;
}

}  // namespace nhs::tobacco::mental_health
