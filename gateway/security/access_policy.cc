#include "gateway/security/access_policy.h"

#include <initializer_list>

#include "absl/strings/str_cat.h"

namespace nhs::tobacco::security {
namespace {

// The ways an organisation can be related to a record.
enum Relation : unsigned {
  kReferrer = 1u << 0,   // sent the referral
  kService = 1u << 1,    // the tobacco dependency service treating
  kGp = 1u << 2,         // the registered practice the patient shares with
  kTarget = 1u << 3,     // asked to act on this prescription request
  kEpsHolder = 1u << 4,  // quoted the request's EPS prescription id
  // safety: the patient's mental health prescriber (a safety alert's).
  kPrescriber = 1u << 5,
  // reports (issue 14): the integrated care board the registered practice
  // or the service is mapped to (organisation registry).
  kIcb = 1u << 6,
};

enum RouteMask : unsigned {
  kAnyRoute = 0,
  kGpRoute = 1u << v1::ROUTE_GP_PRESCRIPTION,
  kPharmacyRoute = 1u << v1::ROUTE_PHARMACY_SUPPLY,
  kServiceRoute = 1u << v1::ROUTE_SERVICE_SUPPLY,
};

struct Rule {
  Role role;
  Operation op;
  unsigned relations;  // any one of these grants
  unsigned routes;     // kAnyRoute or a mask of routes
};

using O = Operation;
using R = Role;

// Least privilege, one line per permission. A creating operation's
// relation is checked against the record as it will be (e.g. a trust may
// only create referrals that name itself as referrer).
constexpr Rule kRules[] = {
    // Mental health trusts refer and see what they referred and its
    // outcomes; they do not see prescriptions.
    {R::kMentalHealthTrust, O::kCreateReferral, kReferrer, kAnyRoute},
    {R::kMentalHealthTrust, O::kReadReferral, kReferrer, kAnyRoute},
    {R::kMentalHealthTrust, O::kReadOutcomes, kReferrer, kAnyRoute},
    // GP practices refer, see their patients' referrals, requests and
    // outcomes, and decide on requests sent to them on the GP route.
    {R::kGp, O::kCreateReferral, kReferrer, kAnyRoute},
    {R::kGp, O::kReadReferral, kReferrer | kGp, kAnyRoute},
    {R::kGp, O::kReadPrescription, kTarget | kGp, kAnyRoute},
    {R::kGp, O::kAcknowledge, kTarget, kGpRoute},
    {R::kGp, O::kPrescribe, kTarget, kGpRoute},
    {R::kGp, O::kDecline, kTarget, kGpRoute},
    {R::kGp, O::kRequireAppointment, kTarget, kGpRoute},
    {R::kGp, O::kReadOutcomes, kReferrer | kGp, kAnyRoute},
    // Pharmacies see and confirm only what is routed to them; on the GP
    // route the dispensing pharmacy proves itself with the EPS id.
    {R::kPharmacy, O::kReadPrescription, kTarget | kEpsHolder, kAnyRoute},
    {R::kPharmacy, O::kAcknowledge, kTarget, kPharmacyRoute},
    {R::kPharmacy, O::kSupply, kTarget, kPharmacyRoute},
    {R::kPharmacy, O::kRecordNotSupplied, kTarget, kPharmacyRoute},
    {R::kPharmacy, O::kDispense, kEpsHolder, kGpRoute},
    // The tobacco dependency service owns its referrals and
    // recommendations, and supplies itself on the service route.
    {R::kTobaccoService, O::kCreateReferral, kService, kAnyRoute},
    {R::kTobaccoService, O::kReadReferral, kService, kAnyRoute},
    {R::kTobaccoService, O::kUpdateReferralStatus, kService, kAnyRoute},
    {R::kTobaccoService, O::kRecommend, kService, kAnyRoute},
    {R::kTobaccoService, O::kReadPrescription, kService, kAnyRoute},
    {R::kTobaccoService, O::kMarkSent, kService, kAnyRoute},
    {R::kTobaccoService, O::kCancel, kService, kAnyRoute},
    {R::kTobaccoService, O::kAcknowledge, kTarget, kServiceRoute},
    {R::kTobaccoService, O::kSupply, kTarget, kServiceRoute},
    {R::kTobaccoService, O::kRecordNotSupplied, kTarget, kServiceRoute},
    {R::kTobaccoService, O::kRecordOutcome, kService, kAnyRoute},
    {R::kTobaccoService, O::kReadOutcomes, kService, kAnyRoute},
    // EHR integrators act for their own organisation: they refer, read what
    // concerns it, and record hand-over and receipt.
    {R::kIntegrator, O::kCreateReferral, kReferrer, kAnyRoute},
    {R::kIntegrator, O::kReadReferral, kReferrer | kService, kAnyRoute},
    {R::kIntegrator, O::kReadPrescription, kTarget | kService, kAnyRoute},
    {R::kIntegrator, O::kMarkSent, kService, kAnyRoute},
    {R::kIntegrator, O::kAcknowledge, kTarget, kAnyRoute},
    // Amendment (issue 12, amend part): the service treating the referral
    // keeps it true to the patient's situation.
    {R::kTobaccoService, O::kUpdateReferral, kService, kAnyRoute},
    // Operators run the gateway; they do not read patient records.
    {R::kAdmin, O::kAdminister, 0, kAnyRoute},
    // referrers (issue 12): every organisation that may refer creates
    // referrals naming itself as referrer, reads them and their outcomes,
    // and follows the status and timeline of the prescription requests that
    // follow them (the use case withholds the letter text from a caller
    // that is only the referrer: RelatesOnlyAsReferrer).
    {R::kMentalHealthTrust, O::kReadPrescription, kReferrer, kAnyRoute},
    {R::kGp, O::kReadPrescription, kReferrer, kAnyRoute},
    {R::kIntegrator, O::kReadPrescription, kReferrer, kAnyRoute},
    {R::kPharmacy, O::kCreateReferral, kReferrer, kAnyRoute},
    {R::kPharmacy, O::kReadReferral, kReferrer, kAnyRoute},
    {R::kPharmacy, O::kReadOutcomes, kReferrer, kAnyRoute},
    {R::kPharmacy, O::kReadPrescription, kReferrer, kAnyRoute},
    {R::kTalkingTherapies, O::kCreateReferral, kReferrer, kAnyRoute},
    {R::kTalkingTherapies, O::kReadReferral, kReferrer, kAnyRoute},
    {R::kTalkingTherapies, O::kReadOutcomes, kReferrer, kAnyRoute},
    {R::kTalkingTherapies, O::kReadPrescription, kReferrer, kAnyRoute},
    {R::kLocalAuthority, O::kCreateReferral, kReferrer, kAnyRoute},
    {R::kLocalAuthority, O::kReadReferral, kReferrer, kAnyRoute},
    {R::kLocalAuthority, O::kReadOutcomes, kReferrer, kAnyRoute},
    {R::kLocalAuthority, O::kReadPrescription, kReferrer, kAnyRoute},
    {R::kVoluntarySector, O::kCreateReferral, kReferrer, kAnyRoute},
    {R::kVoluntarySector, O::kReadReferral, kReferrer, kAnyRoute},
    {R::kVoluntarySector, O::kReadOutcomes, kReferrer, kAnyRoute},
    {R::kVoluntarySector, O::kReadPrescription, kReferrer, kAnyRoute},
    // The formulary catalogue is not patient data: every certificate role
    // may list it (no relation to any record needed).
    {R::kGp, O::kReadFormulary, 0, kAnyRoute},
    {R::kPharmacy, O::kReadFormulary, 0, kAnyRoute},
    {R::kMentalHealthTrust, O::kReadFormulary, 0, kAnyRoute},
    {R::kTobaccoService, O::kReadFormulary, 0, kAnyRoute},
    {R::kIntegrator, O::kReadFormulary, 0, kAnyRoute},
    {R::kAdmin, O::kReadFormulary, 0, kAnyRoute},
    {R::kTalkingTherapies, O::kReadFormulary, 0, kAnyRoute},
    {R::kLocalAuthority, O::kReadFormulary, 0, kAnyRoute},
    {R::kVoluntarySector, O::kReadFormulary, 0, kAnyRoute},
    {R::kIcbCommissioner, O::kReadFormulary, 0, kAnyRoute},
    // safety: CYP1A2 safety alerts. The prescriber's trust and the treating
    // service read and acknowledge them (a named person's word); a trust
    // that referred sees its patients' alerts; an integrator reads for its
    // organisation. A system's AA never acknowledges (no rule names one).
    {R::kMentalHealthTrust, O::kReadSafetyAlerts, kPrescriber | kReferrer,
     kAnyRoute},
    {R::kMentalHealthTrust, O::kAcknowledgeSafetyAlert, kPrescriber, kAnyRoute},
    {R::kTobaccoService, O::kReadSafetyAlerts, kService, kAnyRoute},
    {R::kTobaccoService, O::kAcknowledgeSafetyAlert, kService, kAnyRoute},
    {R::kIntegrator, O::kReadSafetyAlerts, kPrescriber | kService, kAnyRoute},
    // care (issue 12): the treating service sets the quit date and records
    // contacts on the referrals sent to it.
    {R::kTobaccoService, O::kSetQuitDate, kService, kAnyRoute},
    {R::kTobaccoService, O::kRecordContact, kService, kAnyRoute},
    // reports (issue 14), checked per referral the report counts: a
    // service its own referrals, a GP practice its patients (with consent
    // to share with it), an ICB commissioner those whose practice or
    // service is mapped to its ICB. Nobody else, admin included: small
    // counts are patient data.
    {R::kTobaccoService, O::kReadReports, kService, kAnyRoute},
    {R::kGp, O::kReadReports, kGp, kAnyRoute},
    {R::kIcbCommissioner, O::kReadReports, kIcb, kAnyRoute},
};

unsigned RelationsOf(const Principal& p, const RecordView& r) {
  unsigned rel = 0;
  if (!p.ods_code.empty()) {
    if (p.ods_code == r.referrer_ods) rel |= kReferrer;
    if (p.ods_code == r.service_ods) rel |= kService;
    if (p.ods_code == r.gp_ods) rel |= kGp;
    if (p.ods_code == r.target_ods) rel |= kTarget;
    if (p.ods_code == r.prescriber_ods) rel |= kPrescriber;
    if (p.ods_code == r.gp_icb_ods || p.ods_code == r.service_icb_ods) {
      rel |= kIcb;
    }
  }
  if (r.holds_eps_id) rel |= kEpsHolder;
  return rel;
}

}  // namespace

RecordView ViewOf(const v1::Referral& referral) {
  RecordView v;
  v.referrer_ods = referral.referrer().ods_code();
  v.service_ods = referral.service().ods_code();
  // The registered practice is related to the referral only while the
  // patient consents to share with it: withdrawing consent
  // (UpdateReferral) withdraws its access. A prescription request carries
  // the practice only under the same consent (the pathway keeps it so).
  if (referral.consent().share_with_gp()) {
    v.gp_ods = referral.gp_practice().ods_code();
  }
  return v;
}

RecordView ViewOf(const v1::PrescriptionRequest& p,
                  absl::string_view referrer_ods) {
  RecordView v;
  v.referrer_ods = std::string(referrer_ods);
  v.service_ods = p.service().ods_code();
  v.gp_ods = p.gp_practice().ods_code();
  v.target_ods = p.target().ods_code();
  v.route = p.route();
  return v;
}

bool RelatesOnlyAsReferrer(const Principal& principal,
                           const RecordView& record) {
  if (principal.role == Role::kDevelopment ||
      principal.role == Role::kGateway) {
    return false;
  }
  return RelationsOf(principal, record) == kReferrer;
}
RecordView ViewOf(const v1::SafetyAlert& alert) {
  RecordView v;
  v.prescriber_ods = alert.prescriber().ods_code();
  v.service_ods = alert.service().ods_code();
  return v;
}

RecordView ViewOf(const domain::ReportSubject& subject) {
  RecordView v;
  v.referrer_ods = subject.referrer_ods;
  v.service_ods = subject.service_ods;
  if (subject.shares_with_gp) v.gp_ods = subject.gp_ods;
  return v;
}

absl::Status AuthorizeAnyRecord(const Principal& principal, Operation op) {
  if (principal.role == Role::kDevelopment) return absl::OkStatus();
  op = PermissionFor(op);
  for (const Rule& rule : kRules) {
    if (rule.role == principal.role && rule.op == op) return absl::OkStatus();
  }
  return NotEntitled(principal, op);
}

absl::Status NotEntitled(const Principal& principal, Operation op) {
  return absl::PermissionDeniedError(absl::StrCat(
      OperationName(PermissionFor(op)), " refused for ", principal.ods_code,
      " (", RoleName(principal.role), "): ", kNotEntitled));
}

absl::Status AuthorizeSystemWork(const Principal& principal) {
  if (principal.role == Role::kGateway ||
      principal.role == Role::kDevelopment) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(
      absl::StrCat("system work refused for ", principal.ods_code, " (",
                   RoleName(principal.role), "): ", kNotEntitled));
}

absl::Status Authorize(const Principal& principal, Operation op,
                       const RecordView& record) {
  // Development mode is unrestricted. The gateway principal does system
  // work only (AuthorizeSystemWork): no rule below names it, so it may read
  // or change no record through a use case. Neither role can be claimed by a
  // certificate (ParseRole).
  if (principal.role == Role::kDevelopment) return absl::OkStatus();
  op = PermissionFor(op);
  const unsigned relations = RelationsOf(principal, record);
  for (const Rule& rule : kRules) {
    if (rule.role != principal.role || rule.op != op) continue;
    if (rule.routes != kAnyRoute && (rule.routes & (1u << record.route)) == 0) {
      continue;
    }
    if (rule.relations == 0 || (rule.relations & relations) != 0) {
      return absl::OkStatus();
    }
  }
  return NotEntitled(principal, op);
}

}  // namespace nhs::tobacco::security
