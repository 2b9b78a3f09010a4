#ifndef GATEWAY_DOMAIN_PRESCRIPTION_STATE_MACHINE_H_
#define GATEWAY_DOMAIN_PRESCRIPTION_STATE_MACHINE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nhs/tobacco/v1/prescription.pb.h"

namespace nhs::tobacco::domain {

// The actions that move a prescription request (ARCHITECTURE.md section 2):
//
//   RECOMMENDED -> SENT -> ACKNOWLEDGED -+-> (GP route) PRESCRIBED -> DISPENSED
//                                        |              DECLINED
//                                        |              APPOINTMENT_REQUIRED
//                                        |                -> PRESCRIBED |
//                                        DECLINED
//                                        +-> (pharmacy / service route)
//                                                       SUPPLIED | NOT_SUPPLIED
//   any non-final state -> CANCELLED | EXPIRED
enum class PrescriptionAction {
  kMarkSent,
  kAcknowledge,
  kPrescribe,
  kDecline,
  kRequireAppointment,
  kDispense,
  kSupply,
  kRecordNotSupplied,
  kCancel,
  kExpire,
};

// "PRESCRIBED" for PRESCRIPTION_STATUS_PRESCRIBED.
std::string StatusName(v1::PrescriptionStatus status);
// "GP_PRESCRIPTION" for ROUTE_GP_PRESCRIPTION.
std::string RouteName(v1::Route route);
// "dispense" for kDispense.
absl::string_view ActionName(PrescriptionAction action);

// True for states no action leaves: DECLINED, DISPENSED, SUPPLIED,
// NOT_SUPPLIED, CANCELLED, EXPIRED.
bool IsFinal(v1::PrescriptionStatus status);

// The state `action` leads to from `from` on `route`, or FAILED_PRECONDITION
// naming the current state, the state the action leads to and what would
// have been needed. Pure: the caller applies the result.
absl::StatusOr<v1::PrescriptionStatus> NextStatus(v1::PrescriptionStatus from,
                                                  v1::Route route,
                                                  PrescriptionAction action);

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_PRESCRIPTION_STATE_MACHINE_H_
