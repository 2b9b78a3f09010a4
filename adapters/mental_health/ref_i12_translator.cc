#include "adapters/mental_health/ref_i12_translator.h"

#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "adapters/mental_health/clinical_segments.h"
#include "adapters/mental_health/registered_gp.h"
#include "adapters/mental_health/translation_notes.h"
#include "gateway/domain/field_violations.h"
#include "gateway/domain/identifiers.h"

namespace nhs::tobacco::mental_health {
namespace {

using hl7v2::Message;
using hl7v2::Repetition;
using hl7v2::Segment;

const Segment* FindProvider(const Message& message, absl::string_view role) {
  for (const Segment* prd : message.FindSegments("PRD")) {
    if (absl::EqualsIgnoreCase(prd->GetField(1).Text(), role)) return prd;
  }
  return nullptr;
}

// The PRD-7 (PLN: id ^ type) repetition whose type is one of `types`.
int FindIdentifier(const Segment& prd,
                   std::initializer_list<absl::string_view> types) {
  const hl7v2::Field ids = prd.GetField(7);
  for (int i = 1; i <= ids.repetition_count(); ++i) {
    const std::string type = ids.GetRepetition(i).GetComponent(2).Text();
    for (absl::string_view t : types) {
      if (absl::EqualsIgnoreCase(type, t)) return i;
    }
  }
  return 0;
}

v1::ProfessionalRegister RegisterFor(absl::string_view type) {
  if (absl::EqualsIgnoreCase(type, "GMC")) return v1::PROFESSIONAL_REGISTER_GMC;
  if (absl::EqualsIgnoreCase(type, "NMC")) return v1::PROFESSIONAL_REGISTER_NMC;
  if (absl::EqualsIgnoreCase(type, "GPHC")) {
    return v1::PROFESSIONAL_REGISTER_GPHC;
  }
  if (absl::EqualsIgnoreCase(type, "HCPC")) {
    return v1::PROFESSIONAL_REGISTER_HCPC;
  }
  if (absl::EqualsIgnoreCase(type, "SDS")) {
    return v1::PROFESSIONAL_REGISTER_SDS_USER;
  }
  return v1::PROFESSIONAL_REGISTER_LOCAL;
}

// XPN family ^ given ^ middle ^ suffix ^ prefix -> "Dr Ada Okafor".
std::string DisplayName(const Repetition& xpn) {
  std::vector<std::string> parts;
  for (int c : {5, 2, 1}) {
    std::string p = xpn.GetComponent(c).Text();
    if (!p.empty()) parts.push_back(std::move(p));
  }
  return absl::StrJoin(parts, " ");
}

// RF1-`field` (a CE from a user-defined table): its code when it is one of
// HL7's suggested `allowed` values, else empty, with a local code kept.
std::string ReadCoded(const Segment& rf1, int field, absl::string_view table,
                      std::initializer_list<absl::string_view> allowed,
                      TranslationNotes& notes) {
  const Repetition ce = rf1.GetField(field).GetRepetition(1);
  const std::string code = ce.GetComponent(1).Text();
  if (code.empty()) return "";
  for (absl::string_view a : allowed) {
    if (code == a) return code;
  }
  notes.LocalCode(absl::StrCat("RF1-", field), table, code,
                  ce.GetComponent(2).Text());
  return "";
}

// The referral's priority and reason from RF1-2 and RF1-10; a local code
// is OTHER.
void ReadRf1Codes(const Segment& rf1, v1::Referral& referral,
                  TranslationNotes& notes) {
  const bool priority_valued = !rf1.GetField(2).Text().empty();
  const std::string priority =
      ReadCoded(rf1, 2, "0280 (S, A, R)", {"S", "A", "R"}, notes);
  if (priority == "R") {
    referral.set_priority(v1::REFERRAL_PRIORITY_ROUTINE);
  } else if (priority == "A") {
    referral.set_priority(v1::REFERRAL_PRIORITY_URGENT);
  } else if (priority == "S") {
    referral.set_priority(v1::REFERRAL_PRIORITY_IMMEDIATE);
  } else if (priority_valued) {
    referral.set_priority(v1::REFERRAL_PRIORITY_OTHER);
  }
  // RF1-5 decides only the inpatient source; a local category is kept.
  ReadCoded(rf1, 5, "0284 (I, O, A, E)", {"I", "O", "A", "E"}, notes);
  const bool reason_valued = !rf1.GetField(10).Text().empty();
  const std::string reason =
      ReadCoded(rf1, 10, "0336 (S, P, W, O)", {"S", "P", "W", "O"}, notes);
  if (reason == "S") {
    referral.set_reason(v1::REFERRAL_REASON_SECOND_OPINION);
  } else if (reason == "P") {
    referral.set_reason(v1::REFERRAL_REASON_PATIENT_PREFERENCE);
  } else if (reason == "W") {
    referral.set_reason(v1::REFERRAL_REASON_WORKLOAD);
  } else if (reason == "O") {
    referral.set_reason(v1::REFERRAL_REASON_PROVIDER_ORDERED);
  } else if (reason_valued) {
    referral.set_reason(v1::REFERRAL_REASON_OTHER);
  }
}

void ReadOds(absl::string_view ods, absl::string_view location,
             v1::Organisation& org, domain::Violations& v) {
  if (ods.empty()) return;  // the pathway reports a missing one
  if (!domain::ValidateOdsCode(ods).ok()) {
    v.Add(location,
          "is not a valid ODS code (3 to 6 upper-case letters and "
          "digits)");
    return;
  }
  org.set_ods_code(std::string(ods));
}

}  // namespace

absl::StatusOr<v1::CreateReferralRequest> TranslateRefI12(
    const Message& message) {
  TranslationNotes notes;
  return TranslateRefI12(message, SenderSettings(), notes);
}

absl::StatusOr<v1::CreateReferralRequest> TranslateRefI12(
    const Message& message, const SenderSettings& sender,
    TranslationNotes& notes) {
  domain::Violations v;
  const Segment& msh = message.header();
  if (msh.GetField(9).GetRepetition(1).GetComponent(1).Text() != "REF" ||
      msh.GetField(9).GetRepetition(1).GetComponent(2).Text() != "I12") {
    v.Add("MSH-9", "unsupported message type: expected REF^I12");
    return v.ToStatus("REF^I12 translation");
  }
  v1::CreateReferralRequest request;
  if (msh.GetField(10).Text().empty()) {
    v.Add("MSH-10", "is required: message control id");
  }
  request.set_request_id(Hl7RequestId(message));
  v1::Referral& referral = *request.mutable_referral();

  *referral.mutable_patient() = ReadPatient(message, v);

  const Segment* referrer = FindProvider(message, "RP");
  if (message.FindSegment("PRD") == nullptr) {
    v.Add("PRD", "segment is required (referring provider, role RP)");
  }
  std::string referrer_ods = msh.GetField(4).Text();
  std::string referrer_location = "MSH-4";
  if (referrer != nullptr) {
    if (int i = FindIdentifier(*referrer, {"ODS"}); i > 0) {
      referrer_ods = referrer->GetField(7).GetRepetition(i).Text();
      referrer_location = absl::StrCat("PRD-7(", i, ").1");
    }
    v1::Practitioner& practitioner = *referral.mutable_referring_practitioner();
    int i = FindIdentifier(*referrer, {"GMC", "NMC", "GPHC", "HCPC", "SDS"});
    if (i > 0) {
      const Repetition pln = referrer->GetField(7).GetRepetition(i);
      practitioner.set_identifier(pln.GetComponent(1).Text());
      practitioner.set_register_(RegisterFor(pln.GetComponent(2).Text()));
    }
    practitioner.set_display_name(
        DisplayName(referrer->GetField(2).GetRepetition(1)));
  }
  ReadOds(referrer_ods, referrer_location, *referral.mutable_referrer(), v);

  std::string service_ods = msh.GetField(6).Text();
  std::string service_location = "MSH-6";
  if (const Segment* to = FindProvider(message, "RT"); to != nullptr) {
    if (int i = FindIdentifier(*to, {"ODS"}); i > 0) {
      service_ods = to->GetField(7).GetRepetition(i).Text();
      service_location = absl::StrCat("PRD-7(", i, ").1");
    }
  }
  ReadOds(service_ods, service_location, *referral.mutable_service(), v);

  referral.set_source(v1::REFERRAL_SOURCE_COMMUNITY_MENTAL_HEALTH);
  if (const Segment* rf1 = message.FindSegment("RF1"); rf1 != nullptr) {
    if (rf1->GetField(5).Text() == "I") {
      referral.set_source(v1::REFERRAL_SOURCE_INPATIENT_MENTAL_HEALTH);
    }
    referral.set_external_referral_id(rf1->GetField(6).Text());
    ReadRf1Codes(*rf1, referral, notes);
  }
  if (sender.referral_source != v1::REFERRAL_SOURCE_UNSPECIFIED) {
    referral.set_source(sender.referral_source);
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
  if (!v.empty()) return v.ToStatus("REF^I12 translation");
  request.set_note(notes.Note());
  return request;
}

}  // namespace nhs::tobacco::mental_health
