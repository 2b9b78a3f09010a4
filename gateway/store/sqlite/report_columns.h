#ifndef GATEWAY_STORE_SQLITE_REPORT_COLUMNS_H_
#define GATEWAY_STORE_SQLITE_REPORT_COLUMNS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gateway/store/sqlite/sqlite_connection.h"
#include "nhs/tobacco/v1/delivery.pb.h"
#include "nhs/tobacco/v1/event.pb.h"
#include "nhs/tobacco/v1/outcome.pb.h"
#include "nhs/tobacco/v1/prescription.pb.h"
#include "nhs/tobacco/v1/referral.pb.h"

// reports (issue 14): the reporting columns (migration 10) as copies of
// the protobuf body, computed in one place so that every insert, update
// and the migration's backfill agree.
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

// The referral an outbox message is about: its referral_id, or that of the
// record it carries, or (naming only a request) the request's referral;
// empty when none.
absl::StatusOr<std::string> OutboxReferralId(SqliteConnection& conn,
                                             const v1::OutboundMessage& m);

// Migration 10's backfill: fills the reporting columns of rows written
// before it from their bodies, and the step timestamps and first overdue
// organisation of requests from before from the events table (the first
// event that moved each to ACKNOWLEDGED, PRESCRIBED or SUPPLIED,
// DISPENSED; the first OVERDUE event). Rows whose body does not parse keep
// the defaults (the listings skip them as before).
absl::Status BackfillReportColumns(SqliteConnection& conn);

}  // namespace nhs::tobacco::store

#endif  // GATEWAY_STORE_SQLITE_REPORT_COLUMNS_H_
