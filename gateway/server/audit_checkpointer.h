#ifndef GATEWAY_SERVER_AUDIT_CHECKPOINTER_H_
#define GATEWAY_SERVER_AUDIT_CHECKPOINTER_H_

#include <cstdint>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gateway/security/audit_checkpoint.h"
#include "gateway/store/store.h"

namespace nhs::tobacco::server {

// The syslog tag of checkpoint lines (journalctl -t tobacco-gateway-audit).
inline constexpr char kAuditSyslogTag[] = "tobacco-gateway-audit";

// Appends `line` and a newline to `path` (O_APPEND, created 0600), fsyncs
// and closes it: one write per checkpoint, never a rewrite.
absl::Status AppendCheckpointLine(const std::string& path,
                                  const std::string& line);

// The checkpoint file's text; NOT_FOUND while it does not exist.
absl::StatusOr<std::string> ReadCheckpointFile(const std::string& path);

// Writes checkpoints of the audit chain's head off the database: every
// `interval` while the head moves, and once more at Stop() (clean
// shutdown), each to syslog (tag kAuditSyslogTag, facility auth) and
// appended to the checkpoint file. At start it compares the head with the
// file's newest checkpoint and logs an error when the log ends before it
// or differs (the log was cut or replaced while the gateway was down).
// Thread-safe.
class AuditCheckpointer {
 public:
  // Checkpoint times are the wall clock's (absl::Now()), not the
  // gateway's injected clock: they are matched with logs off the host, and a
  // test's fake clock may be gone by the shutdown checkpoint.
  AuditCheckpointer(store::Store& store, std::string path,
                    absl::Duration interval);
  ~AuditCheckpointer();  // Stop()s if not stopped.

  // Waits for every write queued before it, then writes the final
  // checkpoint and stops the thread. Idempotent.
  void Stop();

  // Writes a checkpoint of the head now unless the last one written names
  // the same row.
  absl::Status CheckpointNow();

 private:
  void Run();
  void CheckAgainstFile();
  absl::StatusOr<security::AuditCheckpoint> Head();

  store::Store& store_;
  const std::string path_;
  const absl::Duration interval_;
  absl::Mutex mu_;
  int64_t last_written_ ABSL_GUARDED_BY(mu_) = -1;
  absl::Notification stop_;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace nhs::tobacco::server

#endif  // GATEWAY_SERVER_AUDIT_CHECKPOINTER_H_
