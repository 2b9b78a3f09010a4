#include "gateway/store/sqlite/sqlite_store.h"

#include "absl/strings/str_cat.h"
#include "gateway/common/status_macros.h"
#include "gateway/store/sqlite/sqlite_migrations.h"
#include "gateway/store/sqlite/sqlite_transaction.h"

namespace nhs::tobacco::store {

SqliteStore::SqliteStore(const SqliteStoreOptions& options)
    : options_(options) {}

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(
    const SqliteStoreOptions& options) {
  auto store = std::unique_ptr<SqliteStore>(new SqliteStore(options));
  ASSIGN_OR_RETURN(store->writer_,
                   SqliteConnection::Open(options.path, /*read_only=*/false));
  SqliteConnection& w = *store->writer_;
  // WAL lets readers run beside the writer; synchronous=FULL makes COMMIT
  // wait for the fsync, so nothing acknowledged is lost on power failure.
  RETURN_IF_ERROR(w.Exec("PRAGMA journal_mode=WAL"));
  RETURN_IF_ERROR(w.Exec("PRAGMA synchronous=FULL"));
  RETURN_IF_ERROR(w.Exec("PRAGMA foreign_keys=ON"));
  RETURN_IF_ERROR(MigrateSqlite(w));
  {
    absl::MutexLock lock(&store->readers_mu_);
    for (int i = 0; i < std::max(1, options.reader_connections); ++i) {
      ASSIGN_OR_RETURN(auto reader,
                       SqliteConnection::Open(options.path, /*read_only=*/true));
      store->idle_readers_.push_back(std::move(reader));
    }
  }
  store->writer_thread_ = std::thread([s = store.get()] { s->WriterLoop(); });
  return store;
}

SqliteStore::~SqliteStore() {
  {
    absl::MutexLock lock(&queue_mu_);
    stopping_ = true;
  }
  if (writer_thread_.joinable()) writer_thread_.join();
}

void SqliteStore::Write(WriteWork work, WriteDone done) {
  absl::Status refused;
  {
    absl::MutexLock lock(&queue_mu_);
    if (stopping_) {
      refused = absl::UnavailableError("store is shutting down");
    } else if (static_cast<int>(queue_.size()) >= options_.max_queued_writes) {
      refused = absl::ResourceExhaustedError(
          "too many writes waiting for the database; retry shortly");
    } else {
      queue_.push_back(Job{std::move(work), std::move(done)});
      return;
    }
  }
  done(refused);
}

void SqliteStore::WriterLoop() {
  std::vector<Job> batch;
  while (true) {
    {
      absl::MutexLock lock(&queue_mu_);
      queue_mu_.Await(absl::Condition(
          +[](SqliteStore* s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s->queue_mu_) {
            return s->stopping_ || !s->queue_.empty();
          },
          this));
      if (queue_.empty() && stopping_) return;
      const size_t take = std::min<size_t>(
          queue_.size(), static_cast<size_t>(options_.max_batch_size));
      for (size_t i = 0; i < take; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    CommitBatch(batch);
    batch.clear();
  }
}

void SqliteStore::CommitBatch(std::vector<Job>& batch) {
  SqliteConnection& w = *writer_;
  std::vector<absl::Status> results(batch.size());
  absl::Status begin = w.Exec("BEGIN IMMEDIATE");
  if (!begin.ok()) {
    for (Job& job : batch) job.done(begin);
    return;
  }
  SqliteTransaction tx(w);
  for (size_t i = 0; i < batch.size(); ++i) {
    absl::Status status = w.Exec("SAVEPOINT request");
    if (status.ok()) status = batch[i].work(tx);
    if (status.ok()) {
      status = w.Exec("RELEASE request");
    } else {
      // Undo this request's changes only; the rest of the batch commits.
      w.Exec("ROLLBACK TO request").IgnoreError();
      w.Exec("RELEASE request").IgnoreError();
    }
    results[i] = std::move(status);
  }
  absl::Status commit = w.Exec("COMMIT");
  if (!commit.ok()) {
    w.Exec("ROLLBACK").IgnoreError();
    tx.TakeAppendedEvents();
    const absl::Status failed = absl::UnavailableError(absl::StrCat(
        "the database could not commit; nothing was stored (",
        commit.message(), ")"));
    for (Job& job : batch) job.done(failed);
    return;
  }
  if (tx.TakeAppendedEvents()) {
    absl::StatusOr<int64_t> latest = tx.LatestEventSequence();
    absl::MutexLock lock(&listener_mu_);
    if (latest.ok() && listener_) listener_(*latest);
  }
  for (size_t i = 0; i < batch.size(); ++i) batch[i].done(results[i]);
}

absl::Status SqliteStore::Read(const ReadWork& work) {
  std::unique_ptr<SqliteConnection> conn;
  {
    absl::MutexLock lock(&readers_mu_);
    readers_mu_.Await(absl::Condition(
        +[](std::vector<std::unique_ptr<SqliteConnection>>* idle) {
          return !idle->empty();
        },
        &idle_readers_));
    conn = std::move(idle_readers_.back());
    idle_readers_.pop_back();
  }
  // One snapshot for every statement of the read.
  absl::Status status = conn->Exec("BEGIN");
  if (status.ok()) {
    SqliteTransaction tx(*conn);
    status = work(tx);
    conn->Exec("COMMIT").IgnoreError();
  }
  absl::MutexLock lock(&readers_mu_);
  idle_readers_.push_back(std::move(conn));
  return status;
}

void SqliteStore::SetCommitListener(std::function<void(int64_t)> listener) {
  absl::MutexLock lock(&listener_mu_);
  listener_ = std::move(listener);
}

}  // namespace nhs::tobacco::store
