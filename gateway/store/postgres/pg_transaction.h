#ifndef GATEWAY_STORE_POSTGRES_PG_TRANSACTION_H_
#define GATEWAY_STORE_POSTGRES_PG_TRANSACTION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/store/postgres/pg_connection.h"
#include "gateway/store/store.h"

namespace nhs::tobacco::store {

// The store's record operations as SQL on one PostgreSQL connection, the
// twin of SqliteTransaction (same tables and columns, pg_migrations.cc).
// Transaction boundaries (BEGIN, SAVEPOINT, COMMIT) and the write-order
// lock belong to PgStore, which owns the connection; on a read-only
// transaction only the reads work.
class PgTransaction final : public WriteTransaction {
 public:
  explicit PgTransaction(PgConnection& conn) : conn_(conn) {}

  // Records (pg_transaction.cc).
  absl::StatusOr<std::optional<v1::Referral>> GetReferral(
      absl::string_view referral_id) override;
  absl::StatusOr<Page<v1::Referral>> ListReferrals(
      const ReferralQuery& query) override;
  absl::StatusOr<std::optional<v1::PrescriptionRequest>> GetPrescription(
      absl::string_view prescription_id) override;
  absl::StatusOr<std::optional<v1::PrescriptionRequest>> GetPrescriptionByEpsId(
      absl::string_view eps_prescription_id) override;
  absl::StatusOr<Page<v1::PrescriptionRequest>> ListPrescriptions(
      const PrescriptionQuery& query) override;
  absl::StatusOr<std::vector<v1::TimelineEvent>> ListEvents(
      const EventQuery& query) override;
  absl::StatusOr<std::vector<v1::Outcome>> ListOutcomes(
      absl::string_view referral_id) override;
  absl::StatusOr<std::optional<IdempotencyRecord>> GetIdempotencyRecord(
      absl::string_view scope, absl::string_view request_id) override;
  absl::StatusOr<std::vector<v1::PrescriptionRequest>> ListDeadlineCandidates(
      absl::Time now, absl::Time created_before, int limit) override;
  absl::StatusOr<int64_t> LatestEventSequence() override;
  absl::StatusOr<std::optional<v1::AuditRecord>> LastAuditRecord() override;
  absl::StatusOr<std::vector<v1::AuditRecord>> ListAuditRecords(
      int64_t after_sequence, int limit) override;

  absl::Status InsertReferral(const v1::Referral& referral) override;
  absl::Status UpdateReferral(const v1::Referral& referral) override;
  absl::Status InsertPrescription(
      const v1::PrescriptionRequest& prescription) override;
  absl::Status UpdatePrescription(const v1::PrescriptionRequest& prescription,
                                  int64_t expected_version) override;
  absl::StatusOr<int64_t> AppendEvent(const v1::TimelineEvent& event) override;
  absl::Status InsertOutcome(const v1::Outcome& outcome) override;
  absl::Status PutIdempotencyRecord(absl::string_view scope,
                                    absl::string_view request_id,
                                    const IdempotencyRecord& record) override;
  absl::Status InsertAuditRecord(const v1::AuditRecord& record) override;
  absl::StatusOr<Page<v1::Outcome>> ListOutcomesPage(
      const OutcomeQuery& query) override;

  // Outbox (pg_outbox.cc).
  absl::StatusOr<std::optional<OutboxRow>> GetOutboxRow(
      absl::string_view message_id) override;
  absl::StatusOr<Page<v1::Delivery>> ListDeliveries(
      const DeliveryQuery& query) override;
  absl::StatusOr<std::vector<OutboxRow>> ListDueMessages(
      absl::Time now, const std::vector<std::string>& full_queues,
      int limit) override;
  absl::StatusOr<std::vector<v1::Delivery>> ListPendingNotDue(
      absl::Time now, int limit) override;
  absl::StatusOr<std::vector<OutboxRow>> ListAcknowledgementsDue(
      absl::Time now, int limit) override;
  absl::StatusOr<std::vector<v1::DestinationStats>> DeliveryStats(
      absl::Time now) override;
  absl::Status InsertOutboxMessage(const OutboxRow& row) override;
  absl::Status UpdateDelivery(const v1::Delivery& delivery) override;
  absl::StatusOr<int> PruneDelivered(absl::Time before, int limit) override;
  absl::StatusOr<std::vector<OutboxRow>> ListOutboxRowsAbout(
      absl::string_view referral_id,
      absl::string_view destination_ods) override;

  // Safety alerts (pg_safety_alerts.cc).
  absl::StatusOr<std::optional<v1::SafetyAlert>> GetSafetyAlert(
      absl::string_view alert_id) override;
  absl::StatusOr<Page<v1::SafetyAlert>> ListSafetyAlerts(
      const SafetyAlertQuery& query) override;
  absl::StatusOr<std::vector<v1::SafetyAlert>> ListDueSafetyAlerts(
      absl::Time now, int limit) override;
  absl::Status InsertSafetyAlert(const v1::SafetyAlert& alert) override;
  absl::Status UpdateSafetyAlert(const v1::SafetyAlert& alert,
                                 int64_t expected_version) override;

  // Care (pg_care.cc).
  absl::StatusOr<std::vector<v1::QuitDate>> ListQuitDates(
      absl::string_view referral_id) override;
  absl::StatusOr<std::vector<v1::Contact>> ListContacts(
      absl::string_view referral_id) override;
  absl::Status InsertQuitDate(const v1::QuitDate& quit_date) override;
  absl::Status InsertContact(const v1::Contact& contact) override;
  // Run-once jobs (pg_job_lease.cc).
  absl::StatusOr<bool> TakeJobLease(absl::string_view job,
                                    absl::string_view holder, absl::Time now,
                                    absl::Time until) override;

  // Reports (pg_reports.cc).
  absl::Status ScanReferralFacts(
      const ReportScan& scan,
      const FactSink<domain::ReferralFacts>& sink) override;
  absl::Status ScanPrescriptionFacts(
      const ReportScan& scan,
      const FactSink<domain::PrescriptionFacts>& sink) override;
  absl::Status ScanDeadLetterFacts(
      const ReportScan& scan,
      const FactSink<domain::DeadLetterFacts>& sink) override;

  // The highest event sequence appended in this transaction since the last
  // call, 0 when none (the store then tells watchers, here and through
  // NOTIFY on the other instances, after commit).
  int64_t TakeAppendedSequence();

 private:
  PgConnection& conn_;
  int64_t appended_sequence_ = 0;
};

}  // namespace nhs::tobacco::store

#endif  // GATEWAY_STORE_POSTGRES_PG_TRANSACTION_H_
