#include "gateway/pathway/operations_snapshot.h"

#include "gateway/common/status_macros.h"

namespace nhs::tobacco::pathway {

absl::StatusOr<OperationsSnapshot> OperationsSnapshotReader::Read() const {
  OperationsSnapshot snapshot;
  const absl::Time now = clock_.Now();
  RETURN_IF_ERROR(store_.Read([&](store::ReadTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(snapshot.destinations, tx.DeliveryStats(now));
    return absl::OkStatus();
  }));
  if (counts_ != nullptr) {
    ASSIGN_OR_RETURN(snapshot.prescriptions, counts_->CountPrescriptions());
  }
  snapshot.store = store_.stats();
  return snapshot;
}

}  // namespace nhs::tobacco::pathway
