#include "gateway/security/operations.h"

#include <array>
#include <cstddef>
#include <iterator>

namespace nhs::tobacco::security {
namespace {

using Action = domain::PrescriptionAction;
using O = Operation;

struct Entry {
  Operation op;
  absl::string_view name;
  Operation permission;
  // The protocol step this operation performs, if it is one.
  std::optional<Action> action;
};

// The one table of operation names. Names are stored in audit rows and
// quoted in refusals: never rename one.
constexpr Entry kOperations[] = {
    {O::kCreateReferral, "CreateReferral", O::kCreateReferral, {}},
    {O::kReadReferral, "ReadReferral", O::kReadReferral, {}},
    {O::kUpdateReferralStatus,
     "UpdateReferralStatus",
     O::kUpdateReferralStatus,
     {}},
    {O::kRecommend, "RecommendPrescription", O::kRecommend, {}},
    {O::kReadPrescription, "ReadPrescription", O::kReadPrescription, {}},
    {O::kMarkSent, "MarkSent", O::kMarkSent, Action::kMarkSent},
    {O::kAcknowledge, "Acknowledge", O::kAcknowledge, Action::kAcknowledge},
    {O::kPrescribe, "Prescribe", O::kPrescribe, Action::kPrescribe},
    {O::kDecline, "Decline", O::kDecline, Action::kDecline},
    {O::kRequireAppointment, "RequireAppointment", O::kRequireAppointment,
     Action::kRequireAppointment},
    {O::kDispense, "Dispense", O::kDispense, Action::kDispense},
    {O::kSupply, "Supply", O::kSupply, Action::kSupply},
    {O::kRecordNotSupplied, "RecordNotSupplied", O::kRecordNotSupplied,
     Action::kRecordNotSupplied},
    {O::kCancel, "Cancel", O::kCancel, Action::kCancel},
    {O::kRecordOutcome, "RecordOutcome", O::kRecordOutcome, {}},
    {O::kReadOutcomes, "ReadOutcomes", O::kReadOutcomes, {}},
    {O::kAdminister, "Administer", O::kAdminister, {}},
    {O::kGetReferral, "GetReferral", O::kReadReferral, {}},
    {O::kListReferrals, "ListReferrals", O::kReadReferral, {}},
    {O::kGetPrescription, "GetPrescription", O::kReadPrescription, {}},
    {O::kListPrescriptions, "ListPrescriptions", O::kReadPrescription, {}},
    {O::kGetTimeline, "GetTimeline", O::kReadPrescription, {}},
    {O::kListOutcomes, "ListOutcomes", O::kReadOutcomes, {}},
    {O::kWatchEvents, "WatchEvents", O::kWatchEvents, {}},
    {O::kVerifyAuditChain, "VerifyAuditChain", O::kAdminister, {}},
    {O::kListAuditRecords, "ListAuditRecords", O::kAdminister, {}},
    {O::kListDeliveries, "ListDeliveries", O::kAdminister, {}},
    {O::kGetDelivery, "GetDelivery", O::kAdminister, {}},
    {O::kReplayDelivery, "ReplayDelivery", O::kAdminister, {}},
    {O::kDiscardDelivery, "DiscardDelivery", O::kAdminister, {}},
    {O::kGetDeliveryStats, "GetDeliveryStats", O::kAdminister, {}},
    // Amendment (issue 12, amend part).
    {O::kUpdateReferral, "UpdateReferral", O::kUpdateReferral, {}},
    {O::kGetReferralTimeline, "GetReferralTimeline", O::kReadReferral, {}},
    // GP refusals (issue 12, gp).
    {O::kRecommendAlternative, "RecommendAlternative", O::kRecommend, {}},
    // referrers
    {O::kReadFormulary, "ReadFormulary", O::kReadFormulary, {}},
    {O::kListProducts, "ListProducts", O::kReadFormulary, {}},
    // safety: the CYP1A2 safety alerts.
    {O::kReadSafetyAlerts, "ReadSafetyAlerts", O::kReadSafetyAlerts, {}},
    {O::kAcknowledgeSafetyAlert,
     "AcknowledgeSafetyAlert",
     O::kAcknowledgeSafetyAlert,
     {}},
    {O::kListSafetyAlerts, "ListSafetyAlerts", O::kReadSafetyAlerts, {}},
    // care (issue 12).
    {O::kSetQuitDate, "SetQuitDate", O::kSetQuitDate, {}},
    {O::kRecordContact, "RecordContact", O::kRecordContact, {}},
    // reports (issue 14).
    {O::kReadReports, "ReadReports", O::kReadReports, {}},
    {O::kGetOutcomeReport, "GetOutcomeReport", O::kReadReports, {}},
    {O::kGetPathwayReport, "GetPathwayReport", O::kReadReports, {}},
};

// Row i describes the operation whose value is i, so lookups index.
constexpr bool InDeclarationOrder() {
  for (size_t i = 0; i < std::size(kOperations); ++i) {
    if (static_cast<size_t>(kOperations[i].op) != i) return false;
  }
  return true;
}
static_assert(InDeclarationOrder(), "kOperations must follow enum order");
static_assert(static_cast<size_t>(O::kGetPathwayReport) + 1 ==
                  std::size(kOperations),
              "every Operation needs a row in kOperations");

constexpr auto kAll = [] {
  std::array<Operation, std::size(kOperations)> all{};
  for (size_t i = 0; i < all.size(); ++i) all[i] = kOperations[i].op;
  return all;
}();

// nullptr for a value outside the enum (a cast from bad input).
const Entry* EntryFor(Operation op) {
  const auto i = static_cast<size_t>(op);
  return i < std::size(kOperations) ? &kOperations[i] : nullptr;
}

}  // namespace

absl::Span<const Operation> AllOperations() { return kAll; }

absl::string_view OperationName(Operation op) {
  const Entry* e = EntryFor(op);
  return e == nullptr ? "Unknown" : e->name;
}

std::optional<Operation> OperationNamed(absl::string_view name) {
  for (const Entry& e : kOperations) {
    if (e.name == name) return e.op;
  }
  return std::nullopt;
}

Operation PermissionFor(Operation op) {
  const Entry* e = EntryFor(op);
  return e == nullptr ? op : e->permission;
}

Operation OperationFor(domain::PrescriptionAction action) {
  if (action == Action::kExpire) return O::kCancel;
  for (const Entry& e : kOperations) {
    if (e.action == action) return e.op;
  }
  // Unreachable: the unit test checks every action has a row.
  return O::kCancel;
}

}  // namespace nhs::tobacco::security
