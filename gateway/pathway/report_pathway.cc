#include "gateway/pathway/report_pathway.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/london_day.h"
#include "gateway/domain/timestamps.h"
#include "gateway/security/access_policy.h"
#include "gateway/security/operations.h"

namespace nhs::tobacco::pathway {

using security::Operation;
using security::Role;

ReportOptions ReportOptions::FromConfig(const v1::GatewayConfig& config,
                                        domain::DeadlinePolicy calendar) {
  ReportOptions o{.reporting = domain::ReportingDefaults(config.reporting()),
                  .follow_up = config.follow_up(),
                  .calendar = std::move(calendar)};
  for (const v1::OrganisationConfig& org : config.organisations()) {
    if (!org.name().empty()) o.organisation_names[org.ods_code()] = org.name();
    if (!org.icb_ods_code().empty()) {
      o.icb_of[org.ods_code()] = org.icb_ods_code();
    }
  }
  for (const auto* list :
       {&config.decline_reasons(), &config.not_supplied_reasons()}) {
    for (const v1::ReasonCode& reason : *list) {
      o.reason_displays.emplace(reason.code(), reason.display());
    }
  }
  return o;
}

ReportPathway::ReportPathway(AuditedWrites& writes, ReportOptions options)
    : writes_(writes), options_(std::move(options)) {}

absl::StatusOr<domain::ReportSpec> ReportPathway::Prepare(
    const Caller& caller, Operation op,
    const v1::ReportRequest& request) const {
  const security::Principal& who = caller.principal;
  // A role no rule lets count a single referral (admin, pharmacy, trusts,
  // referrers...) is refused the report as a whole.
  RETURN_IF_ERROR(security::AuthorizeAnyRecord(who, op));
  RETURN_IF_ERROR(domain::ValidateReportRequest(request));
  domain::ReportSpec spec;
  spec.disclosure = request.disclosure() == v1::DISCLOSURE_EXACT
                        ? v1::DISCLOSURE_EXACT
                        : v1::DISCLOSURE_CONTROLLED;
  if (spec.disclosure == v1::DISCLOSURE_EXACT &&
      (who.role != Role::kTobaccoService || who.practitioner.empty())) {
    return absl::PermissionDeniedError(absl::StrCat(
        "exact figures refused for ", who.ods_code, " (",
        security::RoleName(who.role),
        "): only a tobacco dependency service's own console, with a named "
        "practitioner signed in, may see them; every export is "
        "disclosure-controlled (ask for DISCLOSURE_CONTROLLED)"));
  }
  // Validated above: both parse.
  (void)absl::ParseCivilTime(request.from(), &spec.from);
  (void)absl::ParseCivilTime(request.to(), &spec.to);
  spec.as_of = domain::LondonDay(writes_.clock().Now());
  for (int b : request.by()) {
    spec.by.push_back(static_cast<v1::ReportBreakdown>(b));
  }
  spec.reporting = options_.reporting;
  spec.follow_up = options_.follow_up;
  spec.calendar = &options_.calendar;
  spec.organisation_names = options_.organisation_names;
  spec.icb_of = options_.icb_of;
  spec.reason_displays = options_.reason_displays;
  return spec;
}

ReportPathway::Scope ReportPathway::ScopeOf(
    const security::Principal& principal) const {
  Scope scope;
  switch (principal.role) {
    case Role::kTobaccoService:
      scope.ods_codes = {principal.ods_code};
      scope.text = absl::StrCat("service ", principal.ods_code);
      break;
    case Role::kGp:
      scope.ods_codes = {principal.ods_code};
      scope.text = absl::StrCat("GP practice ", principal.ods_code);
      break;
    case Role::kIcbCommissioner: {
      for (const auto& [ods, icb] : options_.icb_of) {
        if (icb == principal.ods_code) scope.ods_codes.push_back(ods);
      }
      std::sort(scope.ods_codes.begin(), scope.ods_codes.end());
      scope.nothing = scope.ods_codes.empty();
      const size_t n = scope.ods_codes.size();
      scope.text = absl::StrCat("ICB ", principal.ods_code, " (", n,
                                n == 1 ? " organisation)" : " organisations)");
      break;
    }
    default:
      // Development: everything (the only other role Prepare lets by).
      scope.text = "every organisation (development)";
      break;
  }
  return scope;
}

bool ReportPathway::InScope(const security::Principal& principal, Operation op,
                            const domain::ReportSubject& subject) const {
  security::RecordView view = security::ViewOf(subject);
  if (auto it = options_.icb_of.find(subject.gp_ods);
      it != options_.icb_of.end()) {
    view.gp_icb_ods = it->second;
  }
  if (auto it = options_.icb_of.find(subject.service_ods);
      it != options_.icb_of.end()) {
    view.service_icb_ods = it->second;
  }
  return security::Authorize(principal, op, view).ok();
}

void ReportPathway::FillHeader(const Scope& scope,
                               v1::ReportHeader& header) const {
  header.set_scope(scope.text);
  *header.mutable_generated_at() = domain::ToTimestamp(writes_.clock().Now());
}

absl::StatusOr<v1::OutcomeReport> ReportPathway::BuildOutcomeReport(
    const Caller& caller, const v1::ReportRequest& request) {
  constexpr Operation kOp = Operation::kGetOutcomeReport;
  ASSIGN_OR_RETURN(domain::ReportSpec spec, Prepare(caller, kOp, request));
  const Scope scope = ScopeOf(caller.principal);
  const store::ReportScan scan{spec.from, spec.to, scope.ods_codes};
  std::unique_ptr<domain::OutcomeReportBuilder> builder =
      domain::NewOutcomeReportBuilder(std::move(spec));
  if (!scope.nothing) {
    RETURN_IF_ERROR(
        writes_.store().Read([&](store::ReadTransaction& tx) -> absl::Status {
          return tx.ScanReferralFacts(
              scan, [&](const domain::ReferralFacts& facts) {
                if (InScope(caller.principal, kOp, facts.subject)) {
                  builder->Add(facts);
                }
                return absl::OkStatus();
              });
        }));
  }
  v1::OutcomeReport report = builder->Finish();
  FillHeader(scope, *report.mutable_header());
  return report;
}

absl::StatusOr<v1::PathwayReport> ReportPathway::BuildPathwayReport(
    const Caller& caller, const v1::ReportRequest& request) {
  constexpr Operation kOp = Operation::kGetPathwayReport;
  ASSIGN_OR_RETURN(domain::ReportSpec spec, Prepare(caller, kOp, request));
  const Scope scope = ScopeOf(caller.principal);
  const store::ReportScan scan{spec.from, spec.to, scope.ods_codes};
  std::unique_ptr<domain::PathwayReportBuilder> builder =
      domain::NewPathwayReportBuilder(std::move(spec));
  if (!scope.nothing) {
    RETURN_IF_ERROR(
        writes_.store().Read([&](store::ReadTransaction& tx) -> absl::Status {
          RETURN_IF_ERROR(tx.ScanPrescriptionFacts(
              scan, [&](const domain::PrescriptionFacts& facts) {
                if (InScope(caller.principal, kOp, facts.subject)) {
                  builder->Add(facts);
                }
                return absl::OkStatus();
              }));
          return tx.ScanDeadLetterFacts(
              scan, [&](const domain::DeadLetterFacts& facts) {
                if (InScope(caller.principal, kOp, facts.subject)) {
                  builder->AddDeadLetter(facts);
                }
                return absl::OkStatus();
              });
        }));
  }
  v1::PathwayReport report = builder->Finish();
  FillHeader(scope, *report.mutable_header());
  return report;
}

absl::StatusOr<v1::OutcomeReport> ReportPathway::GetOutcomeReport(
    const Caller& caller, const v1::ReportRequest& request) {
  absl::StatusOr<v1::OutcomeReport> report =
      BuildOutcomeReport(caller, request);
  RETURN_IF_ERROR(writes_.AuditRead(
      caller.principal, security::OperationName(Operation::kGetOutcomeReport),
      kOutcomeRecordId, report.status()));
  return report;
}

absl::StatusOr<v1::PathwayReport> ReportPathway::GetPathwayReport(
    const Caller& caller, const v1::ReportRequest& request) {
  absl::StatusOr<v1::PathwayReport> report =
      BuildPathwayReport(caller, request);
  RETURN_IF_ERROR(writes_.AuditRead(
      caller.principal, security::OperationName(Operation::kGetPathwayReport),
      kPathwayRecordId, report.status()));
  return report;
}

}  // namespace nhs::tobacco::pathway
