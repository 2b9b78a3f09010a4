#include "gateway/store/postgres/pg_store.h"

#include <poll.h>
#include <pthread.h>

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gateway/common/log.h"
#include "gateway/common/status_macros.h"
#include "gateway/store/postgres/pg_migrations.h"
#include "gateway/store/postgres/pg_transaction.h"

namespace nhs::tobacco::store {
namespace {

// The channel commits that appended timeline events notify, with the
// highest sequence as payload.
constexpr char kEventsChannel[] = "tobacco_events";

absl::Status NothingStored(const absl::Status& cause) {
  return absl::UnavailableError(absl::StrCat(
      cause.message(), "; nothing was stored, retry with the same request_id"));
}

}  // namespace

absl::StatusOr<std::unique_ptr<PgStore>> PgStore::Open(
    const PgStoreOptions& options) {
  auto store = std::unique_ptr<PgStore>(new PgStore(options));
  ASSIGN_OR_RETURN(store->writer_, PgConnection::Connect(options.connect));
  RETURN_IF_ERROR(MigratePostgres(*store->writer_));
  {
    absl::MutexLock lock(&store->readers_mu_);
    for (int i = 0; i < std::max(1, options.reader_connections); ++i) {
      ASSIGN_OR_RETURN(auto reader, PgConnection::Connect(options.connect));
      store->idle_readers_.push_back(std::move(reader));
    }
  }
  store->writer_thread_ = std::thread([s = store.get()] {
    pthread_setname_np(pthread_self(), "pg-writer");
    s->WriterLoop();
  });
  store->listen_thread_ = std::thread([s = store.get()] {
    pthread_setname_np(pthread_self(), "pg-listen");
    s->ListenLoop();
  });
  return store;
}

PgStore::~PgStore() {
  queue_.Stop();
  if (writer_thread_.joinable()) writer_thread_.join();
  listen_stopping_.store(true);
  if (listen_thread_.joinable()) listen_thread_.join();
}

void PgStore::Write(WriteWork work, WriteDone done) {
  queue_.Push(std::move(work), std::move(done));
}

void PgStore::WriterLoop() {
  std::vector<WriteJob> batch;
  while (queue_.NextBatch(batch)) {
    CommitBatch(batch);
    batch.clear();
  }
}

absl::Status PgStore::BeginWrite() {
  absl::Status status;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (writer_ == nullptr || !writer_->CheckAlive()) {
      absl::StatusOr<std::unique_ptr<PgConnection>> fresh =
          PgConnection::Connect(options_.connect);
      if (!fresh.ok()) return fresh.status();
      writer_ = *std::move(fresh);
      LogInfo("store", absl::StrCat("postgres: writer connected to ",
                                    writer_->server()));
    }
    // Every write transaction, on every instance, queues on the lock
    // first; the first request's savepoint comes in the same round trip.
    status = writer_->Exec(
        "BEGIN; SELECT event_sequence FROM write_order WHERE id = 1 FOR "
        "UPDATE; SAVEPOINT request");
    if (status.ok()) return status;
    writer_->Exec("ROLLBACK").IgnoreError();
    // A healthy connection that refused is not helped by a second try
    // (a read-only standby after a failover shows up as unhealthy once the
    // server closes it; until then the error is UNAVAILABLE too).
    if (writer_->healthy()) return status;
  }
  return status;
}

void PgStore::CommitBatch(std::vector<WriteJob>& batch) {
  std::vector<absl::Status> results(batch.size());
  const absl::Time began = absl::Now();
  if (absl::Status begin = BeginWrite(); !begin.ok()) {
    const absl::Status failed = NothingStored(begin);
    for (WriteJob& job : batch) job.done(failed);
    return;
  }
  PgConnection& w = *writer_;
  PgTransaction tx(w);
  // Each request runs in the savepoint "request": released and taken
  // afresh for the next in one round trip, kept as it is after a rollback
  // to it (PostgreSQL keeps a savepoint it rolled back to), and left to
  // COMMIT after the last.
  const auto fail_batch = [&batch](const absl::Status& cause) {
    const absl::Status undone = NothingStored(cause);
    for (WriteJob& job : batch) job.done(undone);
  };
  for (size_t i = 0; i < batch.size(); ++i) {
    const bool last = i + 1 == batch.size();
    absl::Status status = batch[i].work(tx);
    if (status.ok()) {
      if (!last) {
        if (absl::Status next = w.Exec("RELEASE request; SAVEPOINT request");
            !next.ok()) {
          w.Exec("ROLLBACK").IgnoreError();
          fail_batch(next);
          return;
        }
      }
    } else if (!w.healthy()) {
      // The connection is gone and the transaction with it: every earlier
      // request of the batch is undone too.
      fail_batch(status);
      return;
    } else {
      // Undo this request's changes only; the rest of the batch commits.
      absl::Status rolled_back = w.Exec("ROLLBACK TO request");
      if (!rolled_back.ok()) {
        w.Exec("ROLLBACK").IgnoreError();
        fail_batch(rolled_back);
        return;
      }
    }
    results[i] = std::move(status);
  }
  // Watchers on every instance learn of the new events at commit (NOTIFY
  // is delivered then, in commit order); the row read is exact since this
  // transaction holds it.
  int64_t latest = 0;
  absl::Status commit = absl::OkStatus();
  if (tx.TakeAppendedSequence() > 0) {
    absl::StatusOr<PgResult> notified = w.Query(
        absl::StrCat("SELECT event_sequence, pg_notify('", kEventsChannel,
                     "', event_sequence::text) FROM write_order WHERE id = 1"));
    if (notified.ok()) {
      absl::StatusOr<int64_t> sequence = notified->Int(0, 0);
      if (sequence.ok()) latest = *sequence;
    } else {
      commit = notified.status();
    }
  }
  if (commit.ok()) commit = w.Exec("COMMIT");
  if (!commit.ok()) {
    // COMMIT's reply lost with the connection leaves the outcome unknown;
    // the clients' retries with their request_id find out.
    w.Exec("ROLLBACK").IgnoreError();
    const absl::Status failed = absl::UnavailableError(absl::StrCat(
        "the database could not commit; the change may not be stored, "
        "retry with the same request_id (",
        commit.message(), ")"));
    for (WriteJob& job : batch) job.done(failed);
    return;
  }
  {
    absl::MutexLock lock(&observer_mu_);
    if (commit_observer_) {
      commit_observer_(absl::Now() - began, static_cast<int>(batch.size()));
    }
  }
  commits_.fetch_add(1, std::memory_order_relaxed);
  writes_.fetch_add(static_cast<int64_t>(batch.size()),
                    std::memory_order_relaxed);
  // This instance's watchers at once; the NOTIFY reaches the others (and
  // this one again, harmlessly: the listener takes the highest).
  if (latest > 0) Publish(latest);
  for (size_t i = 0; i < batch.size(); ++i) batch[i].done(results[i]);
}

void PgStore::Publish(int64_t sequence) {
  absl::MutexLock lock(&listener_mu_);
  if (listener_) listener_(sequence);
}

void PgStore::ListenLoop() {
  std::unique_ptr<PgConnection> conn;
  absl::Duration backoff = absl::Milliseconds(100);
  while (!listen_stopping_.load()) {
    if (conn == nullptr || !conn->healthy()) {
      absl::StatusOr<std::unique_ptr<PgConnection>> fresh =
          PgConnection::Connect(options_.connect);
      absl::Status listening = fresh.status();
      if (fresh.ok()) {
        listening = (*fresh)->Exec(absl::StrCat("LISTEN ", kEventsChannel));
      }
      absl::StatusOr<PgResult> latest;
      if (listening.ok()) {
        // Whatever committed while no one listened.
        latest = (*fresh)->Query(
            "SELECT COALESCE(MAX(sequence), 0) FROM "
            "events");
        listening = latest.status();
      }
      if (!listening.ok()) {
        LogWarning("store", absl::StrCat("postgres: cannot listen for other "
                                         "instances' events, retrying: ",
                                         listening.message()));
        absl::SleepFor(backoff);
        backoff = std::min(backoff * 2, absl::Seconds(5));
        continue;
      }
      backoff = absl::Milliseconds(100);
      conn = *std::move(fresh);
      absl::StatusOr<int64_t> sequence = latest->Int(0, 0);
      if (sequence.ok() && *sequence > 0) Publish(*sequence);
    }
    pollfd fd{conn->socket(), POLLIN, 0};
    if (::poll(&fd, 1, /*timeout_ms=*/200) <= 0) continue;
    absl::StatusOr<std::vector<std::string>> payloads =
        conn->TakeNotifications();
    if (!payloads.ok()) {
      conn.reset();
      continue;
    }
    int64_t highest = 0;
    for (const std::string& payload : *payloads) {
      int64_t sequence = 0;
      if (absl::SimpleAtoi(payload, &sequence)) {
        highest = std::max(highest, sequence);
      }
    }
    if (highest > 0) Publish(highest);
  }
}

absl::Status PgStore::Read(const ReadWork& work) {
  return WithReader([&work](PgConnection& conn) {
    absl::Status status =
        conn.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    if (!status.ok()) return status;
    PgTransaction tx(conn);
    status = work(tx);
    absl::Status ended = conn.Exec(status.ok() ? "COMMIT" : "ROLLBACK");
    return status.ok() ? ended : status;
  });
}

absl::Status PgStore::WithReader(
    const std::function<absl::Status(PgConnection&)>& work) {
  std::unique_ptr<PgConnection> conn;
  {
    absl::MutexLock lock(&readers_mu_);
    readers_mu_.Await(absl::Condition(
        +[](std::vector<std::unique_ptr<PgConnection>>* idle) {
          return !idle->empty();
        },
        &idle_readers_));
    conn = std::move(idle_readers_.back());
    idle_readers_.pop_back();
  }
  absl::Status status = absl::OkStatus();
  if (!conn->CheckAlive()) {
    // Replaced here, outside the pool's lock: a failover takes seconds.
    absl::StatusOr<std::unique_ptr<PgConnection>> fresh =
        PgConnection::Connect(options_.connect);
    if (fresh.ok()) {
      conn = *std::move(fresh);
    } else {
      status = fresh.status();
    }
  }
  if (status.ok()) status = work(*conn);
  absl::MutexLock lock(&readers_mu_);
  idle_readers_.push_back(std::move(conn));
  return status;
}

void PgStore::SetCommitListener(std::function<void(int64_t)> listener) {
  absl::MutexLock lock(&listener_mu_);
  listener_ = std::move(listener);
}

StoreStats PgStore::stats() {
  StoreStats s;
  s.commits = commits_.load(std::memory_order_relaxed);
  s.writes = writes_.load(std::memory_order_relaxed);
  s.queued_writes = queue_.size();
  return s;
}

absl::StatusOr<PrescriptionCounts> PgStore::CountPrescriptions() {
  PrescriptionCounts counts;
  RETURN_IF_ERROR(WithReader([&counts](PgConnection& conn) -> absl::Status {
    ASSIGN_OR_RETURN(PgResult by_status,
                     conn.Query("SELECT status, COUNT(*) FROM prescriptions "
                                "GROUP BY status ORDER BY status"));
    for (int row = 0; row < by_status.rows(); ++row) {
      ASSIGN_OR_RETURN(const int64_t status, by_status.Int(row, 0));
      ASSIGN_OR_RETURN(const int64_t count, by_status.Int(row, 1));
      counts.by_status.emplace_back(static_cast<v1::PrescriptionStatus>(status),
                                    count);
    }
    ASSIGN_OR_RETURN(PgResult overdue,
                     conn.Query("SELECT COUNT(*) FROM prescriptions WHERE "
                                "overdue = 1 AND final = 0"));
    ASSIGN_OR_RETURN(counts.overdue_open, overdue.Int(0, 0));
    return absl::OkStatus();
  }));
  return counts;
}

void PgStore::SetCommitObserver(CommitObserver observer) {
  absl::MutexLock lock(&observer_mu_);
  commit_observer_ = std::move(observer);
}

}  // namespace nhs::tobacco::store
