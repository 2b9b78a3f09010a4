// reports (issue 14): scans over the reporting columns. Scaffold: the store
// part of issue 14 replaces these.
#include "gateway/store/sqlite/sqlite_transaction.h"

namespace nhs::tobacco::store {

absl::Status SqliteTransaction::ScanReferralFacts(
    const ReportScan&, const FactSink<domain::ReferralFacts>&) {
  return absl::UnimplementedError("report scans are not built yet");
}

absl::Status SqliteTransaction::ScanPrescriptionFacts(
    const ReportScan&, const FactSink<domain::PrescriptionFacts>&) {
  return absl::UnimplementedError("report scans are not built yet");
}

absl::Status SqliteTransaction::ScanDeadLetterFacts(
    const ReportScan&, const FactSink<domain::DeadLetterFacts>&) {
  return absl::UnimplementedError("report scans are not built yet");
}

}  // namespace nhs::tobacco::store
