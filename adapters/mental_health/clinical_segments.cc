#include "adapters/mental_health/clinical_segments.h"

#include <openssl/sha.h>

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "adapters/mental_health/diagnosis_mapping.h"
#include "gateway/domain/identifiers.h"

namespace nhs::tobacco::mental_health {
namespace {

// Request ids are at most 128 characters (domain/request_validation).
constexpr size_t kMaxPlainRequestId = 128;

using hl7v2::Message;
using hl7v2::Repetition;
using hl7v2::Segment;

std::string Location(const Segment& s, int occurrence, int field) {
  if (occurrence == 1) return absl::StrCat(s.id(), "-", field);
  return absl::StrCat(s.id(), "(", occurrence, ")-", field);
}

bool IsSnomedSystem(absl::string_view system) {
  return absl::EqualsIgnoreCase(system, "SCT") ||
         absl::EqualsIgnoreCase(system, "SNM") ||
         absl::EqualsIgnoreCase(system, "SNOMED");
}

bool CodeIs(const Repetition& ce,
            std::initializer_list<absl::string_view> any) {
  const std::string code = ce.GetComponent(1).Text();
  for (absl::string_view c : any) {
    if (absl::EqualsIgnoreCase(code, c)) return true;
  }
  return false;
}

// OBX-5 repetitions' identifiers (CE.1), upper-cased.
std::vector<std::string> CodedValues(const Segment& obx) {
  std::vector<std::string> out;
  for (const Repetition& r : obx.GetField(5).repetitions()) {
    std::string code = absl::AsciiStrToUpper(r.GetComponent(1).Text());
    if (!code.empty()) out.push_back(std::move(code));
  }
  return out;
}

bool ParseWholeNumber(const Segment& obx, absl::string_view location, int max,
                      int& out, domain::Violations& v) {
  const std::string text =
      std::string(absl::StripAsciiWhitespace(obx.GetField(5).Text()));
  double value = 0;
  if (!absl::SimpleAtod(text, &value) || value < 0 || value > max ||
      value != static_cast<int>(value)) {
    v.Add(location,
          absl::StrCat("is not a valid whole number between 0 and ", max));
    return false;
  }
  out = static_cast<int>(value);
  return true;
}

void ReadMedicine(const Repetition& ce, v1::MentalHealthContext& context) {
  std::string name = ce.GetComponent(2).Text();
  if (name.empty()) name = ce.GetComponent(1).Text();
  if (name.empty()) return;
  v1::PsychiatricMedicine* medicine = context.add_medicines();
  medicine->set_name(name);
  // A dm+d code only when the sender says it is one: the gateway never
  // invents or guesses medicine codes.
  const std::string system = ce.GetComponent(3).Text();
  const std::string code = ce.GetComponent(1).Text();
  if ((absl::EqualsIgnoreCase(system, "DMD") || IsSnomedSystem(system)) &&
      !code.empty() && std::all_of(code.begin(), code.end(), [](char c) {
        return absl::ascii_isdigit(c);
      })) {
    medicine->set_dmd_code(code);
  }
}

}  // namespace

std::string Hl7RequestId(const Message& message) {
  std::string key = absl::StrCat("hl7:", message.header().GetField(4).Text(),
                                 ":", message.header().GetField(10).Text());
  if (key.size() <= kMaxPlainRequestId) return key;
  // A long control id (v2.7 allows 199 characters) would not fit the
  // 128-character request id: its SHA-256 is as stable a key.
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(),
         digest);
  return absl::StrCat("hl7:sha256:", absl::BytesToHexString(absl::string_view(
                                         reinterpret_cast<const char*>(digest),
                                         sizeof(digest))));
}

std::string Hl7DateToIso(absl::string_view ts, absl::string_view location,
                         domain::Violations& violations) {
  ts = absl::StripAsciiWhitespace(ts);
  if (ts.empty()) return "";
  if (ts.size() < 8 || !std::all_of(ts.begin(), ts.begin() + 8, [](char c) {
        return absl::ascii_isdigit(c);
      })) {
    violations.Add(location, "is not a date (YYYYMMDD)");
    return "";
  }
  std::string iso =
      absl::StrCat(ts.substr(0, 4), "-", ts.substr(4, 2), "-", ts.substr(6, 2));
  if (!domain::ValidateIsoDate(iso).ok()) {
    violations.Add(location, "is not a valid calendar date (YYYYMMDD)");
    return "";
  }
  return iso;
}

v1::Patient ReadPatient(const Message& message, domain::Violations& v) {
  v1::Patient patient;
  const Segment* pid = message.FindSegment("PID");
  if (pid == nullptr) {
    v.Add("PID", "segment is required");
    return patient;
  }
  const hl7v2::Field ids = pid->GetField(3);
  bool found = false;
  for (int i = 1; i <= ids.repetition_count(); ++i) {
    const Repetition cx = ids.GetRepetition(i);
    if (!absl::EqualsIgnoreCase(cx.GetComponent(5).Text(), "NH")) continue;
    found = true;
    const std::string location = absl::StrCat("PID-3(", i, ").1");
    const std::string nhs =
        domain::NormaliseNhsNumber(cx.GetComponent(1).Text());
    if (nhs.empty()) {
      v.Add(location, "is required: the NH identifier has no value");
    } else if (absl::Status s = domain::ValidateNhsNumber(nhs); !s.ok()) {
      // The domain message names the rule that failed, never the number.
      v.Add(location, absl::StrCat("NHS number ", s.message()));
    } else {
      patient.set_nhs_number(nhs);
    }
    break;
  }
  if (!found) v.Add("PID-3", "is required: no NHS number (identifier type NH)");
  const std::string dob = pid->GetField(7).Text();
  if (dob.empty()) {
    v.Add("PID-7", "is required: date of birth");
  } else {
    patient.set_date_of_birth(Hl7DateToIso(dob, "PID-7", v));
  }
  return patient;
}

void ReadDiagnoses(const Message& message, v1::MentalHealthContext& context) {
  for (const Segment* dg1 : message.FindSegments("DG1")) {
    const Repetition ce = dg1->GetField(3).GetRepetition(1);
    const v1::DiagnosisCategory category = DiagnosisCategoryFromCode(
        ce.GetComponent(1).Text(), ce.GetComponent(3).Text());
    context.set_diagnosis_category(
        MoreSevereCategory(context.diagnosis_category(), category));
  }
  // A diagnosis of schizophrenia, bipolar disorder or psychosis is what puts
  // a patient on the SMI register, so the flag follows the diagnosis too.
  if (IsSevereMentalIllness(context.diagnosis_category()))
    context.set_smi(true);
}

bool IsSmokerFinding(absl::string_view code) {
  return code == "77176002" || code == "160603005" || code == "160604004" ||
         code == "160605003" || code == "160606002" || code == "446172000";
}

void ReadObservations(const Message& message, v1::Referral& referral,
                      domain::Violations& v, TranslationNotes& notes) {
  v1::SmokingHistory& smoking = *referral.mutable_smoking();
  v1::MentalHealthContext& mh = *referral.mutable_mental_health();
  int occurrence = 0;
  for (const Segment* obx : message.FindSegments("OBX")) {
    ++occurrence;
    const std::string status = obx->GetField(11).Text();
    if (status == "D" || status == "W") continue;
    const Repetition id = obx->GetField(3).GetRepetition(1);
    const std::string value_location = Location(*obx, occurrence, 5);
    const bool valued = obx->GetField(5).presence() == hl7v2::Presence::kValued;
    if (CodeIs(id, {"CIGPERDAY", "266918002", "230056004"})) {
      int n = 0;
      if (valued && ParseWholeNumber(*obx, value_location, 200, n, v)) {
        smoking.set_cigarettes_per_day(n);
      }
    } else if (CodeIs(id, {"SMOKYRS"})) {
      int n = 0;
      if (valued && ParseWholeNumber(*obx, value_location, 120, n, v)) {
        smoking.set_years_smoked(n);
      }
    } else if (CodeIs(id, {"251900003", "COPPM"})) {
      double ppm = 0;
      if (!valued) continue;
      if (!absl::SimpleAtod(obx->GetField(5).Text(), &ppm) || ppm < 0 ||
          ppm > 500) {
        v.Add(value_location, "is not a CO reading between 0 and 500 ppm");
      } else {
        smoking.set_co_reading_ppm(ppm);
      }
    } else if (CodeIs(id, {"PSYMED"})) {
      for (const Repetition& r : obx->GetField(5).repetitions()) {
        ReadMedicine(r, mh);
      }
    } else if (CodeIs(id, {"SMI"})) {
      for (const std::string& code : CodedValues(*obx)) {
        if (code == "391193001" || code == "Y") mh.set_smi(true);
      }
    } else if (CodeIs(id, {"CONSENT"})) {
      for (const std::string& code : CodedValues(*obx)) {
        if (code == "GP") referral.mutable_consent()->set_share_with_gp(true);
        if (code == "PHARMACY") {
          referral.mutable_consent()->set_share_with_pharmacy(true);
        }
        if (code == "MHT") {
          referral.mutable_consent()->set_share_with_mental_health_team(true);
        }
      }
    } else if (CodeIs(id, {"CONTACTPREF"})) {
      for (const std::string& code : CodedValues(*obx)) {
        if (code == "TEXT")
          referral.mutable_contact()->set_text_reminders(true);
        if (code == "HOMEVISIT") {
          referral.mutable_contact()->set_home_visits(true);
        }
      }
    } else if (CodeIs(id, {"QUITGOAL"})) {
      const std::vector<std::string> codes = CodedValues(*obx);
      const std::string code = codes.empty() ? "" : codes.front();
      if (code == "QUIT_NOW") {
        referral.set_goal(v1::QUIT_GOAL_QUIT_NOW);
      } else if (code == "CUT_DOWN") {
        referral.set_goal(v1::QUIT_GOAL_CUT_DOWN_TO_QUIT);
      } else if (code == "TEMP_ABSTINENCE") {
        referral.set_goal(v1::QUIT_GOAL_TEMPORARY_ABSTINENCE);
      } else if (!code.empty()) {
        // A local goal: the referral has no "other" goal, so it stays
        // unspecified and the code is kept as sent.
        const Repetition ce = obx->GetField(5).GetRepetition(1);
        notes.LocalCode(value_location,
                        "QUITGOAL (QUIT_NOW, CUT_DOWN, TEMP_ABSTINENCE)",
                        ce.GetComponent(1).Text(), ce.GetComponent(2).Text());
      }
    }
  }
  for (const Segment* rxe : message.FindSegments("RXE")) {
    ReadMedicine(rxe->GetField(2).GetRepetition(1), mh);
  }
}

bool IsFlaggedSmoker(const Message& message) {
  for (const Segment* obx : message.FindSegments("OBX")) {
    const std::string status = obx->GetField(11).Text();
    if (status == "D" || status == "W") continue;
    if (!CodeIs(obx->GetField(3).GetRepetition(1), {"SMOKSTAT", "72166-2"})) {
      continue;
    }
    for (const std::string& code : CodedValues(*obx)) {
      if (IsSmokerFinding(code)) return true;
    }
  }
  for (const Segment* dg1 : message.FindSegments("DG1")) {
    const Repetition ce = dg1->GetField(3).GetRepetition(1);
    const std::string code = absl::AsciiStrToUpper(ce.GetComponent(1).Text());
    const std::string system = ce.GetComponent(3).Text();
    if (IsSnomedSystem(system) &&
        (code == "89765005" || code == "56294008" || IsSmokerFinding(code))) {
      return true;
    }
    if ((absl::EqualsIgnoreCase(system, "I10") ||
         absl::EqualsIgnoreCase(system, "ICD10")) &&
        (absl::StartsWith(code, "F17") || absl::StartsWith(code, "Z72.0") ||
         code == "Z720")) {
      return true;
    }
  }
  return false;
}

}  // namespace nhs::tobacco::mental_health
