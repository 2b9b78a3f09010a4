#ifndef GATEWAY_SECURITY_OPERATIONS_H_
#define GATEWAY_SECURITY_OPERATIONS_H_

#include <optional>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "gateway/domain/prescription_state_machine.h"

namespace nhs::tobacco::security {

// Everything a principal can ask the gateway to do, each with one name: the
// access policy's refusals, the audit log's operation column and the
// use cases all take it from one table (operations.cc).
enum class Operation {
  // Permissions: the access policy has rules for these (access_policy.cc).
  kCreateReferral,
  kReadReferral,
  kUpdateReferralStatus,
  kRecommend,
  kReadPrescription,
  kMarkSent,
  kAcknowledge,
  kPrescribe,
  kDecline,
  kRequireAppointment,
  kDispense,
  kSupply,
  kRecordNotSupplied,
  kCancel,
  kRecordOutcome,
  kReadOutcomes,
  kAdminister,
  // Reads, audited under their own names and checked as a read permission.
  kGetReferral,
  kListReferrals,
  kGetPrescription,
  kListPrescriptions,
  kGetTimeline,
  kListOutcomes,
  // Opening the stream needs no permission of its own: each event is
  // filtered by kReadPrescription or kReadReferral on its record.
  kWatchEvents,
  // Operator calls, each checked as kAdminister.
  kVerifyAuditChain,
  kListAuditRecords,
  kListDeliveries,
  kGetDelivery,
  kReplayDelivery,
  kDiscardDelivery,
  kGetDeliveryStats,
  // Amendment (issue 12, amend part): the permission to amend a referral,
  // and the referral timeline read (checked as kReadReferral).
  kUpdateReferral,
  kGetReferralTimeline,
  // GP refusals (issue 12, gp): a recommendation in place of a DECLINED or
  // NOT_SUPPLIED request, checked as kRecommend (the old request's
  // service recommends again).
  kRecommendAlternative,
  // referrers (issue 12): formulary discovery. kReadFormulary is the
  // permission (every certificate role holds it: the catalogue holds no
  // patient data); ListProducts is the read audited under it.
  kReadFormulary,
  kListProducts,
  // safety: the CYP1A2 safety alerts. Permissions (access_policy.cc):
  kReadSafetyAlerts,
  kAcknowledgeSafetyAlert,
  // ... and the listing, checked as kReadSafetyAlerts.
  kListSafetyAlerts,
  // care (issue 12): permissions of the treating service; ListOutcomes by
  // organisation and period is kListOutcomes above.
  kSetQuitDate,
  kRecordContact,
  // reports (issue 14): the permission to read the reports (scoped per
  // referral, access_policy.cc), and the two reports audited under it.
  kReadReports,
  kGetOutcomeReport,
  kGetPathwayReport,
};

// Every operation, in declaration order.
absl::Span<const Operation> AllOperations();

// "CreateReferral", "ReadReferral", "GetPrescription", "MarkSent"...: the
// name the audit log writes and refusals quote. Distinct per operation.
absl::string_view OperationName(Operation op);

// The operation OperationName gives `name`, if any (exact spelling).
std::optional<Operation> OperationNamed(absl::string_view name);

// The permission the access policy checks `op` as: itself for the
// permissions, kReadReferral for GetReferral and ListReferrals,
// kReadPrescription for GetPrescription, ListPrescriptions and GetTimeline,
// kReadOutcomes for ListOutcomes, kAdminister for operator calls,
// kRecommend for RecommendAlternative, kReadFormulary for ListProducts,
// kReadReports for GetOutcomeReport and GetPathwayReport.
// kWatchEvents maps to itself, which no rule grants.
Operation PermissionFor(Operation op);

// The operation a protocol step needs, whatever the edge: the permission of
// the same name; expiry (the deadline scan's step) is cancellation's.
Operation OperationFor(domain::PrescriptionAction action);

}  // namespace nhs::tobacco::security

#endif  // GATEWAY_SECURITY_OPERATIONS_H_
