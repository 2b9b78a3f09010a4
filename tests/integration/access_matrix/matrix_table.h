#ifndef TESTS_INTEGRATION_ACCESS_MATRIX_MATRIX_TABLE_H_
#define TESTS_INTEGRATION_ACCESS_MATRIX_MATRIX_TABLE_H_

// The expected access matrix: who calls (role x relation), what they ask
// (operation), and one table of who may. Every edge of the access matrix
// test is checked against this table; nothing here knows about an edge.

#include <vector>

namespace nhs::tobacco::access_matrix {

// ---------------------------------------------------------------------------
// Who calls. Records come in two "worlds" so that one certificate can be
// related to a record or not:
//   main:        referred by trust RX9 to service TDS01, GP practice Y90001,
//                asked of pharmacy FZZ99 (pharmacy route), TDS01 (service
//                route) or Y90001 (GP route);
//   integrator:  referred by integrator X26 to a service run by X26, GP
//                practice Y90001, asked of X26 on every route;
//   talking therapies: referred by Talking Therapies service TT001 to
//                service TDS01, otherwise as main (issue 12: referrers).
enum class World { kMain, kIntegrator, kTalkingTherapies };

enum class Caller {
  kTrust,
  kTrustUnrelated,
  kGp,
  kGpUnrelated,
  kPharmacy,
  kPharmacyUnrelated,
  kService,
  kServiceUnrelated,
  kIntegrator,
  kIntegratorUnrelated,
  kAdmin,
  // referrers (issue 12)
  kTalkingTherapies,
  kTalkingTherapiesUnrelated,
  kLocalAuthorityUnrelated,
  kVoluntarySectorUnrelated,
  // reports (issue 14): the commissioner of ICB QE1, which the sample
  // registry maps RX9, Y90001, FZZ99 and TDS01 to.
  kIcbCommissioner,
};

struct CallerInfo {
  Caller caller;
  const char* label;
  const char* cert;
  const char* ods;
  const char* role;
  World world;
  // Related: the organisation holds, in this world, every relation its role
  // can have to a record (a pharmacy also quotes the EPS id it would hold).
  bool related;
};

inline constexpr CallerInfo kCallers[] = {
    {Caller::kTrust, "trust RX9 (referrer)", "trust-rx9", "RX9",
     "mental_health_trust", World::kMain, true},
    {Caller::kTrustUnrelated, "trust RX9 (unrelated)", "trust-rx9", "RX9",
     "mental_health_trust", World::kIntegrator, false},
    {Caller::kGp, "GP Y90001 (patient's practice, target)", "gp-y90001",
     "Y90001", "gp", World::kMain, true},
    {Caller::kGpUnrelated, "GP Y90002 (unrelated)", "gp-y90002", "Y90002", "gp",
     World::kMain, false},
    {Caller::kPharmacy, "pharmacy FZZ99 (target, quotes EPS id)",
     "pharmacy-fzz99", "FZZ99", "pharmacy", World::kMain, true},
    {Caller::kPharmacyUnrelated, "pharmacy FZZ98 (unrelated)", "pharmacy-fzz98",
     "FZZ98", "pharmacy", World::kMain, false},
    {Caller::kService, "service TDS01 (treating)", "service-tds01", "TDS01",
     "tobacco_service", World::kMain, true},
    {Caller::kServiceUnrelated, "service TDS01 (unrelated)", "service-tds01",
     "TDS01", "tobacco_service", World::kIntegrator, false},
    {Caller::kIntegrator, "integrator X26 (referrer, service, target)",
     "integrator-x26", "X26", "integrator", World::kIntegrator, true},
    {Caller::kIntegratorUnrelated, "integrator X26 (unrelated)",
     "integrator-x26", "X26", "integrator", World::kMain, false},
    {Caller::kAdmin, "admin ADM01", "admin-ops", "ADM01", "admin", World::kMain,
     true},
    // referrers
    {Caller::kTalkingTherapies, "Talking Therapies TT001 (referrer)",
     "talking-therapies-tt001", "TT001", "talking_therapies",
     World::kTalkingTherapies, true},
    {Caller::kTalkingTherapiesUnrelated, "Talking Therapies TT001 (unrelated)",
     "talking-therapies-tt001", "TT001", "talking_therapies", World::kMain,
     false},
    {Caller::kLocalAuthorityUnrelated, "local authority LA001 (unrelated)",
     "local-authority-la001", "LA001", "local_authority", World::kMain, false},
    {Caller::kVoluntarySectorUnrelated, "voluntary sector VS001 (unrelated)",
     "voluntary-sector-vs001", "VS001", "voluntary_sector", World::kMain,
     false},
    // reports
    {Caller::kIcbCommissioner, "ICB QE1 commissioner", "icb-qe1", "QE1",
     "icb_commissioner", World::kMain, true},
};

// ---------------------------------------------------------------------------
// What they ask. A route suffix is part of the operation where the policy
// depends on the route.
enum class Op {
  kCreateReferral,
  kGetReferral,
  kListReferrals,  // own organisation's list: is the record in it?
  kListAnotherOrganisationsReferrals,
  kUpdateReferralStatus,
  kRecommendPrescription,
  kGetPrescription,
  kListPrescriptions,  // own list: is the request in it?
  kListAnotherOrganisationsPrescriptions,
  kGetTimeline,
  kWatchEvents,  // does the stream carry the request's events?
  kMarkSent,
  kAcknowledgeGpRoute,
  kAcknowledgePharmacyRoute,
  kAcknowledgeServiceRoute,
  kPrescribe,
  kDecline,
  kRequireAppointment,
  kDispense,
  kSupplyPharmacyRoute,
  kSupplyServiceRoute,
  kRecordNotSuppliedPharmacyRoute,
  kRecordNotSuppliedServiceRoute,
  kCancel,
  kRecordOutcome,
  kListOutcomes,
  kListDeliveries,
  kGetDelivery,
  kDiscardDelivery,
  kReplayDelivery,
  kGetDeliveryStats,
  kVerifyAuditChain,
  kListAuditRecords,
  // Amendment (issue 12, amend part).
  kUpdateReferral,
  kGetReferralTimeline,
  // GP refusals (issue 12, gp): on a request the GP declined.
  kRecommendAlternative,
  // referrers (issue 12)
  kListProducts,
  // safety: CYP1A2 safety alerts (the sample referral's patient is on
  // clozapine, so its first recommendation raises one; the matrix config
  // gives RX9 no HL7 route, so the alert has no prescriber).
  kListSafetyAlerts,
  kAcknowledgeSafetyAlert,
  // care (issue 12).
  kSetQuitDate,
  kRecordContact,
  // reports (issue 14): may the caller ask for the report at all? Which
  // referrals each report counts (per referral, by the access policy) is
  // integration_report_test's; here a service or GP practice, related or
  // not, gets its own report and the ICB commissioner its ICB's.
  kGetOutcomeReport,
  kGetPathwayReport,
};

struct Row {
  Op op;
  const char* name;
  std::vector<Caller> allowed;  // everyone else is refused
};

// THE TABLE: role x operation x relation -> allowed, from kRules in
// gateway/security/access_policy.cc and the README's Security section.
// Reads of a prescription (Get, Timeline, own list, Watch) follow
// ReadPrescription (the referrer reads them too, without the letter text:
// issue 12); lists of another organisation are refused to everyone.
inline const std::vector<Row>& Matrix() {
  using C = Caller;
  static const auto* rows = new std::vector<Row>{
      {Op::kCreateReferral,
       "CreateReferral",
       {C::kTrust, C::kGp, C::kPharmacy, C::kService, C::kIntegrator,
        C::kTalkingTherapies}},
      {Op::kGetReferral,
       "GetReferral",
       {C::kTrust, C::kGp, C::kService, C::kIntegrator, C::kTalkingTherapies}},
      {Op::kListReferrals,
       "ListReferrals",
       {C::kTrust, C::kGp, C::kService, C::kIntegrator, C::kTalkingTherapies}},
      {Op::kListAnotherOrganisationsReferrals, "ListReferrals(other ODS)", {}},
      {Op::kUpdateReferralStatus, "UpdateReferralStatus", {C::kService}},
      {Op::kRecommendPrescription, "RecommendPrescription", {C::kService}},
      {Op::kGetPrescription,
       "GetPrescription",
       {C::kTrust, C::kGp, C::kPharmacy, C::kService, C::kIntegrator,
        C::kTalkingTherapies}},
      // The store lists a request under its target, its service and its
      // referral's referrer only, so the patient's GP practice, which may
      // Get it, does not find it in its own list (reported; not an edge
      // difference).
      {Op::kListPrescriptions,
       "ListPrescriptions",
       {C::kTrust, C::kPharmacy, C::kService, C::kIntegrator,
        C::kTalkingTherapies}},
      {Op::kListAnotherOrganisationsPrescriptions,
       "ListPrescriptions(other ODS)",
       {}},
      {Op::kGetTimeline,
       "GetTimeline",
       {C::kTrust, C::kGp, C::kPharmacy, C::kService, C::kIntegrator,
        C::kTalkingTherapies}},
      {Op::kWatchEvents,
       "WatchEvents",
       {C::kTrust, C::kGp, C::kPharmacy, C::kService, C::kIntegrator,
        C::kTalkingTherapies}},
      {Op::kMarkSent, "MarkSent", {C::kService, C::kIntegrator}},
      {Op::kAcknowledgeGpRoute,
       "Acknowledge(GP route)",
       {C::kGp, C::kIntegrator}},
      {Op::kAcknowledgePharmacyRoute,
       "Acknowledge(pharmacy route)",
       {C::kPharmacy, C::kIntegrator}},
      {Op::kAcknowledgeServiceRoute,
       "Acknowledge(service route)",
       {C::kService, C::kIntegrator}},
      {Op::kPrescribe, "Prescribe", {C::kGp}},
      {Op::kDecline, "Decline", {C::kGp}},
      {Op::kRequireAppointment, "RequireAppointment", {C::kGp}},
      {Op::kDispense, "Dispense", {C::kPharmacy}},
      {Op::kSupplyPharmacyRoute, "Supply(pharmacy route)", {C::kPharmacy}},
      {Op::kSupplyServiceRoute, "Supply(service route)", {C::kService}},
      {Op::kRecordNotSuppliedPharmacyRoute,
       "RecordNotSupplied(pharmacy route)",
       {C::kPharmacy}},
      {Op::kRecordNotSuppliedServiceRoute,
       "RecordNotSupplied(service route)",
       {C::kService}},
      {Op::kCancel, "Cancel", {C::kService}},
      {Op::kRecordOutcome, "RecordOutcome", {C::kService}},
      {Op::kListOutcomes,
       "ListOutcomes",
       {C::kTrust, C::kGp, C::kService, C::kTalkingTherapies}},
      {Op::kListDeliveries, "ListDeliveries", {C::kAdmin}},
      {Op::kGetDelivery, "GetDelivery", {C::kAdmin}},
      {Op::kDiscardDelivery, "DiscardDelivery", {C::kAdmin}},
      {Op::kReplayDelivery, "ReplayDelivery", {C::kAdmin}},
      {Op::kGetDeliveryStats, "GetDeliveryStats", {C::kAdmin}},
      {Op::kVerifyAuditChain, "VerifyAuditChain", {C::kAdmin}},
      {Op::kListAuditRecords, "ListAuditRecords", {C::kAdmin}},
      // Amendment (issue 12, amend part): the treating service amends;
      // the referral's timeline is read as the referral is.
      {Op::kUpdateReferral, "UpdateReferral", {C::kService}},
      {Op::kGetReferralTimeline,
       "GetReferralTimeline",
       {C::kTrust, C::kGp, C::kService, C::kIntegrator, C::kTalkingTherapies}},
      // GP refusals (issue 12, gp): the recommending service only.
      {Op::kRecommendAlternative, "RecommendAlternative", {C::kService}},
      // referrers: the formulary holds no patient data; everyone lists it.
      {Op::kListProducts,
       "ListProducts",
       {C::kTrust, C::kTrustUnrelated, C::kGp, C::kGpUnrelated, C::kPharmacy,
        C::kPharmacyUnrelated, C::kService, C::kServiceUnrelated,
        C::kIntegrator, C::kIntegratorUnrelated, C::kAdmin,
        C::kTalkingTherapies, C::kTalkingTherapiesUnrelated,
        C::kLocalAuthorityUnrelated, C::kVoluntarySectorUnrelated,
        C::kIcbCommissioner}},
      // safety: a referral's alerts: its referring trust and its service (an
      // integrator as either); acknowledged by the prescriber's trust (none
      // here: no route) or the treating service, never a GP or pharmacy.
      {Op::kListSafetyAlerts,
       "ListSafetyAlerts",
       {C::kTrust, C::kService, C::kIntegrator}},
      {Op::kAcknowledgeSafetyAlert, "AcknowledgeSafetyAlert", {C::kService}},
      // care (issue 12): the treating service only.
      {Op::kSetQuitDate, "SetQuitDate", {C::kService}},
      {Op::kRecordContact, "RecordContact", {C::kService}},
      // reports: admin and everyone else refused.
      {Op::kGetOutcomeReport,
       "GetOutcomeReport",
       {C::kGp, C::kGpUnrelated, C::kService, C::kServiceUnrelated,
        C::kIcbCommissioner}},
      {Op::kGetPathwayReport,
       "GetPathwayReport",
       {C::kGp, C::kGpUnrelated, C::kService, C::kServiceUnrelated,
        C::kIcbCommissioner}},
  };
  return *rows;
}

inline bool Allowed(const Row& row, Caller caller) {
  for (Caller c : row.allowed) {
    if (c == caller) return true;
  }
  return false;
}

}  // namespace nhs::tobacco::access_matrix

#endif  // TESTS_INTEGRATION_ACCESS_MATRIX_MATRIX_TABLE_H_
