#ifndef GATEWAY_STORE_POSTGRES_PG_STORE_H_
#define GATEWAY_STORE_POSTGRES_PG_STORE_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "gateway/store/postgres/pg_connection.h"
#include "gateway/store/store.h"
#include "gateway/store/store_metrics.h"
#include "gateway/store/write_queue.h"

namespace nhs::tobacco::store {

struct PgStoreOptions {
  PgConnectOptions connect;
  // Connections for reads (one read at a time on each).
  int reader_connections = 4;
  // Most writes committed together in one transaction.
  int max_batch_size = 256;
  // Writes waiting beyond this are refused RESOURCE_EXHAUSTED.
  int max_queued_writes = 10000;
};

// The Store on PostgreSQL (issue 16), for several gateway instances on one
// database.
//
// Writes: one writer thread per instance takes the queued writes in
// batches and runs each batch in one transaction, each write in a
// SAVEPOINT so a failing write rolls back alone (group commit, as the
// SQLite store does). Every batch first locks the one write_order row
// (SELECT ... FOR UPDATE), so write transactions commit one after
// another across all instances: timeline sequences commit in order (a
// Watch cursor never skips a late commit), the audit chain has one head,
// an outbox claim sees every earlier claim, and no transaction needs
// SERIALIZABLE or meets a serialisation failure. What that costs is one
// commit at a time for the whole cluster; each commit carries a batch.
// `done` runs after COMMIT returned, which with synchronous_commit on
// (PostgreSQL's default; the standby's durability is
// synchronous_standby_names) means the change is durable.
//
// Reads: a pool of connections, each read one REPEATABLE READ READ ONLY
// transaction (one snapshot for every statement of the read).
//
// Watchers: a commit that appended events NOTIFYs channel tobacco_events
// with the highest sequence; a listener thread on its own connection
// passes every notification, from this instance or another, to the commit
// listener, and after a reconnect the latest sequence (nothing missed
// while it was away).
//
// Connections that break (a restart, a failover to the standby a
// multi-host conninfo with target_session_attrs=read-write names) are
// replaced on next use; the writes of a batch that was in flight fail
// UNAVAILABLE ("nothing was stored, retry") and their clients retry with
// the same request_id.
class PgStore final : public Store, public StoreMetricsSource {
 public:
  // Connects, applies the migrations (once, under an advisory lock, however
  // many instances start together) and starts the writer and listener.
  static absl::StatusOr<std::unique_ptr<PgStore>> Open(
      const PgStoreOptions& options);
  ~PgStore() override;

  void Write(WriteWork work, WriteDone done) override;
  absl::Status Read(const ReadWork& work) override;
  void SetCommitListener(std::function<void(int64_t)> listener) override;
  StoreStats stats() override;

  absl::StatusOr<PrescriptionCounts> CountPrescriptions() override;
  void SetCommitObserver(CommitObserver observer) override;

 private:
  explicit PgStore(const PgStoreOptions& options)
      : options_(options),
        queue_(options.max_queued_writes, options.max_batch_size) {}
  void WriterLoop();
  void CommitBatch(std::vector<WriteJob>& batch);
  // BEGIN and the write-order lock, reconnecting once if the connection
  // broke since the last batch (no write has run yet, so this is safe to
  // retry).
  absl::Status BeginWrite();
  void ListenLoop();
  void Publish(int64_t sequence);
  absl::Status WithReader(
      const std::function<absl::Status(PgConnection&)>& work);

  const PgStoreOptions options_;

  std::unique_ptr<PgConnection> writer_;  // writer thread only

  WriteQueue queue_;

  absl::Mutex readers_mu_;
  std::vector<std::unique_ptr<PgConnection>> idle_readers_
      ABSL_GUARDED_BY(readers_mu_);

  absl::Mutex listener_mu_;
  std::function<void(int64_t)> listener_ ABSL_GUARDED_BY(listener_mu_);
  absl::Mutex observer_mu_;
  CommitObserver commit_observer_ ABSL_GUARDED_BY(observer_mu_);

  std::atomic<bool> listen_stopping_{false};
  std::atomic<int64_t> commits_{0};
  std::atomic<int64_t> writes_{0};

  std::thread writer_thread_;
  std::thread listen_thread_;
};

}  // namespace nhs::tobacco::store

#endif  // GATEWAY_STORE_POSTGRES_PG_STORE_H_
