#ifndef GATEWAY_STORE_STORE_H_
#define GATEWAY_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gateway/domain/report_facts.h"
#include "nhs/tobacco/v1/admin_service.pb.h"
#include "nhs/tobacco/v1/care.pb.h"
#include "nhs/tobacco/v1/config.pb.h"
#include "nhs/tobacco/v1/delivery.pb.h"
#include "nhs/tobacco/v1/event.pb.h"
#include "nhs/tobacco/v1/outcome.pb.h"
#include "nhs/tobacco/v1/prescription.pb.h"
#include "nhs/tobacco/v1/referral.pb.h"
#include "nhs/tobacco/v1/safety_alert.pb.h"

namespace nhs::tobacco::store {

// One page of a listing; `next_cursor` is empty on the last page. Cursors are
// opaque to callers and stable across writes (keyset paging, newest first).
template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_cursor;
  // Ids of rows on this page whose stored body does not parse (written by
  // an older version): skipped, logged, and counted to the caller, never
  // failing the page.
  std::vector<std::string> unreadable_ids;
};

struct ReferralQuery {
  // Referrals sent by, sent to, or registered with this ODS code; empty = all.
  std::string ods_code;
  v1::ReferralStatus status = v1::REFERRAL_STATUS_UNSPECIFIED;
  int limit = 100;
  std::string cursor;
  // care: only referrals flagged disengaged (Referral.disengaged).
  bool disengaged_only = false;
};

// care: outcomes by referral, organisation and follow-up date.
struct OutcomeQuery {
  std::string referral_id;  // empty = any
  // On referrals sent by, sent to, or registered with this ODS code.
  std::string ods_code;
  // And with this one (the caller's own, for a restricted caller).
  std::string scope_ods;
  // recorded_on bounds, YYYY-MM-DD, inclusive; empty = open.
  std::string recorded_from;
  std::string recorded_to;
  int limit = 100;
  std::string cursor;
};

struct PrescriptionQuery {
  // Requests targeted at, or recommended by, this ODS code, or following a
  // referral it sent; empty = all.
  std::string ods_code;
  v1::PrescriptionStatus status = v1::PRESCRIPTION_STATUS_UNSPECIFIED;
  bool overdue_only = false;
  std::string referral_id;
  int limit = 100;
  std::string cursor;
};

struct EventQuery {
  int64_t after_sequence = 0;
  std::string prescription_id;
  std::string referral_id;
  int limit = 500;
};

// The first answer to a request_id, replayed to retries.
struct IdempotencyRecord {
  // Fingerprint of the request that created the record: a retry with the
  // same id but a different body is refused, not silently answered.
  std::string request_hash;
  // The serialized response message.
  std::string response;
};

// One outbound message: what to send and where it stands.
struct OutboxRow {
  v1::OutboundMessage message;
  v1::Delivery delivery;
};

struct DeliveryQuery {
  v1::DeliveryState state = v1::DELIVERY_STATE_UNSPECIFIED;  // = any
  std::string destination_ods;                               // empty = any
  int limit = 100;
  std::string cursor;
};

// safety: CYP1A2 safety alerts of one referral, or whose prescriber or
// service is ods_code; newest first.
struct SafetyAlertQuery {
  std::string referral_id;
  std::string ods_code;
  v1::SafetyAlertState state = v1::SAFETY_ALERT_STATE_UNSPECIFIED;  // = any
  int limit = 100;
  std::string cursor;
};

// reports (issue 14): which rows a report scans. Days are Europe/London
// (domain::LondonDay), both inclusive.
struct ReportScan {
  absl::CivilDay from;
  absl::CivilDay to;
  // Only rows whose service or registered practice is one of these; empty =
  // every row. A prefilter on indexed columns: the use case still scopes
  // each fact with the access policy.
  std::vector<std::string> ods_codes;
};

// Called once per fact, in no particular order; a non-OK status stops the
// scan and is returned by it.
template <typename T>
using FactSink = std::function<absl::Status(const T&)>;

// Messages to one destination over one channel share a queue: ordering and
// concurrency limits apply per queue.
std::string DeliveryQueue(absl::string_view destination_ods,
                          v1::DeliveryChannel channel);

// Reads inside one consistent snapshot. Not thread-safe: one per task.
class ReadTransaction {
 public:
  virtual ~ReadTransaction() = default;

  virtual absl::StatusOr<std::optional<v1::Referral>> GetReferral(
      absl::string_view referral_id) = 0;
  virtual absl::StatusOr<Page<v1::Referral>> ListReferrals(
      const ReferralQuery& query) = 0;
  virtual absl::StatusOr<std::optional<v1::PrescriptionRequest>>
  GetPrescription(absl::string_view prescription_id) = 0;
  // The request whose EPS prescription id (set when the GP prescribed) is
  // `eps_prescription_id`: how a dispensing pharmacy, which knows only the
  // EPS id, names it. Indexed. FAILED_PRECONDITION if two requests carry
  // the id: acting on either would be a guess.
  virtual absl::StatusOr<std::optional<v1::PrescriptionRequest>>
  GetPrescriptionByEpsId(absl::string_view eps_prescription_id) = 0;
  virtual absl::StatusOr<Page<v1::PrescriptionRequest>> ListPrescriptions(
      const PrescriptionQuery& query) = 0;
  // Events with sequence > after_sequence, oldest first, at most `limit`.
  virtual absl::StatusOr<std::vector<v1::TimelineEvent>> ListEvents(
      const EventQuery& query) = 0;
  virtual absl::StatusOr<std::vector<v1::Outcome>> ListOutcomes(
      absl::string_view referral_id) = 0;
  virtual absl::StatusOr<std::optional<IdempotencyRecord>> GetIdempotencyRecord(
      absl::string_view scope, absl::string_view request_id) = 0;
  // Non-final requests whose deadline has passed but are not yet flagged
  // overdue, or that were created before `created_before` (expiry
  // candidates), oldest deadline first.
  virtual absl::StatusOr<std::vector<v1::PrescriptionRequest>>
  ListDeadlineCandidates(absl::Time now, absl::Time created_before,
                         int limit) = 0;
  // Highest committed event sequence (0 when there are none).
  virtual absl::StatusOr<int64_t> LatestEventSequence() = 0;
  // The newest audit row (to chain the next one to), if any.
  virtual absl::StatusOr<std::optional<v1::AuditRecord>> LastAuditRecord() = 0;
  // Audit rows with sequence > after_sequence, oldest first.
  virtual absl::StatusOr<std::vector<v1::AuditRecord>> ListAuditRecords(
      int64_t after_sequence, int limit) = 0;

  virtual absl::StatusOr<std::optional<OutboxRow>> GetOutboxRow(
      absl::string_view message_id) = 0;
  // Newest first; keyset paging like the other listings.
  virtual absl::StatusOr<Page<v1::Delivery>> ListDeliveries(
      const DeliveryQuery& query) = 0;
  // Pending messages due at `now`, each the oldest pending message about its
  // record in its queue (so messages about one record leave in the order
  // they were caused), skipping the queues in `full_queues`; soonest due
  // first, at most `limit`.
  virtual absl::StatusOr<std::vector<OutboxRow>> ListDueMessages(
      absl::Time now, const std::vector<std::string>& full_queues,
      int limit) = 0;
  // Pending messages not yet due at `now` (backing off, or claimed by a
  // sender), soonest first, at most `limit`.
  virtual absl::StatusOr<std::vector<v1::Delivery>> ListPendingNotDue(
      absl::Time now, int limit) = 0;
  // MESH (issue 17): messages AWAITING_ACKNOWLEDGEMENT whose awaited
  // acknowledgement was due at or before `now` and not yet flagged (an
  // unset next_attempt_at is never due), soonest due first, at most
  // `limit`.
  virtual absl::StatusOr<std::vector<OutboxRow>> ListAcknowledgementsDue(
      absl::Time now, int limit) = 0;
  // Per-destination counts for metrics.
  virtual absl::StatusOr<std::vector<v1::DestinationStats>> DeliveryStats(
      absl::Time now) = 0;

  // Amendment (issue 12, amend part).
  // Every outbox message (any state) to `destination_ods` about
  // `referral_id`, oldest first: what a party holds or is owed when the
  // patient withdraws consent to share with it. Scans that destination's
  // messages (retention keeps them few).
  virtual absl::StatusOr<std::vector<OutboxRow>> ListOutboxRowsAbout(
      absl::string_view referral_id, absl::string_view destination_ods) = 0;
  // --- safety: CYP1A2 safety alerts (migration 8) ---
  virtual absl::StatusOr<std::optional<v1::SafetyAlert>> GetSafetyAlert(
      absl::string_view alert_id) = 0;
  virtual absl::StatusOr<Page<v1::SafetyAlert>> ListSafetyAlerts(
      const SafetyAlertQuery& query) = 0;
  // Alerts still RAISED or SENT whose due_at is at or before `now`, soonest
  // due first, at most `limit` (the deadline scan's candidates). Indexed.
  virtual absl::StatusOr<std::vector<v1::SafetyAlert>> ListDueSafetyAlerts(
      absl::Time now, int limit) = 0;
  // care (issue 12): quit dates, contacts, outcome listings.
  // Every quit date set on the referral, oldest first.
  virtual absl::StatusOr<std::vector<v1::QuitDate>> ListQuitDates(
      absl::string_view referral_id) = 0;
  // Every contact recorded on the referral, in the order recorded.
  virtual absl::StatusOr<std::vector<v1::Contact>> ListContacts(
      absl::string_view referral_id) = 0;
  // Outcomes newest first (created), keyset-paged like the other listings.
  virtual absl::StatusOr<Page<v1::Outcome>> ListOutcomesPage(
      const OutcomeQuery& query) = 0;

  // --- reports (issue 14): scans over the reporting columns (migration 10)
  // Referrals received in the scan's days, or whose current quit date
  // falls in them.
  virtual absl::Status ScanReferralFacts(
      const ReportScan& scan, const FactSink<domain::ReferralFacts>& sink) = 0;
  // Prescription requests recommended (created) in the scan's days.
  virtual absl::Status ScanPrescriptionFacts(
      const ReportScan& scan,
      const FactSink<domain::PrescriptionFacts>& sink) = 0;
  // Outbox messages now in DEAD_LETTER, created in the scan's days, about a
  // referral (or one of its requests) the scan covers.
  virtual absl::Status ScanDeadLetterFacts(
      const ReportScan& scan,
      const FactSink<domain::DeadLetterFacts>& sink) = 0;
};

// Reads and writes inside one transaction.
class WriteTransaction : public ReadTransaction {
 public:
  // ALREADY_EXISTS when the id is taken.
  virtual absl::Status InsertReferral(const v1::Referral& referral) = 0;
  // NOT_FOUND when absent.
  virtual absl::Status UpdateReferral(const v1::Referral& referral) = 0;
  virtual absl::Status InsertPrescription(
      const v1::PrescriptionRequest& prescription) = 0;
  // ABORTED when the stored version is not `expected_version` (a concurrent
  // change won); NOT_FOUND when absent. The caller bumps the version.
  virtual absl::Status UpdatePrescription(
      const v1::PrescriptionRequest& prescription,
      int64_t expected_version) = 0;
  // Appends to the timeline and returns the event's sequence.
  virtual absl::StatusOr<int64_t> AppendEvent(
      const v1::TimelineEvent& event) = 0;
  virtual absl::Status InsertOutcome(const v1::Outcome& outcome) = 0;
  virtual absl::Status PutIdempotencyRecord(
      absl::string_view scope, absl::string_view request_id,
      const IdempotencyRecord& record) = 0;
  // Appends a row whose sequence and hash the caller computed from
  // LastAuditRecord() in the same transaction. The table is append-only.
  virtual absl::Status InsertAuditRecord(const v1::AuditRecord& record) = 0;
  // Queues a message in the transaction of the change that caused it.
  // ALREADY_EXISTS when the message id is taken.
  virtual absl::Status InsertOutboxMessage(const OutboxRow& row) = 0;
  // Stores the delivery's new state; NOT_FOUND when absent.
  virtual absl::Status UpdateDelivery(const v1::Delivery& delivery) = 0;
  // Deletes delivered and discarded messages last updated before `before`
  // (retention; the audit log keeps who discarded what);
  // returns how many.
  virtual absl::StatusOr<int> PruneDelivered(absl::Time before, int limit) = 0;

  // --- safety: CYP1A2 safety alerts (migration 8) ---
  // ALREADY_EXISTS when the id is taken.
  virtual absl::Status InsertSafetyAlert(const v1::SafetyAlert& alert) = 0;
  // ABORTED when the stored version is not `expected_version`; NOT_FOUND
  // when absent. The caller bumps the version.
  virtual absl::Status UpdateSafetyAlert(const v1::SafetyAlert& alert,
                                         int64_t expected_version) = 0;
  // care (issue 12). ALREADY_EXISTS when the id is taken.
  virtual absl::Status InsertQuitDate(const v1::QuitDate& quit_date) = 0;
  virtual absl::Status InsertContact(const v1::Contact& contact) = 0;

  // Jobs that must run on one instance at a time (issue 16: the deadline
  // scan; inbox pollers next). True when `holder` holds `job`'s lease
  // until `until` once this transaction commits: the lease was free, had
  // expired at `now`, or was `holder`'s already (renewed). False while
  // another holder's lease is live. A holder that dies stops renewing, so
  // another takes the job over once its lease runs out.
  virtual absl::StatusOr<bool> TakeJobLease(absl::string_view job,
                                            absl::string_view holder,
                                            absl::Time now,
                                            absl::Time until) = 0;
};

// Counters for operators and benchmarks.
struct StoreStats {
  int64_t commits = 0;
  int64_t writes = 0;
  int64_t queued_writes = 0;
};

using WriteWork = std::function<absl::Status(WriteTransaction&)>;
using WriteDone = std::function<void(absl::Status)>;
using ReadWork = std::function<absl::Status(ReadTransaction&)>;

// The durable store: the port every back end implements.
//
// Every record written must read back: an implementation refuses a record
// with a string field that is not valid UTF-8 (INVALID_ARGUMENT naming the
// field, domain::CheckTextFields) rather than store it.
//
// Writes are asynchronous so that transports never block a thread per
// request: implementations commit many concurrent writes together (group
// commit, one fsync) and call each `done` only once its changes are durable.
// Thread-safe.
class Store {
 public:
  virtual ~Store() = default;

  // Runs `work` in a transaction. If `work` fails its changes alone are
  // rolled back and `done` gets its status; otherwise `done` gets OK after
  // the commit is durable, or UNAVAILABLE if the commit failed. `done` runs
  // on a store thread and must not block.
  virtual void Write(WriteWork work, WriteDone done) = 0;

  // Runs `work` against a consistent snapshot, on the calling thread.
  virtual absl::Status Read(const ReadWork& work) = 0;

  // `listener` is called after each commit that appended events, with the
  // highest committed sequence; it must not block. One listener; setting
  // another replaces it.
  virtual void SetCommitListener(std::function<void(int64_t)> listener) = 0;

  virtual StoreStats stats() = 0;

  // Blocking convenience over Write(), for tools and tests.
  absl::Status WriteAndWait(WriteWork work);
};

// Opens (creating and migrating as needed) the store the config names.
absl::StatusOr<std::unique_ptr<Store>> OpenStore(const v1::StoreConfig& config);

// The SQLite database file the config names (sqlite.path, default
// gateway.db, relative to data_dir): what OpenStore opens, and what backup
// and restore copy.
std::string SqliteDatabasePath(const v1::StoreConfig& config);

}  // namespace nhs::tobacco::store

#endif  // GATEWAY_STORE_STORE_H_
