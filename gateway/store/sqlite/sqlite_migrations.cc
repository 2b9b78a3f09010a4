#include "gateway/store/sqlite/sqlite_migrations.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gateway/common/status_macros.h"
#include "gateway/store/sqlite/report_columns.h"
#include "nhs/tobacco/v1/outcome.pb.h"
#include "nhs/tobacco/v1/prescription.pb.h"

namespace nhs::tobacco::store {
namespace {

struct Migration {
  int version;
  const char* sql;
  // Runs after `sql`, in the same transaction: for copies SQL cannot take
  // out of the serialized `body`.
  absl::Status (*backfill)(SqliteConnection&) = nullptr;
};

// Version 3 indexes EPS ids; requests prescribed before it carry theirs
// only inside `body`.
absl::Status BackfillEpsIds(SqliteConnection& conn) {
  std::vector<std::pair<std::string, std::string>> found;
  {
    ASSIGN_OR_RETURN(SqliteStatement rows,
                     conn.Prepare("SELECT prescription_id, body FROM "
                                  "prescriptions WHERE eps_id IS NULL"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, rows.Step());
      if (!row) break;
      v1::PrescriptionRequest p;
      const std::string body(rows.ColumnBlob(1));
      if (!p.ParseFromString(body)) {
        return absl::DataLossError("a stored prescription request is corrupt");
      }
      if (!p.eps_prescription_id().empty()) {
        found.emplace_back(p.prescription_id(), p.eps_prescription_id());
      }
    }
  }
  for (const auto& [prescription_id, eps_id] : found) {
    ASSIGN_OR_RETURN(SqliteStatement update,
                     conn.Prepare("UPDATE prescriptions SET eps_id = ? WHERE "
                                  "prescription_id = ?"));
    RETURN_IF_ERROR(update.Bind(1, eps_id).Bind(2, prescription_id).Run());
  }
  return absl::OkStatus();
}

// Version 7 lists outcomes by follow-up date; outcomes recorded before it
// carry theirs only inside `body`.
absl::Status BackfillOutcomeDates(SqliteConnection& conn) {
  std::vector<std::pair<std::string, std::string>> found;
  {
    ASSIGN_OR_RETURN(SqliteStatement rows,
                     conn.Prepare("SELECT outcome_id, body FROM outcomes"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, rows.Step());
      if (!row) break;
      v1::Outcome o;
      // An unreadable row keeps '' and is skipped by listings as before.
      if (o.ParseFromString(std::string(rows.ColumnBlob(1)))) {
        found.emplace_back(o.outcome_id(), o.recorded_on());
      }
    }
  }
  for (const auto& [outcome_id, recorded_on] : found) {
    ASSIGN_OR_RETURN(SqliteStatement update,
                     conn.Prepare("UPDATE outcomes SET recorded_on = ? WHERE "
                                  "outcome_id = ?"));
    RETURN_IF_ERROR(update.Bind(1, recorded_on).Bind(2, outcome_id).Run());
  }
  return absl::OkStatus();
}

// Append only: never edit a migration that has shipped. Columns beside
// `body` (the full record as a serialized proto) are copies kept for
// filtering and ordering; every search the API offers has an index.
constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE referrals (
  referral_id  TEXT PRIMARY KEY,
  nhs_number   TEXT NOT NULL,
  referrer_ods TEXT NOT NULL,
  service_ods  TEXT NOT NULL,
  gp_ods       TEXT NOT NULL,
  status       INTEGER NOT NULL,
  created_us   BIGINT NOT NULL,
  body         BLOB NOT NULL
);
CREATE INDEX referrals_by_created ON referrals (created_us, referral_id);
CREATE INDEX referrals_by_referrer ON referrals (referrer_ods, created_us);
CREATE INDEX referrals_by_service ON referrals (service_ods, created_us);
CREATE INDEX referrals_by_gp ON referrals (gp_ods, created_us);

CREATE TABLE prescriptions (
  prescription_id TEXT PRIMARY KEY,
  referral_id     TEXT NOT NULL REFERENCES referrals (referral_id),
  nhs_number      TEXT NOT NULL,
  target_ods      TEXT NOT NULL,
  service_ods     TEXT NOT NULL,
  status          INTEGER NOT NULL,
  overdue         INTEGER NOT NULL,
  final           INTEGER NOT NULL,
  due_us          BIGINT,
  created_us      BIGINT NOT NULL,
  version         BIGINT NOT NULL,
  body            BLOB NOT NULL
);
CREATE INDEX prescriptions_by_created ON prescriptions (created_us, prescription_id);
CREATE INDEX prescriptions_by_target ON prescriptions (target_ods, created_us);
CREATE INDEX prescriptions_by_service ON prescriptions (service_ods, created_us);
CREATE INDEX prescriptions_by_referral ON prescriptions (referral_id, created_us);
CREATE INDEX prescriptions_by_status ON prescriptions (status, created_us);
CREATE INDEX prescriptions_overdue ON prescriptions (overdue, created_us);
CREATE INDEX prescriptions_due ON prescriptions (final, due_us);
CREATE INDEX prescriptions_open_by_age ON prescriptions (final, created_us);

CREATE TABLE events (
  sequence        INTEGER PRIMARY KEY AUTOINCREMENT,
  prescription_id TEXT NOT NULL,
  referral_id     TEXT NOT NULL,
  occurred_us     BIGINT NOT NULL,
  body            BLOB NOT NULL
);
CREATE INDEX events_by_prescription ON events (prescription_id, sequence);
CREATE INDEX events_by_referral ON events (referral_id, sequence);

CREATE TABLE outcomes (
  outcome_id  TEXT PRIMARY KEY,
  referral_id TEXT NOT NULL REFERENCES referrals (referral_id),
  created_us  BIGINT NOT NULL,
  body        BLOB NOT NULL
);
CREATE INDEX outcomes_by_referral ON outcomes (referral_id, created_us);

CREATE TABLE idempotency_keys (
  scope        TEXT NOT NULL,
  request_id   TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  response     BLOB NOT NULL,
  created_us   BIGINT NOT NULL,
  PRIMARY KEY (scope, request_id)
);
CREATE INDEX idempotency_by_age ON idempotency_keys (created_us);
)sql"},
    {2, R"sql(
CREATE TABLE audit_log (
  sequence  BIGINT PRIMARY KEY,
  at_us     BIGINT NOT NULL,
  ods_code  TEXT NOT NULL,
  role      TEXT NOT NULL,
  operation TEXT NOT NULL,
  record_id TEXT NOT NULL,
  result    TEXT NOT NULL,
  hash      TEXT NOT NULL
);
CREATE INDEX audit_by_record ON audit_log (record_id, sequence);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)sql"},
    // A dispensing pharmacy names a GP-route request by its EPS id alone.
    // Not UNIQUE: a duplicate from a prescribing system must not fail our
    // commit; the lookup refuses to choose between two instead.
    {3, R"sql(
ALTER TABLE prescriptions ADD COLUMN eps_id TEXT;
CREATE INDEX prescriptions_by_eps ON prescriptions (eps_id)
  WHERE eps_id IS NOT NULL;
)sql",
     BackfillEpsIds},
    // The transactional outbox. `message` is the OutboundMessage (what to
    // send), `delivery` the Delivery (where it stands); `queue` is
    // destination/channel and `order_key` queue + record, the unit of
    // ordering. seq orders messages as they were caused.
    {4, R"sql(
CREATE TABLE outbox (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  message_id      TEXT NOT NULL UNIQUE,
  destination_ods TEXT NOT NULL,
  queue           TEXT NOT NULL,
  order_key       TEXT NOT NULL,
  state           INTEGER NOT NULL,
  attempts        INTEGER NOT NULL,
  next_attempt_us BIGINT NOT NULL,
  created_us      BIGINT NOT NULL,
  updated_us      BIGINT NOT NULL,
  message         BLOB NOT NULL,
  delivery        BLOB NOT NULL
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_us);
CREATE INDEX outbox_order ON outbox (order_key, state, seq);
CREATE INDEX outbox_by_destination ON outbox (destination_ods, state, seq);
CREATE INDEX outbox_by_state ON outbox (state, seq);
CREATE INDEX outbox_by_updated ON outbox (state, updated_us);
)sql"},
    // Outbox metrics group by queue and state: a covering index keeps that
    // an index-only scan in group order, however large the table. Listing
    // one destination's messages in any state pages by seq without a sort.
    {5, R"sql(
CREATE INDEX outbox_stats ON outbox
  (queue, destination_ods, state, created_us, attempts);
CREATE INDEX outbox_by_destination_seq ON outbox (destination_ods, seq);
)sql"},
    // The audit chain is keyed: each row names the key that sealed it.
    // Rows from before have none (the unkeyed scheme) and verify as before.
    {6, R"sql(
ALTER TABLE audit_log ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
)sql"},
    // care (issue 12): quit date records, contacts, the disengaged flag on
    // referrals (the service's overdue list) and outcomes by date.
    {7, R"sql(
CREATE TABLE quit_dates (
  quit_date_id TEXT PRIMARY KEY,
  referral_id  TEXT NOT NULL,
  set_us       BIGINT NOT NULL,
  body         BLOB NOT NULL
);
CREATE INDEX quit_dates_by_referral ON quit_dates (referral_id, set_us);
CREATE TABLE contacts (
  contact_id  TEXT PRIMARY KEY,
  referral_id TEXT NOT NULL,
  created_us  BIGINT NOT NULL,
  body        BLOB NOT NULL
);
CREATE INDEX contacts_by_referral ON contacts (referral_id, created_us);
ALTER TABLE referrals ADD COLUMN disengaged INTEGER NOT NULL DEFAULT 0;
CREATE INDEX referrals_disengaged ON referrals (disengaged, created_us);
ALTER TABLE outcomes ADD COLUMN recorded_on TEXT NOT NULL DEFAULT '';
CREATE INDEX outcomes_by_created ON outcomes (created_us, outcome_id);
)sql",
     BackfillOutcomeDates},
    // safety: CYP1A2 safety alerts, a record each. due_us is set only while
    // an alert waits for a person (RAISED or SENT), so the deadline scan's
    // partial index holds just those.
    {8, R"sql(
CREATE TABLE safety_alerts (
  alert_id       TEXT PRIMARY KEY,
  referral_id    TEXT NOT NULL REFERENCES referrals (referral_id),
  prescriber_ods TEXT NOT NULL,
  service_ods    TEXT NOT NULL,
  state          INTEGER NOT NULL,
  due_us         BIGINT,
  created_us     BIGINT NOT NULL,
  version        BIGINT NOT NULL,
  body           BLOB NOT NULL
);
CREATE INDEX safety_alerts_by_referral ON safety_alerts (referral_id, created_us);
CREATE INDEX safety_alerts_by_prescriber ON safety_alerts (prescriber_ods, created_us);
CREATE INDEX safety_alerts_by_service ON safety_alerts (service_ods, created_us);
CREATE INDEX safety_alerts_due ON safety_alerts (due_us) WHERE due_us IS NOT NULL;
)sql"},
    // identity (issue 13): the person who acted through the console
    // ("GMC 1234567"), empty for programs and for rows from before.
    {9, R"sql(
ALTER TABLE audit_log ADD COLUMN practitioner TEXT NOT NULL DEFAULT '';
)sql"},
    // reports (issue 14): the fields reports group and filter on, copied
    // beside the body so reports and plain SQL can use them. Days are
    // Europe/London 'YYYY-MM-DD'. A referral row carries its latest outcome
    // at each follow-up point and its first prescription request's route,
    // product kind and pharmacy; a prescription row copies its referral's
    // subject (source, SMI, diagnosis, practice, consent) so the pathway
    // scan needs no join. The outbox row names the referral it is about.
    // The period indexes carry every column a scan reads (covering): a
    // report reads index pages only, never the rows with their bodies
    // (which overflow their pages, so reading a column after the body
    // means reading the body).
    {10, R"sql(
ALTER TABLE referrals ADD COLUMN source INTEGER NOT NULL DEFAULT 0;
ALTER TABLE referrals ADD COLUMN smi INTEGER NOT NULL DEFAULT 0;
ALTER TABLE referrals ADD COLUMN diagnosis INTEGER NOT NULL DEFAULT 0;
ALTER TABLE referrals ADD COLUMN shares_with_gp INTEGER NOT NULL DEFAULT 0;
ALTER TABLE referrals ADD COLUMN received_on TEXT NOT NULL DEFAULT '';
ALTER TABLE referrals ADD COLUMN quit_date TEXT;
ALTER TABLE referrals ADD COLUMN outcome_4wk INTEGER NOT NULL DEFAULT 0;
ALTER TABLE referrals ADD COLUMN outcome_12wk INTEGER NOT NULL DEFAULT 0;
ALTER TABLE referrals ADD COLUMN outcome_52wk INTEGER NOT NULL DEFAULT 0;
ALTER TABLE referrals ADD COLUMN first_route INTEGER NOT NULL DEFAULT 0;
ALTER TABLE referrals ADD COLUMN first_product_kind INTEGER NOT NULL DEFAULT 0;
ALTER TABLE referrals ADD COLUMN first_pharmacy_ods TEXT NOT NULL DEFAULT '';
CREATE INDEX referrals_by_received ON referrals (received_on,
  source, smi, diagnosis, referrer_ods, service_ods, gp_ods, shares_with_gp,
  quit_date, outcome_4wk, outcome_12wk, outcome_52wk, first_route,
  first_product_kind, first_pharmacy_ods);
CREATE INDEX referrals_by_quit_date ON referrals (quit_date)
  WHERE quit_date IS NOT NULL;
CREATE INDEX referrals_by_service_received ON referrals (service_ods,
  received_on, source, smi, diagnosis, referrer_ods, gp_ods, shares_with_gp,
  quit_date, outcome_4wk, outcome_12wk, outcome_52wk, first_route,
  first_product_kind, first_pharmacy_ods);
CREATE INDEX referrals_by_gp_received ON referrals (gp_ods, received_on,
  source, smi, diagnosis, referrer_ods, service_ods, shares_with_gp,
  quit_date, outcome_4wk, outcome_12wk, outcome_52wk, first_route,
  first_product_kind, first_pharmacy_ods);
CREATE INDEX referrals_by_service_quit_date ON referrals (service_ods, quit_date)
  WHERE quit_date IS NOT NULL;
CREATE INDEX referrals_by_gp_quit_date ON referrals (gp_ods, quit_date)
  WHERE quit_date IS NOT NULL;

ALTER TABLE outcomes ADD COLUMN follow_up INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outcomes ADD COLUMN status INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outcomes ADD COLUMN co_verified INTEGER NOT NULL DEFAULT 0;
CREATE INDEX outcomes_by_follow_up ON outcomes
  (referral_id, follow_up, created_us, outcome_id);

ALTER TABLE prescriptions ADD COLUMN route INTEGER NOT NULL DEFAULT 0;
ALTER TABLE prescriptions ADD COLUMN product_kind INTEGER NOT NULL DEFAULT 0;
ALTER TABLE prescriptions ADD COLUMN pharmacy_ods TEXT NOT NULL DEFAULT '';
ALTER TABLE prescriptions ADD COLUMN referrer_ods TEXT NOT NULL DEFAULT '';
ALTER TABLE prescriptions ADD COLUMN gp_ods TEXT NOT NULL DEFAULT '';
ALTER TABLE prescriptions ADD COLUMN source INTEGER NOT NULL DEFAULT 0;
ALTER TABLE prescriptions ADD COLUMN smi INTEGER NOT NULL DEFAULT 0;
ALTER TABLE prescriptions ADD COLUMN diagnosis INTEGER NOT NULL DEFAULT 0;
ALTER TABLE prescriptions ADD COLUMN shares_with_gp INTEGER NOT NULL DEFAULT 0;
ALTER TABLE prescriptions ADD COLUMN created_on TEXT NOT NULL DEFAULT '';
ALTER TABLE prescriptions ADD COLUMN acknowledged_us BIGINT;
ALTER TABLE prescriptions ADD COLUMN prescribed_or_supplied_us BIGINT;
ALTER TABLE prescriptions ADD COLUMN dispensed_us BIGINT;
ALTER TABLE prescriptions ADD COLUMN status_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE prescriptions ADD COLUMN first_overdue_waiting_on TEXT NOT NULL
  DEFAULT '';
CREATE INDEX prescriptions_by_created_on ON prescriptions (created_on,
  source, smi, diagnosis, referrer_ods, service_ods, gp_ods, shares_with_gp,
  route, product_kind, target_ods, pharmacy_ods, created_us, acknowledged_us,
  prescribed_or_supplied_us, dispensed_us, status, status_reason,
  first_overdue_waiting_on);
CREATE INDEX prescriptions_by_service_created_on ON prescriptions
  (service_ods, created_on, source, smi, diagnosis, referrer_ods, gp_ods,
  shares_with_gp, route, product_kind, target_ods, pharmacy_ods, created_us,
  acknowledged_us, prescribed_or_supplied_us, dispensed_us, status,
  status_reason, first_overdue_waiting_on);
CREATE INDEX prescriptions_by_gp_created_on ON prescriptions (gp_ods,
  created_on, source, smi, diagnosis, referrer_ods, service_ods,
  shares_with_gp, route, product_kind, target_ods, pharmacy_ods, created_us,
  acknowledged_us, prescribed_or_supplied_us, dispensed_us, status,
  status_reason, first_overdue_waiting_on);

ALTER TABLE outbox ADD COLUMN referral_id TEXT NOT NULL DEFAULT '';
CREATE INDEX outbox_by_state_created ON outbox (state, created_us);
)sql",
     BackfillReportColumns},
    // Run-once jobs (issue 16): one lease row per job. With one instance
    // per SQLite database it is always this instance's, but the deadline
    // scan takes it the same way on either back end.
    {11, R"sql(
CREATE TABLE job_leases (
  job        TEXT PRIMARY KEY,
  holder     TEXT NOT NULL,
  expires_us INTEGER NOT NULL
);
)sql"},
};

}  // namespace

int LatestSchemaVersion() {
  return kMigrations[std::size(kMigrations) - 1].version;
}

absl::Status MigrateSqlite(SqliteConnection& conn) {
  RETURN_IF_ERROR(
      conn.Exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, applied_us BIGINT NOT NULL)"));
  int64_t current = 0;
  {
    ASSIGN_OR_RETURN(SqliteStatement stmt,
                     conn.Prepare("SELECT COALESCE(MAX(version), 0) FROM "
                                  "schema_migrations"));
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (row) current = stmt.ColumnInt(0);
  }
  if (current > LatestSchemaVersion()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "database schema version ", current, " is newer than this gateway (",
        LatestSchemaVersion(), "); run a newer build"));
  }
  for (const Migration& m : kMigrations) {
    if (m.version <= current) continue;
    RETURN_IF_ERROR(conn.Exec("BEGIN IMMEDIATE"));
    absl::Status status = conn.Exec(m.sql);
    if (status.ok() && m.backfill != nullptr) status = m.backfill(conn);
    if (status.ok()) {
      absl::StatusOr<SqliteStatement> stmt = conn.Prepare(
          "INSERT INTO schema_migrations (version, applied_us) VALUES (?, ?)");
      status = stmt.status();
      if (status.ok()) {
        status = stmt->Bind(1, int64_t{m.version})
                     .Bind(2, absl::ToUnixMicros(absl::Now()))
                     .Run();
      }
    }
    if (!status.ok()) {
      conn.Exec("ROLLBACK").IgnoreError();
      return absl::Status(status.code(),
                          absl::StrCat("schema migration ", m.version,
                                       " failed: ", status.message()));
    }
    RETURN_IF_ERROR(conn.Exec("COMMIT"));
  }
  return absl::OkStatus();
}

}  // namespace nhs::tobacco::store
