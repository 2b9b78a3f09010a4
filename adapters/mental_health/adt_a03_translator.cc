#include "adapters/mental_health/adt_a03_translator.h"

#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "adapters/mental_health/clinical_segments.h"
#include "adapters/mental_health/registered_gp.h"
#include "gateway/domain/field_violations.h"
#include "gateway/domain/identifiers.h"

namespace nhs::tobacco::mental_health {

absl::StatusOr<std::optional<v1::CreateReferralRequest>> TranslateAdtA03(
    const hl7v2::Message& message) {
  TranslationNotes notes;
  return TranslateAdtA03(message, SenderSettings(), notes);
}

absl::StatusOr<std::optional<v1::CreateReferralRequest>> TranslateAdtA03(
    const hl7v2::Message& message, const SenderSettings& sender,
    TranslationNotes& notes) {
  domain::Violations v;
  const hl7v2::Segment& msh = message.header();
  if (msh.GetField(9).GetRepetition(1).GetComponent(1).Text() != "ADT" ||
      msh.GetField(9).GetRepetition(1).GetComponent(2).Text() != "A03") {
    v.Add("MSH-9", "unsupported message type: expected ADT^A03");
    return v.ToStatus("ADT^A03 translation");
  }
  if (!IsFlaggedSmoker(message)) return std::nullopt;
  if (msh.GetField(10).Text().empty()) {
    v.Add("MSH-10", "is required: message control id");
  }
  v1::CreateReferralRequest request;
  request.set_request_id(Hl7RequestId(message));
  v1::Referral& referral = *request.mutable_referral();
  *referral.mutable_patient() = ReadPatient(message, v);
  referral.set_source(sender.referral_source != v1::REFERRAL_SOURCE_UNSPECIFIED
                          ? sender.referral_source
                          : v1::REFERRAL_SOURCE_INPATIENT_MENTAL_HEALTH);

  const std::string referrer = msh.GetField(4).Text();
  if (!referrer.empty() && !domain::ValidateOdsCode(referrer).ok()) {
    v.Add("MSH-4",
          "is not a valid ODS code (3 to 6 upper-case letters and "
          "digits)");
  } else {
    referral.mutable_referrer()->set_ods_code(referrer);
  }
  const std::string service = msh.GetField(6).Text();
  if (domain::ValidateOdsCode(service).ok()) {
    referral.mutable_service()->set_ods_code(service);
  }
  if (const hl7v2::Segment* pv1 = message.FindSegment("PV1"); pv1 != nullptr) {
    const hl7v2::Repetition xcn = pv1->GetField(7).GetRepetition(1);
    if (!xcn.GetComponent(1).Text().empty()) {
      v1::Practitioner& p = *referral.mutable_referring_practitioner();
      p.set_identifier(xcn.GetComponent(1).Text());
      p.set_register_(v1::PROFESSIONAL_REGISTER_LOCAL);
      std::vector<std::string> parts;
      for (int c : {6, 3, 2}) {  // prefix, given, family
        std::string part = xcn.GetComponent(c).Text();
        if (!part.empty()) parts.push_back(std::move(part));
      }
      p.set_display_name(absl::StrJoin(parts, " "));
    }
    // Visit number is PV1-19 in 2.5.1. The reference example carries it one
    // field early (PV1-18, typed VN; its PV1-36/45 are shifted the same
    // way), and engines that copied it will too: accept a VN-typed PV1-18
    // when PV1-19 is empty, since PV1-18 (patient type) is never a CX.
    std::string visit = pv1->GetField(19).Text();
    const hl7v2::Repetition pv1_18 = pv1->GetField(18).GetRepetition(1);
    if (visit.empty() && pv1_18.GetComponent(5).Text() == "VN") {
      visit = pv1_18.GetComponent(1).Text();
    }
    referral.set_external_referral_id(visit);
  } else {
    v.Add("PV1", "segment is required (patient visit)");
  }
  ReadDiagnoses(message, *referral.mutable_mental_health());
  ReadObservations(message, referral, v, notes);
  // Read (and warned about) always; named only when the patient agreed to
  // share with the GP, since the access policy lets the practice read the
  // referral.
  std::optional<v1::Organisation> gp = ReadRegisteredGp(message, &notes);
  if (gp.has_value() && referral.consent().share_with_gp()) {
    *referral.mutable_gp_practice() = *std::move(gp);
  }
  if (!v.empty()) return v.ToStatus("ADT^A03 translation");
  request.set_note(notes.Note());
  return request;
}

}  // namespace nhs::tobacco::mental_health
