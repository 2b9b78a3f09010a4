#include "gateway/domain/request_validation.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gateway/domain/field_violations.h"
#include "gateway/domain/identifiers.h"

namespace nhs::tobacco::domain {
namespace {

constexpr size_t kMaxIdLength = 128;

std::string Path(absl::string_view a, absl::string_view b) {
  return absl::StrCat(a, ".", b);
}

void CheckRequestId(absl::string_view id, Violations& v) {
  if (id.empty()) {
    v.Add("request_id", "is required (a client-chosen idempotency key)");
  } else if (id.size() > kMaxIdLength) {
    v.Add("request_id",
          absl::StrCat("must be at most ", kMaxIdLength, " characters"));
  }
}

void CheckId(absl::string_view field, absl::string_view id, Violations& v) {
  if (id.empty()) {
    v.Add(field, "is required");
  } else if (id.size() > kMaxIdLength) {
    v.Add(field, absl::StrCat("must be at most ", kMaxIdLength, " characters"));
  }
}

void CheckText(absl::string_view field, absl::string_view text,
               const ValidationLimits& limits, Violations& v) {
  if (static_cast<int>(text.size()) > limits.max_text_length) {
    v.Add(field, absl::StrCat("must be at most ", limits.max_text_length,
                              " characters"));
  }
}

void CheckOds(absl::string_view field, absl::string_view ods, bool required,
              Violations& v) {
  if (ods.empty() && !required) return;
  absl::Status s = ValidateOdsCode(ods);
  if (!s.ok()) v.Add(field, s.message());
}

void CheckDate(absl::string_view field, absl::string_view date, bool required,
               const ValidationLimits& limits, Violations& v) {
  if (date.empty()) {
    if (required) v.Add(field, "is required");
    return;
  }
  absl::Status s = ValidateIsoDate(date);
  if (!s.ok()) {
    v.Add(field, s.message());
    return;
  }
  absl::CivilDay day;
  absl::ParseCivilTime(date, &day);
  if (day > limits.today) v.Add(field, "must not be in the future");
  if (day.year() < 1900) v.Add(field, "must not be before 1900");
}

void CheckPractitioner(absl::string_view field, const v1::Practitioner& p,
                       bool required, const ValidationLimits& limits,
                       Violations& v) {
  if (p.identifier().empty()) {
    if (required) v.Add(Path(field, "identifier"), "is required");
  } else if (p.identifier().size() > kMaxIdLength) {
    v.Add(Path(field, "identifier"), "is too long");
  }
  if (!v1::ProfessionalRegister_IsValid(p.register_())) {
    v.Add(Path(field, "register"), "is not a known register");
  }
  CheckText(Path(field, "display_name"), p.display_name(), limits, v);
}

void CheckActor(absl::string_view field, const v1::Actor& actor,
                const ValidationLimits& limits, Violations& v) {
  CheckOds(Path(field, "organisation.ods_code"),
           actor.organisation().ods_code(), /*required=*/true, v);
  CheckPractitioner(Path(field, "practitioner"), actor.practitioner(),
                    /*required=*/false, limits, v);
}

void CheckExternalIds(
    const google::protobuf::RepeatedPtrField<v1::ExternalId>& ids,
    Violations& v) {
  for (int i = 0; i < ids.size(); ++i) {
    const std::string path = absl::StrCat("external_ids[", i, "]");
    if (ids[i].system().empty()) v.Add(Path(path, "system"), "is required");
    if (ids[i].value().empty()) v.Add(Path(path, "value"), "is required");
    if (ids[i].value().size() > 256) v.Add(Path(path, "value"), "is too long");
  }
}

template <typename Request>
void CheckTransitionCommon(const Request& r, const ValidationLimits& limits,
                           Violations& v) {
  CheckRequestId(r.request_id(), v);
  CheckId("prescription_id", r.prescription_id(), v);
  CheckActor("actor", r.actor(), limits, v);
  CheckText("note", r.note(), limits, v);
  CheckExternalIds(r.external_ids(), v);
}

}  // namespace

absl::Status ValidateCreateReferral(const v1::CreateReferralRequest& request,
                                    const ValidationLimits& limits) {
  Violations v;
  CheckRequestId(request.request_id(), v);
  if (!request.has_referral()) {
    v.Add("referral", "is required");
    return v.ToStatus("invalid referral");
  }
  const v1::Referral& r = request.referral();
  const std::string nhs = NormaliseNhsNumber(r.patient().nhs_number());
  if (absl::Status s = ValidateNhsNumber(nhs); !s.ok()) {
    v.Add("referral.patient.nhs_number", s.message());
  }
  CheckDate("referral.patient.date_of_birth", r.patient().date_of_birth(),
            /*required=*/true, limits, v);
  CheckText("referral.patient.given_name", r.patient().given_name(), limits, v);
  CheckText("referral.patient.family_name", r.patient().family_name(), limits,
            v);
  CheckOds("referral.referrer.ods_code", r.referrer().ods_code(), true, v);
  CheckOds("referral.service.ods_code", r.service().ods_code(), true, v);
  CheckOds("referral.gp_practice.ods_code", r.gp_practice().ods_code(), false,
           v);
  CheckPractitioner("referral.referring_practitioner",
                    r.referring_practitioner(), /*required=*/false, limits, v);
  if (r.source() == v1::REFERRAL_SOURCE_UNSPECIFIED ||
      !v1::ReferralSource_IsValid(r.source())) {
    v.Add("referral.source",
          "must be one of GP, COMMUNITY_MENTAL_HEALTH, "
          "INPATIENT_MENTAL_HEALTH, TALKING_THERAPIES, ACUTE_TRUST, SELF");
  }
  if (!v1::QuitGoal_IsValid(r.goal())) {
    v.Add("referral.goal", "is not a known quit goal");
  }
  const v1::SmokingHistory& smoking = r.smoking();
  if (smoking.cigarettes_per_day() < 0 || smoking.cigarettes_per_day() > 200) {
    v.Add("referral.smoking.cigarettes_per_day", "must be between 0 and 200");
  }
  if (smoking.years_smoked() < 0 || smoking.years_smoked() > 120) {
    v.Add("referral.smoking.years_smoked", "must be between 0 and 120");
  }
  if (smoking.has_co_reading_ppm() &&
      (smoking.co_reading_ppm() < 0 || smoking.co_reading_ppm() > 500)) {
    v.Add("referral.smoking.co_reading_ppm", "must be between 0 and 500 ppm");
  }
  const v1::MentalHealthContext& mh = r.mental_health();
  if (!v1::DiagnosisCategory_IsValid(mh.diagnosis_category())) {
    v.Add("referral.mental_health.diagnosis_category",
          "is not a known diagnosis category");
  }
  for (int i = 0; i < mh.medicines_size(); ++i) {
    const std::string path =
        absl::StrCat("referral.mental_health.medicines[", i, "]");
    if (mh.medicines(i).name().empty()) {
      v.Add(Path(path, "name"), "is required");
    }
    CheckText(Path(path, "name"), mh.medicines(i).name(), limits, v);
    if (!mh.medicines(i).dmd_code().empty()) {
      for (char c : mh.medicines(i).dmd_code()) {
        if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
          v.Add(Path(path, "dmd_code"), "must be digits only");
          break;
        }
      }
    }
  }
  CheckText("referral.external_referral_id", r.external_referral_id(), limits,
            v);
  return v.ToStatus("invalid referral");
}

absl::Status ValidateUpdateReferralStatus(
    const v1::UpdateReferralStatusRequest& request,
    const ValidationLimits& limits) {
  Violations v;
  CheckRequestId(request.request_id(), v);
  CheckId("referral_id", request.referral_id(), v);
  if (request.status() == v1::REFERRAL_STATUS_UNSPECIFIED ||
      request.status() == v1::REFERRAL_STATUS_RECEIVED ||
      !v1::ReferralStatus_IsValid(request.status())) {
    v.Add("status",
          "must be ACCEPTED, DECLINED, IN_TREATMENT, COMPLETED, WITHDRAWN or "
          "ON_HOLD");
  }
  if ((request.status() == v1::REFERRAL_STATUS_DECLINED ||
       request.status() == v1::REFERRAL_STATUS_WITHDRAWN ||
       request.status() == v1::REFERRAL_STATUS_ON_HOLD) &&
      request.reason().empty()) {
    v.Add("reason",
          "is required when declining, withdrawing or putting a referral on "
          "hold");
  }
  CheckText("reason", request.reason(), limits, v);
  CheckActor("actor", request.actor(), limits, v);
  return v.ToStatus("invalid referral status update");
}

absl::Status ValidateRecommendPrescription(
    const v1::RecommendPrescriptionRequest& request,
    const ValidationLimits& limits) {
  Violations v;
  CheckRequestId(request.request_id(), v);
  CheckId("referral_id", request.referral_id(), v);
  CheckId("product_id", request.product_id(), v);
  if (request.dose_text().empty()) {
    v.Add("dose_text", "is required (the dose a clinician reads)");
  }
  CheckText("dose_text", request.dose_text(), limits, v);
  if (!(request.quantity().value() > 0)) {
    v.Add("quantity.value", "must be greater than 0");
  }
  if (request.quantity().unit().empty()) {
    v.Add("quantity.unit", "is required (e.g. patch, piece, tablet, kit)");
  }
  if (request.duration_days() < 1 || request.duration_days() > 365) {
    v.Add("duration_days", "must be between 1 and 365");
  }
  if (request.route() == v1::ROUTE_UNSPECIFIED ||
      !v1::Route_IsValid(request.route())) {
    v.Add("route",
          "must be GP_PRESCRIPTION, PHARMACY_SUPPLY or SERVICE_SUPPLY");
  }
  // The GP route defaults to the referral's GP practice; the others must
  // name who supplies.
  CheckOds("target.ods_code", request.target().ods_code(),
           request.route() != v1::ROUTE_GP_PRESCRIPTION, v);
  if (request.has_nominated_pharmacy()) {
    if (request.route() != v1::ROUTE_GP_PRESCRIPTION) {
      v.Add("nominated_pharmacy",
            "applies to route GP_PRESCRIPTION only; on the pharmacy route "
            "target is the pharmacy");
    }
    CheckOds("nominated_pharmacy.ods_code",
             request.nominated_pharmacy().ods_code(), /*required=*/true, v);
  }
  CheckPractitioner("recommended_by", request.recommended_by(),
                    /*required=*/true, limits, v);
  CheckText("reason", request.reason(), limits, v);
  return v.ToStatus("invalid prescription recommendation");
}

absl::Status ValidateTransition(const v1::TransitionRequest& request,
                                const ValidationLimits& limits) {
  Violations v;
  CheckTransitionCommon(request, limits, v);
  return v.ToStatus("invalid transition request");
}

absl::Status ValidatePrescribe(const v1::PrescribeRequest& request,
                               const ValidationLimits& limits) {
  Violations v;
  CheckTransitionCommon(request, limits, v);
  if (request.eps_prescription_id().empty()) {
    v.Add("eps_prescription_id", "is required");
  } else if (absl::Status s =
                 ValidateEpsPrescriptionId(request.eps_prescription_id());
             !s.ok()) {
    v.Add("eps_prescription_id", s.message());
  }
  return v.ToStatus("invalid prescribe request");
}

absl::Status ValidateReasonedTransition(
    const v1::ReasonedTransitionRequest& request,
    const ValidationLimits& limits) {
  Violations v;
  CheckTransitionCommon(request, limits, v);
  const std::string& code = request.reason_code();
  if (code.empty()) {
    v.Add("reason_code", "is required");
  } else {
    bool ok = code.size() <= 64;
    for (char c : code) {
      ok = ok && (absl::ascii_isupper(static_cast<unsigned char>(c)) ||
                  absl::ascii_isdigit(static_cast<unsigned char>(c)) ||
                  c == '_' || c == '-');
    }
    if (!ok) {
      v.Add("reason_code",
            "must be an upper-case code of at most 64 characters (A-Z, 0-9, "
            "_ or -), e.g. PATIENT_DECLINED");
    }
  }
  return v.ToStatus("invalid transition request");
}

absl::Status ValidateRecordOutcome(const v1::RecordOutcomeRequest& request,
                                   const ValidationLimits& limits) {
  Violations v;
  CheckRequestId(request.request_id(), v);
  if (!request.has_outcome()) {
    v.Add("outcome", "is required");
    return v.ToStatus("invalid outcome");
  }
  const v1::Outcome& o = request.outcome();
  CheckId("outcome.referral_id", o.referral_id(), v);
  if (o.follow_up() == v1::FOLLOW_UP_POINT_UNSPECIFIED ||
      !v1::FollowUpPoint_IsValid(o.follow_up())) {
    v.Add("outcome.follow_up", "must be WEEK_4, WEEK_12 or WEEK_52");
  }
  if (o.status() == v1::OUTCOME_STATUS_UNSPECIFIED ||
      !v1::OutcomeStatus_IsValid(o.status())) {
    v.Add("outcome.status", "is required");
  }
  if (o.has_co_reading_ppm() &&
      (o.co_reading_ppm() < 0 || o.co_reading_ppm() > 500)) {
    v.Add("outcome.co_reading_ppm", "must be between 0 and 500 ppm");
  }
  if (o.status() == v1::OUTCOME_STATUS_QUIT_CO_VERIFIED) {
    if (!o.has_co_reading_ppm()) {
      v.Add("outcome.co_reading_ppm", "is required for a CO-verified quit");
    } else if (o.co_reading_ppm() >= kCoVerifiedBelowPpm) {
      v.Add("outcome.co_reading_ppm",
            "must be under 10 ppm for a CO-verified quit; record "
            "QUIT_SELF_REPORTED or NOT_QUIT instead");
    }
  }
  const bool quit = o.status() == v1::OUTCOME_STATUS_QUIT_CO_VERIFIED ||
                    o.status() == v1::OUTCOME_STATUS_QUIT_SELF_REPORTED;
  CheckDate("outcome.quit_date", o.quit_date(), /*required=*/quit, limits, v);
  CheckDate("outcome.recorded_on", o.recorded_on(), /*required=*/true, limits,
            v);
  if (!o.quit_date().empty() && !o.recorded_on().empty() &&
      o.quit_date() > o.recorded_on()) {
    v.Add("outcome.quit_date", "must not be after outcome.recorded_on");
  }
  CheckActor("outcome.recorded_by", o.recorded_by(), limits, v);
  CheckText("outcome.note", o.note(), limits, v);
  return v.ToStatus("invalid outcome");
}

}  // namespace nhs::tobacco::domain
