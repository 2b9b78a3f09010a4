#include "gateway/jsonapi/use_case_bindings.h"

#include <string>

#include "nhs/tobacco/v1/admin_service.pb.h"
#include "nhs/tobacco/v1/formulary_service.pb.h"
#include "nhs/tobacco/v1/outcome_service.pb.h"
#include "nhs/tobacco/v1/prescription_service.pb.h"
#include "nhs/tobacco/v1/referral_service.pb.h"
#include "nhs/tobacco/v1/report_service.pb.h"
#include "nhs/tobacco/v1/safety_alert_service.pb.h"

namespace nhs::tobacco::jsonapi {
namespace {

using domain::PrescriptionAction;
using pathway::Caller;
using pathway::Reply;

constexpr char kReferrals[] = "nhs.tobacco.v1.ReferralService.";
constexpr char kPrescriptions[] = "nhs.tobacco.v1.PrescriptionService.";
constexpr char kOutcomes[] = "nhs.tobacco.v1.OutcomeService.";
constexpr char kSafetyAlerts[] = "nhs.tobacco.v1.SafetyAlertService.";
constexpr char kFormulary[] = "nhs.tobacco.v1.FormularyService.";
constexpr char kAdmin[] = "nhs.tobacco.v1.AdminService.";
constexpr char kReports[] = "nhs.tobacco.v1.ReportService.";

std::string Name(const char* service, const char* method) {
  return std::string(service) + method;
}

// A prescription transition: one use case, the action from the method.
template <typename Request>
UnaryBinding Transition(pathway::PrescriptionUseCases& prescriptions,
                        PrescriptionAction action) {
  return BindAsync<Request, v1::PrescriptionRequest>(
      [&prescriptions, action](const Caller& caller, const Request& request,
                               Reply<v1::PrescriptionRequest> reply) {
        prescriptions.Transition(caller, action, request, std::move(reply));
      });
}

// Admin use cases take the principal (the adapter does not matter to them).
template <typename UseCase, typename Request, typename Response>
UnaryBinding Admin(UseCase& use_cases,
                   void (UseCase::*use_case)(const security::Principal&,
                                             const Request&, Reply<Response>)) {
  return BindAsync<Request, Response>(
      [&use_cases, use_case](const Caller& caller, const Request& request,
                             Reply<Response> reply) {
        (use_cases.*use_case)(caller.principal, request, std::move(reply));
      });
}

void BindReferrals(const UseCases& u, MethodBindings& b) {
  pathway::ReferralUseCases& referrals = u.referrals;
  pathway::CareUseCases& care = u.care;
  b.unary[Name(kReferrals, "CreateReferral")] =
      BindAsync<v1::CreateReferralRequest, v1::Referral>(
          [&referrals](const Caller& c, const v1::CreateReferralRequest& r,
                       Reply<v1::Referral> reply) {
            referrals.CreateReferral(c, r, std::move(reply));
          });
  b.unary[Name(kReferrals, "GetReferral")] =
      BindSync<v1::GetReferralRequest, v1::Referral>(
          [&referrals](const Caller& c, const v1::GetReferralRequest& r) {
            return referrals.GetReferral(c, r.referral_id());
          });
  b.unary[Name(kReferrals, "ListReferrals")] =
      BindSync<v1::ListReferralsRequest, v1::ListReferralsResponse>(
          [&referrals](const Caller& c, const v1::ListReferralsRequest& r) {
            return referrals.ListReferrals(c, r);
          });
  b.unary[Name(kReferrals, "UpdateReferralStatus")] =
      BindAsync<v1::UpdateReferralStatusRequest, v1::Referral>(
          [&referrals](const Caller& c,
                       const v1::UpdateReferralStatusRequest& r,
                       Reply<v1::Referral> reply) {
            referrals.UpdateReferralStatus(c, r, std::move(reply));
          });
  b.unary[Name(kReferrals, "UpdateReferral")] =
      BindAsync<v1::UpdateReferralRequest, v1::Referral>(
          [&referrals](const Caller& c, const v1::UpdateReferralRequest& r,
                       Reply<v1::Referral> reply) {
            referrals.UpdateReferral(c, r, std::move(reply));
          });
  b.unary[Name(kReferrals, "GetReferralTimeline")] =
      BindSync<v1::GetReferralTimelineRequest, v1::GetReferralTimelineResponse>(
          [&referrals](const Caller& c,
                       const v1::GetReferralTimelineRequest& r) {
            return referrals.GetReferralTimeline(c, r.referral_id());
          });
  b.unary[Name(kReferrals, "SetQuitDate")] =
      BindAsync<v1::SetQuitDateRequest, v1::Referral>(
          [&care](const Caller& c, const v1::SetQuitDateRequest& r,
                  Reply<v1::Referral> reply) {
            care.SetQuitDate(c, r, std::move(reply));
          });
  b.unary[Name(kReferrals, "RecordContact")] =
      BindAsync<v1::RecordContactRequest, v1::Contact>(
          [&care](const Caller& c, const v1::RecordContactRequest& r,
                  Reply<v1::Contact> reply) {
            care.RecordContact(c, r, std::move(reply));
          });
}

void BindPrescriptions(const UseCases& u, MethodBindings& b) {
  pathway::PrescriptionUseCases& p = u.prescriptions;
  b.unary[Name(kPrescriptions, "RecommendPrescription")] =
      BindAsync<v1::RecommendPrescriptionRequest, v1::PrescriptionRequest>(
          [&p](const Caller& c, const v1::RecommendPrescriptionRequest& r,
               Reply<v1::PrescriptionRequest> reply) {
            p.RecommendPrescription(c, r, std::move(reply));
          });
  b.unary[Name(kPrescriptions, "RecommendAlternative")] =
      BindAsync<v1::RecommendAlternativeRequest, v1::PrescriptionRequest>(
          [&p](const Caller& c, const v1::RecommendAlternativeRequest& r,
               Reply<v1::PrescriptionRequest> reply) {
            p.RecommendAlternative(c, r, std::move(reply));
          });
  b.unary[Name(kPrescriptions, "GetPrescription")] =
      BindSync<v1::GetPrescriptionRequest, v1::PrescriptionRequest>(
          [&p](const Caller& c, const v1::GetPrescriptionRequest& r) {
            return p.GetPrescription(c, r.prescription_id());
          });
  b.unary[Name(kPrescriptions, "ListPrescriptions")] =
      BindSync<v1::ListPrescriptionsRequest, v1::ListPrescriptionsResponse>(
          [&p](const Caller& c, const v1::ListPrescriptionsRequest& r) {
            return p.ListPrescriptions(c, r);
          });
  b.unary[Name(kPrescriptions, "GetTimeline")] =
      BindSync<v1::GetTimelineRequest, v1::GetTimelineResponse>(
          [&p](const Caller& c, const v1::GetTimelineRequest& r) {
            return p.GetTimeline(c, r.prescription_id());
          });
  b.unary[Name(kPrescriptions, "Prescribe")] =
      BindAsync<v1::PrescribeRequest, v1::PrescriptionRequest>(
          [&p](const Caller& c, const v1::PrescribeRequest& r,
               Reply<v1::PrescriptionRequest> reply) {
            p.Prescribe(c, r, std::move(reply));
          });
  using Plain = v1::TransitionRequest;
  using Reasoned = v1::ReasonedTransitionRequest;
  b.unary[Name(kPrescriptions, "MarkSent")] =
      Transition<Plain>(p, PrescriptionAction::kMarkSent);
  b.unary[Name(kPrescriptions, "Acknowledge")] =
      Transition<Plain>(p, PrescriptionAction::kAcknowledge);
  b.unary[Name(kPrescriptions, "RequireAppointment")] =
      Transition<Plain>(p, PrescriptionAction::kRequireAppointment);
  b.unary[Name(kPrescriptions, "Dispense")] =
      Transition<Plain>(p, PrescriptionAction::kDispense);
  b.unary[Name(kPrescriptions, "Supply")] =
      Transition<Plain>(p, PrescriptionAction::kSupply);
  b.unary[Name(kPrescriptions, "Decline")] =
      Transition<Reasoned>(p, PrescriptionAction::kDecline);
  b.unary[Name(kPrescriptions, "RecordNotSupplied")] =
      Transition<Reasoned>(p, PrescriptionAction::kRecordNotSupplied);
  b.unary[Name(kPrescriptions, "Cancel")] =
      Transition<Reasoned>(p, PrescriptionAction::kCancel);
}

void BindOthers(const UseCases& u, MethodBindings& b) {
  pathway::OutcomeUseCases& outcomes = u.outcomes;
  b.unary[Name(kOutcomes, "RecordOutcome")] =
      BindAsync<v1::RecordOutcomeRequest, v1::Outcome>(
          [&outcomes](const Caller& c, const v1::RecordOutcomeRequest& r,
                      Reply<v1::Outcome> reply) {
            outcomes.RecordOutcome(c, r, std::move(reply));
          });
  b.unary[Name(kOutcomes, "ListOutcomes")] =
      BindSync<v1::ListOutcomesRequest, v1::ListOutcomesResponse>(
          [&outcomes](const Caller& c, const v1::ListOutcomesRequest& r) {
            return outcomes.ListOutcomes(c, r);
          });
  pathway::SafetyAlertUseCases& alerts = u.safety_alerts;
  b.unary[Name(kSafetyAlerts, "ListSafetyAlerts")] =
      BindSync<v1::ListSafetyAlertsRequest, v1::ListSafetyAlertsResponse>(
          [&alerts](const Caller& c, const v1::ListSafetyAlertsRequest& r) {
            return alerts.ListSafetyAlerts(c, r);
          });
  b.unary[Name(kSafetyAlerts, "AcknowledgeSafetyAlert")] =
      BindAsync<v1::AcknowledgeSafetyAlertRequest, v1::SafetyAlert>(
          [&alerts](const Caller& c, const v1::AcknowledgeSafetyAlertRequest& r,
                    Reply<v1::SafetyAlert> reply) {
            alerts.AcknowledgeSafetyAlert(c, r, std::move(reply));
          });
  pathway::FormularyUseCases& formulary = u.formulary;
  b.unary[Name(kFormulary, "ListProducts")] =
      BindSync<v1::ListProductsRequest, v1::ListProductsResponse>(
          [&formulary](const Caller& c, const v1::ListProductsRequest& r) {
            return formulary.ListProducts(c, r);
          });
  using Audit = pathway::AuditUseCases;
  using Delivery = pathway::DeliveryUseCases;
  b.unary[Name(kAdmin, "VerifyAuditChain")] =
      Admin(u.audit, &Audit::VerifyAuditChain);
  b.unary[Name(kAdmin, "ListAuditRecords")] =
      Admin(u.audit, &Audit::ListAuditRecords);
  b.unary[Name(kAdmin, "ListDeliveries")] =
      Admin(u.delivery, &Delivery::ListDeliveries);
  b.unary[Name(kAdmin, "GetDelivery")] =
      Admin(u.delivery, &Delivery::GetDelivery);
  b.unary[Name(kAdmin, "ReplayDelivery")] =
      Admin(u.delivery, &Delivery::ReplayDelivery);
  b.unary[Name(kAdmin, "DiscardDelivery")] =
      Admin(u.delivery, &Delivery::DiscardDelivery);
  b.unary[Name(kAdmin, "GetDeliveryStats")] =
      Admin(u.delivery, &Delivery::DeliveryStats);
  // reports (issue 14): GET /v1/reports/outcomes and /v1/reports/pathway.
  pathway::ReportUseCases& reports = u.reports;
  b.unary[Name(kReports, "GetOutcomeReport")] =
      BindSync<v1::ReportRequest, v1::OutcomeReport>(
          [&reports](const Caller& c, const v1::ReportRequest& r) {
            return reports.GetOutcomeReport(c, r);
          });
  b.unary[Name(kReports, "GetPathwayReport")] =
      BindSync<v1::ReportRequest, v1::PathwayReport>(
          [&reports](const Caller& c, const v1::ReportRequest& r) {
            return reports.GetPathwayReport(c, r);
          });
}

}  // namespace

MethodBindings BindUseCases(const UseCases& use_cases) {
  MethodBindings bindings;
  BindReferrals(use_cases, bindings);
  BindPrescriptions(use_cases, bindings);
  BindOthers(use_cases, bindings);
  return bindings;
}

}  // namespace nhs::tobacco::jsonapi
