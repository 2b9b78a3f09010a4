#ifndef GATEWAY_STORE_SQLITE_REPORT_COLUMNS_H_
#define GATEWAY_STORE_SQLITE_REPORT_COLUMNS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gateway/store/record_columns.h"
#include "gateway/store/sqlite/sqlite_connection.h"
#include "nhs/tobacco/v1/delivery.pb.h"
#include "nhs/tobacco/v1/event.pb.h"
#include "nhs/tobacco/v1/outcome.pb.h"
#include "nhs/tobacco/v1/prescription.pb.h"
#include "nhs/tobacco/v1/referral.pb.h"

// reports (issue 14): what SQLite needs beyond the shared record columns
// (gateway/store/record_columns.h): an outbox message's referral, and
// migration 10's backfill.
namespace nhs::tobacco::store {

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
