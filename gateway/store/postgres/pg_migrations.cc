#include "gateway/store/postgres/pg_migrations.h"

#include <iterator>
#include <string>

#include "absl/strings/str_cat.h"
#include "gateway/common/status_macros.h"

namespace nhs::tobacco::store {
namespace {

// The session advisory lock instances queue on while migrating: a fixed
// key of our own ("tobacco" in ASCII), so an operator can see it in
// pg_locks.
constexpr char kMigrationLockKey[] = "32773565629817711";

struct Migration {
  int version;
  const char* sql;
};

// Append only: never edit a migration that has shipped. The same tables and
// columns as the SQLite schema at its version 11 (gateway/store/sqlite/
// sqlite_migrations.cc says why each is there), in PostgreSQL's types, with
// indexes for the same queries (the report indexes cover with INCLUDE
// where SQLite needed every column in the key), plus what several
// instances on one database need:
//   - write_order: one row every write transaction locks first (PgStore,
//     SELECT ... FOR UPDATE) and takes its event sequences from, so write
//     transactions commit one at a time and in sequence order. A Watch
//     cursor ("events after N") then never skips an event that committed
//     late, and the audit chain has one head however many instances write.
//   - job_leases (SQLite has it too): jobs that must run on one instance
//     at a time (the deadline scan) hold a lease row until it expires;
//     another instance takes it over when its holder dies.
//   - seq on quit_dates and contacts: the order inserted, SQLite's rowid.
constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE referrals (
  referral_id        TEXT PRIMARY KEY,
  nhs_number         TEXT NOT NULL,
  referrer_ods       TEXT NOT NULL,
  service_ods        TEXT NOT NULL,
  gp_ods             TEXT NOT NULL,
  status             INTEGER NOT NULL,
  created_us         BIGINT NOT NULL,
  disengaged         INTEGER NOT NULL DEFAULT 0,
  source             INTEGER NOT NULL DEFAULT 0,
  smi                INTEGER NOT NULL DEFAULT 0,
  diagnosis          INTEGER NOT NULL DEFAULT 0,
  shares_with_gp     INTEGER NOT NULL DEFAULT 0,
  received_on        TEXT NOT NULL DEFAULT '',
  quit_date          TEXT,
  outcome_4wk        INTEGER NOT NULL DEFAULT 0,
  outcome_12wk       INTEGER NOT NULL DEFAULT 0,
  outcome_52wk       INTEGER NOT NULL DEFAULT 0,
  first_route        INTEGER NOT NULL DEFAULT 0,
  first_product_kind INTEGER NOT NULL DEFAULT 0,
  first_pharmacy_ods TEXT NOT NULL DEFAULT '',
  body               BYTEA NOT NULL
);
CREATE INDEX referrals_by_created ON referrals (created_us, referral_id);
CREATE INDEX referrals_by_referrer ON referrals (referrer_ods, created_us);
CREATE INDEX referrals_by_service ON referrals (service_ods, created_us);
CREATE INDEX referrals_by_gp ON referrals (gp_ods, created_us);
CREATE INDEX referrals_disengaged ON referrals (disengaged, created_us);
CREATE INDEX referrals_by_received ON referrals (received_on)
  INCLUDE (source, smi, diagnosis, referrer_ods, service_ods, gp_ods,
  shares_with_gp, quit_date, outcome_4wk, outcome_12wk, outcome_52wk,
  first_route, first_product_kind, first_pharmacy_ods);
CREATE INDEX referrals_by_quit_date ON referrals (quit_date)
  WHERE quit_date IS NOT NULL;
CREATE INDEX referrals_by_service_received ON referrals
  (service_ods, received_on);
CREATE INDEX referrals_by_gp_received ON referrals (gp_ods, received_on);
CREATE INDEX referrals_by_service_quit_date ON referrals
  (service_ods, quit_date) WHERE quit_date IS NOT NULL;
CREATE INDEX referrals_by_gp_quit_date ON referrals (gp_ods, quit_date)
  WHERE quit_date IS NOT NULL;

CREATE TABLE prescriptions (
  prescription_id           TEXT PRIMARY KEY,
  referral_id               TEXT NOT NULL REFERENCES referrals (referral_id),
  nhs_number                TEXT NOT NULL,
  target_ods                TEXT NOT NULL,
  service_ods               TEXT NOT NULL,
  status                    INTEGER NOT NULL,
  overdue                   INTEGER NOT NULL,
  final                     INTEGER NOT NULL,
  due_us                    BIGINT,
  created_us                BIGINT NOT NULL,
  version                   BIGINT NOT NULL,
  eps_id                    TEXT,
  route                     INTEGER NOT NULL DEFAULT 0,
  product_kind              INTEGER NOT NULL DEFAULT 0,
  pharmacy_ods              TEXT NOT NULL DEFAULT '',
  referrer_ods              TEXT NOT NULL DEFAULT '',
  gp_ods                    TEXT NOT NULL DEFAULT '',
  source                    INTEGER NOT NULL DEFAULT 0,
  smi                       INTEGER NOT NULL DEFAULT 0,
  diagnosis                 INTEGER NOT NULL DEFAULT 0,
  shares_with_gp            INTEGER NOT NULL DEFAULT 0,
  created_on                TEXT NOT NULL DEFAULT '',
  acknowledged_us           BIGINT,
  prescribed_or_supplied_us BIGINT,
  dispensed_us              BIGINT,
  status_reason             TEXT NOT NULL DEFAULT '',
  first_overdue_waiting_on  TEXT NOT NULL DEFAULT '',
  body                      BYTEA NOT NULL
);
CREATE INDEX prescriptions_by_created ON prescriptions
  (created_us, prescription_id);
CREATE INDEX prescriptions_by_target ON prescriptions (target_ods, created_us);
CREATE INDEX prescriptions_by_service ON prescriptions
  (service_ods, created_us);
CREATE INDEX prescriptions_by_referral ON prescriptions
  (referral_id, created_us);
CREATE INDEX prescriptions_by_status ON prescriptions (status, created_us);
CREATE INDEX prescriptions_overdue ON prescriptions (overdue, created_us);
CREATE INDEX prescriptions_due ON prescriptions (final, due_us);
CREATE INDEX prescriptions_open_by_age ON prescriptions (final, created_us);
CREATE INDEX prescriptions_by_eps ON prescriptions (eps_id)
  WHERE eps_id IS NOT NULL;
CREATE INDEX prescriptions_by_created_on ON prescriptions (created_on);
CREATE INDEX prescriptions_by_service_created_on ON prescriptions
  (service_ods, created_on);
CREATE INDEX prescriptions_by_gp_created_on ON prescriptions
  (gp_ods, created_on);

CREATE TABLE write_order (
  id             SMALLINT PRIMARY KEY CHECK (id = 1),
  event_sequence BIGINT NOT NULL
);
INSERT INTO write_order (id, event_sequence) VALUES (1, 0);

CREATE TABLE events (
  sequence        BIGINT PRIMARY KEY,
  prescription_id TEXT NOT NULL,
  referral_id     TEXT NOT NULL,
  occurred_us     BIGINT NOT NULL,
  body            BYTEA NOT NULL
);
CREATE INDEX events_by_prescription ON events (prescription_id, sequence);
CREATE INDEX events_by_referral ON events (referral_id, sequence);

CREATE TABLE outcomes (
  outcome_id  TEXT PRIMARY KEY,
  referral_id TEXT NOT NULL REFERENCES referrals (referral_id),
  created_us  BIGINT NOT NULL,
  recorded_on TEXT NOT NULL DEFAULT '',
  follow_up   INTEGER NOT NULL DEFAULT 0,
  status      INTEGER NOT NULL DEFAULT 0,
  co_verified INTEGER NOT NULL DEFAULT 0,
  body        BYTEA NOT NULL
);
CREATE INDEX outcomes_by_referral ON outcomes (referral_id, created_us);
CREATE INDEX outcomes_by_created ON outcomes (created_us, outcome_id);
CREATE INDEX outcomes_by_follow_up ON outcomes
  (referral_id, follow_up, created_us, outcome_id);

CREATE TABLE idempotency_keys (
  scope        TEXT NOT NULL,
  request_id   TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  response     BYTEA NOT NULL,
  created_us   BIGINT NOT NULL,
  PRIMARY KEY (scope, request_id)
);
CREATE INDEX idempotency_by_age ON idempotency_keys (created_us);

CREATE TABLE audit_log (
  sequence     BIGINT PRIMARY KEY,
  at_us        BIGINT NOT NULL,
  ods_code     TEXT NOT NULL,
  role         TEXT NOT NULL,
  operation    TEXT NOT NULL,
  record_id    TEXT NOT NULL,
  result       TEXT NOT NULL,
  hash         TEXT NOT NULL,
  key_id       TEXT NOT NULL DEFAULT '',
  practitioner TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_by_record ON audit_log (record_id, sequence);
CREATE FUNCTION audit_log_append_only() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE outbox (
  seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  message_id      TEXT NOT NULL UNIQUE,
  destination_ods TEXT NOT NULL,
  queue           TEXT NOT NULL,
  order_key       TEXT NOT NULL,
  state           INTEGER NOT NULL,
  attempts        INTEGER NOT NULL,
  next_attempt_us BIGINT NOT NULL,
  created_us      BIGINT NOT NULL,
  updated_us      BIGINT NOT NULL,
  referral_id     TEXT NOT NULL DEFAULT '',
  message         BYTEA NOT NULL,
  delivery        BYTEA NOT NULL
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_us);
CREATE INDEX outbox_order ON outbox (order_key, state, seq);
CREATE INDEX outbox_by_destination ON outbox (destination_ods, state, seq);
CREATE INDEX outbox_by_state ON outbox (state, seq);
CREATE INDEX outbox_by_updated ON outbox (state, updated_us);
CREATE INDEX outbox_stats ON outbox
  (queue, destination_ods, state, created_us, attempts);
CREATE INDEX outbox_by_destination_seq ON outbox (destination_ods, seq);
CREATE INDEX outbox_by_state_created ON outbox (state, created_us);

CREATE TABLE quit_dates (
  -- Insertion order, for a stable order among equal set_us (SQLite's rowid).
  seq          BIGINT GENERATED ALWAYS AS IDENTITY,
  quit_date_id TEXT PRIMARY KEY,
  referral_id  TEXT NOT NULL,
  set_us       BIGINT NOT NULL,
  body         BYTEA NOT NULL
);
CREATE INDEX quit_dates_by_referral ON quit_dates (referral_id, set_us, seq);
CREATE TABLE contacts (
  seq         BIGINT GENERATED ALWAYS AS IDENTITY,
  contact_id  TEXT PRIMARY KEY,
  referral_id TEXT NOT NULL,
  created_us  BIGINT NOT NULL,
  body        BYTEA NOT NULL
);
CREATE INDEX contacts_by_referral ON contacts (referral_id, created_us, seq);

CREATE TABLE safety_alerts (
  alert_id       TEXT PRIMARY KEY,
  referral_id    TEXT NOT NULL REFERENCES referrals (referral_id),
  prescriber_ods TEXT NOT NULL,
  service_ods    TEXT NOT NULL,
  state          INTEGER NOT NULL,
  due_us         BIGINT,
  created_us     BIGINT NOT NULL,
  version        BIGINT NOT NULL,
  body           BYTEA NOT NULL
);
CREATE INDEX safety_alerts_by_referral ON safety_alerts
  (referral_id, created_us);
CREATE INDEX safety_alerts_by_prescriber ON safety_alerts
  (prescriber_ods, created_us);
CREATE INDEX safety_alerts_by_service ON safety_alerts
  (service_ods, created_us);
CREATE INDEX safety_alerts_due ON safety_alerts (due_us)
  WHERE due_us IS NOT NULL;

CREATE TABLE job_leases (
  job        TEXT PRIMARY KEY,
  holder     TEXT NOT NULL,
  expires_us BIGINT NOT NULL
);
)sql"},
};

// Releases the migration lock however MigratePostgres leaves.
class AdvisoryLockRelease {
 public:
  explicit AdvisoryLockRelease(PgConnection& conn) : conn_(conn) {}
  ~AdvisoryLockRelease() {
    conn_.Query("SELECT pg_advisory_unlock($1::bigint)", {kMigrationLockKey})
        .status()
        .IgnoreError();
  }
  AdvisoryLockRelease(const AdvisoryLockRelease&) = delete;
  AdvisoryLockRelease& operator=(const AdvisoryLockRelease&) = delete;

 private:
  PgConnection& conn_;
};

absl::Status Apply(PgConnection& conn, const Migration& m) {
  RETURN_IF_ERROR(conn.Exec("BEGIN"));
  absl::Status status = conn.Exec(m.sql);
  if (status.ok()) {
    status = conn.Query("INSERT INTO schema_migrations (version) VALUES ($1)",
                        {absl::StrCat(m.version)})
                 .status();
  }
  if (status.ok()) status = conn.Exec("COMMIT");
  if (!status.ok()) {
    conn.Exec("ROLLBACK").IgnoreError();
    return absl::Status(status.code(),
                        absl::StrCat("postgres schema migration ", m.version,
                                     " failed: ", status.message()));
  }
  return absl::OkStatus();
}

}  // namespace

int LatestPostgresSchemaVersion() {
  return kMigrations[std::size(kMigrations) - 1].version;
}

absl::Status MigratePostgres(PgConnection& conn) {
  // An instance that waits longer than this for another's migration fails
  // its start-up (and is restarted by its supervisor) rather than hang.
  RETURN_IF_ERROR(conn.Exec("SET lock_timeout = '120s'"));
  RETURN_IF_ERROR(
      conn.Query("SELECT pg_advisory_lock($1::bigint)", {kMigrationLockKey})
          .status());
  AdvisoryLockRelease release(conn);
  RETURN_IF_ERROR(conn.Exec("RESET lock_timeout"));
  // "relation already exists, skipping" on every start but the first is
  // not news.
  RETURN_IF_ERROR(conn.Exec("SET client_min_messages = warning"));
  RETURN_IF_ERROR(
      conn.Exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY,"
                " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"));
  ASSIGN_OR_RETURN(
      PgResult current_row,
      conn.Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  ASSIGN_OR_RETURN(int64_t current, current_row.Int(0, 0));
  if (current > LatestPostgresSchemaVersion()) {
    return absl::FailedPreconditionError(
        absl::StrCat("postgres database schema version ", current,
                     " is newer than this gateway (",
                     LatestPostgresSchemaVersion(), "); run a newer build"));
  }
  for (const Migration& m : kMigrations) {
    if (m.version <= current) continue;
    RETURN_IF_ERROR(Apply(conn, m));
  }
  return absl::OkStatus();
}

}  // namespace nhs::tobacco::store
