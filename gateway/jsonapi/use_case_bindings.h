#ifndef GATEWAY_JSONAPI_USE_CASE_BINDINGS_H_
#define GATEWAY_JSONAPI_USE_CASE_BINDINGS_H_

#include "gateway/jsonapi/method_bindings.h"
#include "gateway/pathway/audit_use_cases.h"
#include "gateway/pathway/care_use_cases.h"
#include "gateway/pathway/delivery_use_cases.h"
#include "gateway/pathway/formulary_use_cases.h"
#include "gateway/pathway/outcome_use_cases.h"
#include "gateway/pathway/prescription_use_cases.h"
#include "gateway/pathway/referral_use_cases.h"
#include "gateway/pathway/report_use_cases.h"
#include "gateway/pathway/safety_alert_use_cases.h"

namespace nhs::tobacco::jsonapi {

// The use cases the gRPC services call; the JSON API calls the same ones.
struct UseCases {
  pathway::ReferralUseCases& referrals;
  pathway::CareUseCases& care;
  pathway::PrescriptionUseCases& prescriptions;
  pathway::OutcomeUseCases& outcomes;
  pathway::SafetyAlertUseCases& safety_alerts;
  pathway::FormularyUseCases& formulary;
  pathway::AuditUseCases& audit;
  pathway::DeliveryUseCases& delivery;
  // reports (issue 14).
  pathway::ReportUseCases& reports;
};

// Every unary RPC of the seven services bound to its use case, as the gRPC
// services bind them (same request, same use case, same answer). The
// streaming WatchEvents is not here (server_sent_events binds it).
MethodBindings BindUseCases(const UseCases& use_cases);

}  // namespace nhs::tobacco::jsonapi

#endif  // GATEWAY_JSONAPI_USE_CASE_BINDINGS_H_
