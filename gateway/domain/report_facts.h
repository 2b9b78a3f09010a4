#ifndef GATEWAY_DOMAIN_REPORT_FACTS_H_
#define GATEWAY_DOMAIN_REPORT_FACTS_H_

#include <optional>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "nhs/tobacco/v1/outcome.pb.h"
#include "nhs/tobacco/v1/prescription.pb.h"
#include "nhs/tobacco/v1/referral.pb.h"

// What the reports (issue 14) read of each record: the reporting columns
// the store keeps beside the protobuf body (migration 10), one struct per
// row scanned. The store fills them; the report use case scopes them with
// the access policy; the domain's report builders add them up. Small and
// flat on purpose: a report scans up to millions of them.
namespace nhs::tobacco::domain {

// The referral a fact belongs to: what reports break down by, and the
// relations the access policy scopes by (security::ViewOf(Referral)).
struct ReportSubject {
  v1::ReferralSource source = v1::REFERRAL_SOURCE_UNSPECIFIED;
  bool smi = false;
  v1::DiagnosisCategory diagnosis = v1::DIAGNOSIS_CATEGORY_UNSPECIFIED;
  std::string referrer_ods;
  std::string service_ods;
  // The registered practice, whatever the consent; `shares_with_gp` is
  // Consent.share_with_gp (the access policy relates the practice only
  // with it).
  std::string gp_ods;
  bool shares_with_gp = false;
};

// One referral, for the outcome return.
struct ReferralFacts {
  ReportSubject subject;
  // The Europe/London day the referral was created.
  absl::CivilDay received_on;
  // The current quit date (Referral.quit_date), if one is set.
  std::optional<absl::CivilDay> quit_date;
  // The latest outcome recorded at each follow-up point (by created_at);
  // UNSPECIFIED when none was.
  v1::OutcomeStatus outcome_4wk = v1::OUTCOME_STATUS_UNSPECIFIED;
  v1::OutcomeStatus outcome_12wk = v1::OUTCOME_STATUS_UNSPECIFIED;
  v1::OutcomeStatus outcome_52wk = v1::OUTCOME_STATUS_UNSPECIFIED;
  // The referral's first prescription request (by created_at): route,
  // product kind and pharmacy (PrescriptionFacts::pharmacy_ods);
  // UNSPECIFIED / empty when it has none.
  v1::Route first_route = v1::ROUTE_UNSPECIFIED;
  v1::ProductKind first_product_kind = v1::PRODUCT_KIND_UNSPECIFIED;
  std::string first_pharmacy_ods;
};

// One prescription request, for the pathway performance report.
struct PrescriptionFacts {
  ReportSubject subject;
  v1::Route route = v1::ROUTE_UNSPECIFIED;
  v1::ProductKind product_kind = v1::PRODUCT_KIND_UNSPECIFIED;
  // The organisation asked to act (PrescriptionRequest.target).
  std::string target_ods;
  // PHARMACY_SUPPLY: the target; GP_PRESCRIPTION: the nominated pharmacy;
  // empty otherwise.
  std::string pharmacy_ods;
  // created_at.
  absl::Time recommended_at;
  std::optional<absl::Time> acknowledged_at;
  std::optional<absl::Time> prescribed_or_supplied_at;
  std::optional<absl::Time> dispensed_at;
  v1::PrescriptionStatus status = v1::PRESCRIPTION_STATUS_UNSPECIFIED;
  // The reason code of a DECLINED, NOT_SUPPLIED or CANCELLED request.
  std::string status_reason;
  // PrescriptionRequest.first_overdue_waiting_on: empty if it never went
  // overdue.
  std::string first_overdue_waiting_on;
};

// One outbox message in DEAD_LETTER, for the pathway report's dead letters
// by destination.
struct DeadLetterFacts {
  // The referral the message is about.
  ReportSubject subject;
  std::string destination_ods;
};

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_REPORT_FACTS_H_
