#ifndef GATEWAY_STORE_RECORD_COLUMNS_H_
#define GATEWAY_STORE_RECORD_COLUMNS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "nhs/tobacco/v1/delivery.pb.h"
#include "nhs/tobacco/v1/outcome.pb.h"
#include "nhs/tobacco/v1/prescription.pb.h"
#include "nhs/tobacco/v1/referral.pb.h"
#include "nhs/tobacco/v1/safety_alert.pb.h"

// The columns a row carries beside its protobuf body (for the listings'
// filters and the reports, issue 14), computed from the body in one place
// so that every back end, every insert and update, and SQLite's migration
// backfill agree.
namespace nhs::tobacco::store {

// What a referral's row carries for reports (beside referrer_ods,
// service_ods and gp_ods, which it always had), and what its prescription
// rows copy of it (the subject a pathway fact is broken down by).
struct ReferralColumns {
  int64_t source = 0;
  int64_t smi = 0;
  int64_t diagnosis = 0;
  int64_t shares_with_gp = 0;
  // Europe/London YYYY-MM-DD of created_at.
  std::string received_on;
  // The current quit date, YYYY-MM-DD; nullopt when none is set.
  std::optional<std::string> quit_date;
};

ReferralColumns ReferralColumnsOf(const v1::Referral& r);

// PHARMACY_SUPPLY: the target; GP_PRESCRIPTION: the nominated pharmacy;
// empty otherwise.
std::string PharmacyOdsOf(const v1::PrescriptionRequest& p);

// The organisation a request waits on in `status`: the gateway while it
// is unsent, its target once sent.
std::string WaitingOn(v1::PrescriptionStatus status,
                      const v1::PrescriptionRequest& p);

struct PrescriptionColumns {
  int64_t route = 0;
  int64_t product_kind = 0;
  std::string pharmacy_ods;
  // Europe/London YYYY-MM-DD of created_at.
  std::string created_on;
  std::optional<int64_t> acknowledged_us;
  std::optional<int64_t> prescribed_or_supplied_us;
  std::optional<int64_t> dispensed_us;
  std::string status_reason;
  std::string first_overdue_waiting_on;
};

PrescriptionColumns PrescriptionColumnsOf(const v1::PrescriptionRequest& p);

// The referrals column holding the latest outcome at `point`; nullptr for
// an unspecified point.
const char* OutcomeColumn(v1::FollowUpPoint point);

// An outcome's co_verified column.
inline int64_t CoVerified(const v1::Outcome& o) {
  return o.status() == v1::OUTCOME_STATUS_QUIT_CO_VERIFIED ? 1 : 0;
}

// Messages about one record to one queue keep their order: the key they
// share (queue, then the request's or else the referral's id).
std::string OutboxOrderKey(const v1::OutboundMessage& m);

// An alert waits for a person while RAISED or SENT: only then does its
// due time (the due_us column) concern the deadline scan.
bool AlertWaiting(const v1::SafetyAlert& a);

// The referral an outbox message names: its referral_id, or that of the
// record it carries; empty when it names only a request (the back end then
// looks up the request's referral) or nothing.
std::string ReferralIdNamedIn(const v1::OutboundMessage& m);

}  // namespace nhs::tobacco::store

#endif  // GATEWAY_STORE_RECORD_COLUMNS_H_
