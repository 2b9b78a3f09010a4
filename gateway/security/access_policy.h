#ifndef GATEWAY_SECURITY_ACCESS_POLICY_H_
#define GATEWAY_SECURITY_ACCESS_POLICY_H_

#include <string>

#include "absl/status/status.h"
#include "gateway/domain/report_facts.h"
#include "gateway/security/operations.h"
#include "gateway/security/principal.h"
#include "nhs/tobacco/v1/prescription.pb.h"
#include "nhs/tobacco/v1/referral.pb.h"
#include "nhs/tobacco/v1/safety_alert.pb.h"

namespace nhs::tobacco::security {

// How organisations relate to one record: who referred, which service treats,
// the patient's GP practice, and (for a prescription request) who is asked to
// act on which route. `holds_eps_id` is set when the caller quoted the
// prescription's EPS id: the proof a dispensing pharmacy has, since on the
// GP route the pharmacy is chosen by the patient through EPS.
struct RecordView {
  std::string referrer_ods;
  std::string service_ods;
  std::string gp_ods;
  std::string target_ods;
  v1::Route route = v1::ROUTE_UNSPECIFIED;
  bool holds_eps_id = false;
  // safety: the patient's mental health prescriber's organisation (a CYP1A2
  // safety alert's prescriber).
  std::string prescriber_ods;
  // reports (issue 14): the integrated care boards the registered practice
  // (whatever the consent) and the service are mapped to in the
  // organisation registry (OrganisationConfig.icb_ods_code); filled by the
  // report use case, empty elsewhere (which relates no ICB).
  std::string gp_icb_ods;
  std::string service_icb_ods;
};

RecordView ViewOf(const v1::Referral& referral);
// A prescription request does not carry who referred: the use case reads
// it from the request's referral (`referrer_ods`, empty when unknown, which
// grants a referrer nothing).
RecordView ViewOf(const v1::PrescriptionRequest& prescription,
                  absl::string_view referrer_ods = "");

// Whether `principal` relates to the record only as the organisation that
// referred the patient (not as its service, GP practice, target or EPS
// holder). Such a caller may follow a prescription request's status and
// timeline but is not shown the clinical letter text written for the
// parties that act on it (domain/referrer_redaction.h). False for the
// unrestricted principals.
bool RelatesOnlyAsReferrer(const Principal& principal,
                           const RecordView& record);
// safety: a CYP1A2 safety alert: its prescriber and its service.
RecordView ViewOf(const v1::SafetyAlert& alert);
// reports (issue 14): the referral a report fact belongs to, related as
// ViewOf(Referral) relates it (the practice only with consent to share with
// it). The ICB fields are left to the caller, who knows the registry.
RecordView ViewOf(const domain::ReportSubject& subject);

// OK when `principal` may perform `op` on the record; otherwise
// PERMISSION_DENIED with a message that reveals nothing about the record
// (not even whether it exists). Table-driven: see kRules in the .cc. `op` is
// checked as PermissionFor(op) (operations.h), and a refusal names that
// permission.
absl::Status Authorize(const Principal& principal, Operation op,
                       const RecordView& record);

// OK when `principal` may run the gateway's own work (deadline scan, outbox
// delivery, retention): the gateway principal, and development mode. No
// certificate role may; and the gateway role has no rule in Authorize's
// table, so it may do nothing else.
absl::Status AuthorizeSystemWork(const Principal& principal);

// reports (issue 14): OK when some rule lets `principal`'s role perform
// `op` on some record (development: always); NotEntitled otherwise. A
// report asked for by a role that can never see a single row of it (admin,
// pharmacy...) is refused as a whole, not answered empty.
absl::Status AuthorizeAnyRecord(const Principal& principal, Operation op);

// The PERMISSION_DENIED a refusal of `op` to `principal` gives, word for
// word, whether or not the record exists.
absl::Status NotEntitled(const Principal& principal, Operation op);

// The message every denial carries.
inline constexpr absl::string_view kNotEntitled =
    "not found, or not entitled to it";

}  // namespace nhs::tobacco::security

#endif  // GATEWAY_SECURITY_ACCESS_POLICY_H_
