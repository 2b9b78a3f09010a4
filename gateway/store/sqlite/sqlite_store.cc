#include "gateway/store/sqlite/sqlite_store.h"

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gateway/common/log.h"
#include "gateway/common/status_macros.h"
#include "gateway/store/sqlite/sqlite_migrations.h"
#include "gateway/store/sqlite/sqlite_transaction.h"

namespace nhs::tobacco::store {
namespace {

// Runs a statement from the connection's cache: savepoints run for every
// request, so they are parsed once rather than per call.
absl::Status RunCached(SqliteConnection& conn, absl::string_view sql) {
  absl::StatusOr<SqliteStatement> stmt = conn.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  return stmt->Run();
}

absl::StatusOr<int64_t> PragmaInt(SqliteConnection& conn,
                                  absl::string_view pragma) {
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   conn.Prepare(absl::StrCat("PRAGMA ", pragma)));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::InternalError(absl::StrCat("PRAGMA ", pragma));
  return stmt.ColumnInt(0);
}

// The operator's cap as SQLite's max_page_count. SQLite never sets it below
// the pages already used, so a database over the cap stays as it is and
// refuses writes until the cap is raised: say so at start-up.
absl::Status LimitSize(SqliteConnection& w, const SqliteStoreOptions& options) {
  ASSIGN_OR_RETURN(int64_t page_size, PragmaInt(w, "page_size"));
  const int64_t pages = std::max<int64_t>(
      1, options.max_database_bytes / std::max<int64_t>(page_size, 1));
  ASSIGN_OR_RETURN(int64_t set,
                   PragmaInt(w, absl::StrCat("max_page_count=", pages)));
  if (set > pages) {
    LogWarning(
        "store",
        absl::StrCat(
            "the database already uses ", set * page_size / (1 << 20),
            " MiB, more than store.max_database_mb allows: writes will fail "
            "until the cap is raised"));
  }
  return absl::OkStatus();
}

}  // namespace

SqliteStore::SqliteStore(const SqliteStoreOptions& options)
    : options_(options),
      queue_(options.max_queued_writes, options.max_batch_size) {}

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(
    const SqliteStoreOptions& options) {
  auto store = std::unique_ptr<SqliteStore>(new SqliteStore(options));
  ASSIGN_OR_RETURN(store->instance_lock_, InstanceLock::Acquire(options.path));
  ASSIGN_OR_RETURN(store->writer_,
                   SqliteConnection::Open(options.path, /*read_only=*/false,
                                          options.busy_timeout));
  SqliteConnection& w = *store->writer_;
  // WAL lets readers run beside the writer. Durability before replying is
  // ours, not COMMIT's: with synchronous=NORMAL a commit writes its WAL
  // frames without fsync, and the reply thread fdatasyncs the WAL before it
  // answers anyone in the batch. So the fsync of batch N overlaps the SQL of
  // batch N+1, and several batches can share one fsync (pipelined group
  // commit). Checkpoints still sync WAL and database themselves.
  RETURN_IF_ERROR(w.Exec("PRAGMA journal_mode=WAL"));
  RETURN_IF_ERROR(w.Exec("PRAGMA synchronous=NORMAL"));
  RETURN_IF_ERROR(w.Exec("PRAGMA foreign_keys=ON"));
  // Each request runs in a SAVEPOINT; its undo pages (the statement
  // journal) stay in memory instead of a temp file written per request.
  RETURN_IF_ERROR(w.Exec("PRAGMA temp_store=MEMORY"));
  // Memory-mapped reads and a larger page cache save a syscall per page.
  RETURN_IF_ERROR(w.Exec("PRAGMA mmap_size=268435456"));
  RETURN_IF_ERROR(w.Exec("PRAGMA cache_size=-65536"));
  RETURN_IF_ERROR(MigrateSqlite(w));
  // After the migrations: a gateway whose database already reached the cap
  // still starts and serves reads while the operator raises it.
  if (options.max_database_bytes > 0) RETURN_IF_ERROR(LimitSize(w, options));
  {
    absl::MutexLock lock(&store->readers_mu_);
    for (int i = 0; i < std::max(1, options.reader_connections); ++i) {
      ASSIGN_OR_RETURN(auto reader,
                       SqliteConnection::Open(options.path, /*read_only=*/true,
                                              options.busy_timeout));
      RETURN_IF_ERROR(reader->Exec("PRAGMA mmap_size=268435456"));
      store->idle_readers_.push_back(std::move(reader));
    }
  }
  // Our own descriptor of the WAL file (the same inode SQLite writes), for
  // fdatasync from the reply thread.
  store->wal_fd_ =
      ::open((options.path + "-wal").c_str(), O_RDONLY | O_CLOEXEC);
  if (store->wal_fd_ < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot open the write-ahead log ", options.path, "-wal"));
  }
  store->completion_thread_ = std::thread([s = store.get()] {
    pthread_setname_np(pthread_self(), "store-replies");
    s->CompletionLoop();
  });
  store->writer_thread_ = std::thread([s = store.get()] {
    pthread_setname_np(pthread_self(), "store-writer");
    s->WriterLoop();
  });
  return store;
}

SqliteStore::~SqliteStore() {
  queue_.Stop();
  if (writer_thread_.joinable()) writer_thread_.join();
  {
    absl::MutexLock lock(&completions_mu_);
    completions_stopping_ = true;
  }
  if (completion_thread_.joinable()) completion_thread_.join();
  if (wal_fd_ >= 0) ::close(wal_fd_);
}

void SqliteStore::Write(WriteWork work, WriteDone done) {
  queue_.Push(std::move(work), std::move(done));
}

void SqliteStore::WriterLoop() {
  std::vector<WriteJob> batch;
  while (queue_.NextBatch(batch)) {
    CommitBatch(batch);
    batch.clear();
  }
}

bool SqliteStore::full() const {
  // Small writes may still fit after a big one was refused, so "full" is a
  // refusal within the last minute rather than the latest write's outcome.
  const int64_t last = last_full_us_.load();
  return last != 0 &&
         absl::Now() - absl::FromUnixMicros(last) < absl::Minutes(1);
}

void SqliteStore::CommitBatch(std::vector<WriteJob>& batch) {
  SqliteConnection& w = *writer_;
  std::vector<absl::Status> results(batch.size());
  const absl::Time began = absl::Now();
  const int64_t full_before = SqliteFullErrorCount();
  // Refused for space anywhere in the batch (BEGIN, a request, COMMIT):
  // remembered (StoreMetricsSource::full) before any reply goes out, so a
  // client told "full" finds /readyz saying so.
  const auto mark_full = [&] {
    if (SqliteFullErrorCount() > full_before) {
      last_full_us_.store(absl::ToUnixMicros(absl::Now()));
    }
  };
  absl::Status begin = w.Exec("BEGIN IMMEDIATE");
  if (!begin.ok()) {
    const absl::Status failed(
        begin.code(),
        absl::StrCat(begin.message(),
                     "; nothing was stored, retry with the same request_id"));
    mark_full();
    for (WriteJob& job : batch) job.done(failed);
    return;
  }
  SqliteTransaction tx(w);
  for (size_t i = 0; i < batch.size(); ++i) {
    absl::Status status = RunCached(w, "SAVEPOINT request");
    if (status.ok()) status = batch[i].work(tx);
    if (status.ok()) {
      status = RunCached(w, "RELEASE request");
    } else if (sqlite3_get_autocommit(w.handle()) != 0) {
      // SQLite rolled back the whole transaction, not just this request
      // (SQLITE_FULL, IOERR, NOMEM do that): every earlier request of the
      // batch is undone too, and a later one would run, and commit, on its
      // own outside any transaction while we answered "nothing stored".
      // Fail the whole batch; each client retries with its request_id.
      tx.TakeAppendedEvents();
      const absl::Status undone = absl::UnavailableError(
          absl::StrCat(status.message(),
                       "; nothing was stored, retry with the same request_id"));
      mark_full();
      for (WriteJob& job : batch) job.done(undone);
      return;
    } else {
      // Undo this request's changes only; the rest of the batch commits.
      RunCached(w, "ROLLBACK TO request").IgnoreError();
      RunCached(w, "RELEASE request").IgnoreError();
    }
    results[i] = std::move(status);
  }
  absl::Status commit = w.Exec("COMMIT");
  if (!commit.ok()) {
    w.Exec("ROLLBACK").IgnoreError();
    tx.TakeAppendedEvents();
    const absl::Status failed = absl::UnavailableError(
        absl::StrCat("the database could not commit; nothing was stored (",
                     commit.message(), ")"));
    mark_full();
    for (WriteJob& job : batch) job.done(failed);
    return;
  }
  {
    absl::MutexLock lock(&observer_mu_);
    if (commit_observer_) {
      commit_observer_(absl::Now() - began, static_cast<int>(batch.size()));
    }
  }
  mark_full();
  commits_.fetch_add(1, std::memory_order_relaxed);
  writes_.fetch_add(static_cast<int64_t>(batch.size()),
                    std::memory_order_relaxed);
  Completion completion;
  if (tx.TakeAppendedEvents()) {
    absl::StatusOr<int64_t> latest = tx.LatestEventSequence();
    if (latest.ok()) completion.latest_sequence = *latest;
  }
  completion.dones.reserve(batch.size());
  for (WriteJob& job : batch) completion.dones.push_back(std::move(job.done));
  completion.results = std::move(results);
  // Replies go out on the completion thread so the writer can start the
  // next batch at once.
  absl::MutexLock lock(&completions_mu_);
  completions_.push_back(std::move(completion));
}

void SqliteStore::CompletionLoop() {
  while (true) {
    std::deque<Completion> ready;
    {
      absl::MutexLock lock(&completions_mu_);
      completions_mu_.Await(absl::Condition(
          +[](SqliteStore* s)
               ABSL_EXCLUSIVE_LOCKS_REQUIRED(s->completions_mu_) {
                 return s->completions_stopping_ || !s->completions_.empty();
               },
          this));
      if (completions_.empty()) return;  // stopping and drained
      ready.swap(completions_);
    }
    // One fdatasync makes every batch taken above durable: their frames
    // were written before they were queued.
    absl::Status synced = absl::OkStatus();
    if (::fdatasync(wal_fd_) != 0) {
      synced = absl::UnavailableError(absl::StrCat(
          "the write-ahead log could not be synced (", std::strerror(errno),
          "); the change may not be durable, retry with the same "
          "request_id"));
      LogError("store", synced.message());
    }
    int64_t latest = 0;
    for (const Completion& c : ready) {
      latest = std::max(latest, c.latest_sequence);
    }
    if (latest > 0 && synced.ok()) {
      absl::MutexLock lock(&listener_mu_);
      if (listener_) listener_(latest);
    }
    for (Completion& c : ready) {
      for (size_t i = 0; i < c.dones.size(); ++i) {
        c.dones[i](c.results[i].ok() ? synced : c.results[i]);
      }
    }
  }
}

absl::Status SqliteStore::Read(const ReadWork& work) {
  return WithReader([&work](SqliteConnection& conn) {
    // One snapshot for every statement of the read.
    absl::Status status = conn.Exec("BEGIN");
    if (status.ok()) {
      SqliteTransaction tx(conn);
      status = work(tx);
      conn.Exec("COMMIT").IgnoreError();
    }
    return status;
  });
}

absl::Status SqliteStore::WithReader(
    const std::function<absl::Status(SqliteConnection&)>& work) {
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
  absl::Status status = work(*conn);
  absl::MutexLock lock(&readers_mu_);
  idle_readers_.push_back(std::move(conn));
  return status;
}

void SqliteStore::SetCommitListener(std::function<void(int64_t)> listener) {
  absl::MutexLock lock(&listener_mu_);
  listener_ = std::move(listener);
}

}  // namespace nhs::tobacco::store

namespace nhs::tobacco::store {

StoreStats SqliteStore::stats() {
  StoreStats s;
  s.commits = commits_.load(std::memory_order_relaxed);
  s.writes = writes_.load(std::memory_order_relaxed);
  s.queued_writes = queue_.size();
  return s;
}

}  // namespace nhs::tobacco::store
