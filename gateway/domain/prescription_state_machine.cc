#include "gateway/domain/prescription_state_machine.h"

#include <algorithm>
#include <initializer_list>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "gateway/common/error_reason.h"

namespace nhs::tobacco::domain {

namespace {

// Every refusal of this kind carries reason::kIllegalTransition (README "Error
// reasons").
absl::Status IllegalTransition(absl::string_view message) {
  return WithReason(absl::FailedPreconditionError(message),
                    reason::kIllegalTransition);
}

}  // namespace

namespace {

using v1::PrescriptionStatus;
using v1::Route;

constexpr PrescriptionStatus kRecommended = v1::PRESCRIPTION_STATUS_RECOMMENDED;
constexpr PrescriptionStatus kSent = v1::PRESCRIPTION_STATUS_SENT;
constexpr PrescriptionStatus kAcknowledged =
    v1::PRESCRIPTION_STATUS_ACKNOWLEDGED;
constexpr PrescriptionStatus kPrescribed = v1::PRESCRIPTION_STATUS_PRESCRIBED;
constexpr PrescriptionStatus kDeclined = v1::PRESCRIPTION_STATUS_DECLINED;
constexpr PrescriptionStatus kAppointmentRequired =
    v1::PRESCRIPTION_STATUS_APPOINTMENT_REQUIRED;
constexpr PrescriptionStatus kDispensed = v1::PRESCRIPTION_STATUS_DISPENSED;
constexpr PrescriptionStatus kSupplied = v1::PRESCRIPTION_STATUS_SUPPLIED;
constexpr PrescriptionStatus kNotSupplied =
    v1::PRESCRIPTION_STATUS_NOT_SUPPLIED;
constexpr PrescriptionStatus kCancelled = v1::PRESCRIPTION_STATUS_CANCELLED;
constexpr PrescriptionStatus kExpired = v1::PRESCRIPTION_STATUS_EXPIRED;

// One edge family: the action, the state it leads to, the states it may
// leave, and the routes it applies to (empty = every route).
struct Rule {
  PrescriptionAction action;
  PrescriptionStatus to;
  std::initializer_list<PrescriptionStatus> from;
  std::initializer_list<Route> routes;
};

constexpr Route kGp = v1::ROUTE_GP_PRESCRIPTION;
constexpr Route kPharmacy = v1::ROUTE_PHARMACY_SUPPLY;
constexpr Route kService = v1::ROUTE_SERVICE_SUPPLY;

// The whole state machine as data; cancel and expire are handled apart
// because they apply to every non-final state.
const Rule kRules[] = {
    {PrescriptionAction::kMarkSent, kSent, {kRecommended}, {}},
    {PrescriptionAction::kAcknowledge, kAcknowledged, {kSent}, {}},
    {PrescriptionAction::kPrescribe,
     kPrescribed,
     {kAcknowledged, kAppointmentRequired},
     {kGp}},
    {PrescriptionAction::kDecline,
     kDeclined,
     {kAcknowledged, kAppointmentRequired},
     {kGp}},
    {PrescriptionAction::kRequireAppointment,
     kAppointmentRequired,
     {kAcknowledged},
     {kGp}},
    {PrescriptionAction::kDispense, kDispensed, {kPrescribed}, {kGp}},
    {PrescriptionAction::kSupply,
     kSupplied,
     {kAcknowledged},
     {kPharmacy, kService}},
    {PrescriptionAction::kRecordNotSupplied,
     kNotSupplied,
     {kAcknowledged},
     {kPharmacy, kService}},
};

template <typename T, typename F>
std::string JoinNames(std::initializer_list<T> values, F name) {
  return absl::StrJoin(values, " or ", [&](std::string* out, T v) {
    absl::StrAppend(out, name(v));
  });
}

}  // namespace

std::string StatusName(PrescriptionStatus status) {
  return std::string(absl::StripPrefix(v1::PrescriptionStatus_Name(status),
                                       "PRESCRIPTION_STATUS_"));
}

std::string RouteName(Route route) {
  return std::string(absl::StripPrefix(v1::Route_Name(route), "ROUTE_"));
}

absl::string_view ActionName(PrescriptionAction action) {
  switch (action) {
    case PrescriptionAction::kMarkSent:
      return "mark sent";
    case PrescriptionAction::kAcknowledge:
      return "acknowledge";
    case PrescriptionAction::kPrescribe:
      return "prescribe";
    case PrescriptionAction::kDecline:
      return "decline";
    case PrescriptionAction::kRequireAppointment:
      return "require an appointment";
    case PrescriptionAction::kDispense:
      return "dispense";
    case PrescriptionAction::kSupply:
      return "supply";
    case PrescriptionAction::kRecordNotSupplied:
      return "record not supplied";
    case PrescriptionAction::kCancel:
      return "cancel";
    case PrescriptionAction::kExpire:
      return "expire";
  }
  return "unknown action";
}

bool IsFinal(PrescriptionStatus status) {
  switch (status) {
    case kDeclined:
    case kDispensed:
    case kSupplied:
    case kNotSupplied:
    case kCancelled:
    case kExpired:
      return true;
    default:
      return false;
  }
}

absl::StatusOr<PrescriptionStatus> NextStatus(PrescriptionStatus from,
                                              Route route,
                                              PrescriptionAction action) {
  if (from == v1::PRESCRIPTION_STATUS_UNSPECIFIED) {
    return IllegalTransition("prescription request has no status");
  }
  if (action == PrescriptionAction::kCancel ||
      action == PrescriptionAction::kExpire) {
    const PrescriptionStatus to =
        action == PrescriptionAction::kCancel ? kCancelled : kExpired;
    if (IsFinal(from)) {
      return IllegalTransition(absl::StrCat(
          "cannot ", ActionName(action), ": prescription request is ",
          StatusName(from), ", a final state; ", StatusName(to),
          " is reachable only from a non-final state"));
    }
    return to;
  }
  for (const Rule& rule : kRules) {
    if (rule.action != action) continue;
    if (rule.routes.size() > 0 &&
        std::find(rule.routes.begin(), rule.routes.end(), route) ==
            rule.routes.end()) {
      return IllegalTransition(
          absl::StrCat("cannot ", ActionName(action), ": ", StatusName(rule.to),
                       " applies to route ", JoinNames(rule.routes, RouteName),
                       ", but this prescription request is on route ",
                       RouteName(route), " (it is ", StatusName(from), ")"));
    }
    if (std::find(rule.from.begin(), rule.from.end(), from) ==
        rule.from.end()) {
      return IllegalTransition(absl::StrCat(
          "cannot ", ActionName(action), ": prescription request is ",
          StatusName(from), "; ", StatusName(rule.to),
          " is reachable only from ", JoinNames(rule.from, StatusName)));
    }
    return rule.to;
  }
  return absl::InternalError("no rule for action");
}

}  // namespace nhs::tobacco::domain
