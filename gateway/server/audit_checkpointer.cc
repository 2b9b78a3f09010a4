#include "gateway/server/audit_checkpointer.h"

#include <fcntl.h>
#include <syslog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gateway/common/log.h"
#include "gateway/common/status_macros.h"
#include "google/protobuf/util/time_util.h"

namespace nhs::tobacco::server {

absl::Status AppendCheckpointLine(const std::string& path,
                                  const std::string& line) {
  const int fd =
      open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  const std::string text = absl::StrCat(line, "\n");
  // One write: with O_APPEND the line lands whole at the end.
  const bool ok =
      write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const int saved = errno;
  const bool synced = ok && fsync(fd) == 0;
  close(fd);
  if (!synced) {
    return absl::UnavailableError(absl::StrCat(
        "cannot append to ", path, ": ", std::strerror(ok ? errno : saved)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadCheckpointFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    if (errno == ENOENT) {
      return absl::NotFoundError(absl::StrCat(path, " does not exist yet"));
    }
    return absl::UnavailableError(
        absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

AuditCheckpointer::AuditCheckpointer(store::Store& store, std::string path,
                                     absl::Duration interval)
    : store_(store), path_(std::move(path)), interval_(interval) {
  // A fixed tag, so the journal can be filtered and shipped by it.
  openlog(kAuditSyslogTag, LOG_PID | LOG_NDELAY, LOG_AUTH);
  CheckAgainstFile();
  thread_ = std::thread([this] { Run(); });
}

AuditCheckpointer::~AuditCheckpointer() { Stop(); }

void AuditCheckpointer::Stop() {
  if (stopped_) return;
  stopped_ = true;
  stop_.Notify();
  thread_.join();
  // Rows queued before now (the last requests' audit rows) are in the
  // checkpoint: the store commits writes in order.
  absl::Status flushed = store_.WriteAndWait(
      [](store::WriteTransaction&) { return absl::OkStatus(); });
  absl::Status written = flushed.ok() ? CheckpointNow() : flushed;
  if (!written.ok()) {
    LogError("audit",
             absl::StrCat("no checkpoint at shutdown: ", written.ToString()));
  }
}

void AuditCheckpointer::Run() {
  while (!stop_.WaitForNotificationWithTimeout(interval_)) {
    absl::Status written = CheckpointNow();
    if (!written.ok()) {
      LogError("audit", absl::StrCat("checkpoint failed, will retry: ",
                                     written.ToString()));
    }
  }
}

absl::StatusOr<security::AuditCheckpoint> AuditCheckpointer::Head() {
  std::optional<v1::AuditRecord> last;
  RETURN_IF_ERROR(store_.Read([&](store::ReadTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(last, tx.LastAuditRecord());
    return absl::OkStatus();
  }));
  security::AuditCheckpoint head;
  if (!last.has_value()) return head;  // sequence 0: an empty log
  head.sequence = last->sequence();
  head.hash = last->hash();
  head.key_id = last->key_id();
  head.at = absl::Now();
  return head;
}

absl::Status AuditCheckpointer::CheckpointNow() {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(security::AuditCheckpoint head, Head());
  if (head.sequence == 0 || head.sequence == last_written_) {
    return absl::OkStatus();
  }
  const std::string line = security::FormatAuditCheckpoint(head);
  // The journal first: it leaves the host even if the file's disk is full.
  syslog(LOG_NOTICE, "%s", line.c_str());
  RETURN_IF_ERROR(AppendCheckpointLine(path_, line));
  last_written_ = head.sequence;
  return absl::OkStatus();
}

void AuditCheckpointer::CheckAgainstFile() {
  absl::StatusOr<std::string> text = ReadCheckpointFile(path_);
  if (!text.ok()) {
    if (!absl::IsNotFound(text.status())) {
      LogError("audit", absl::StrCat("", text.status().message()));
    }
    return;
  }
  absl::StatusOr<std::vector<security::AuditCheckpoint>> checkpoints =
      security::ParseAuditCheckpoints(*text);
  if (!checkpoints.ok()) {
    LogError("audit", absl::StrCat("checkpoint file ", path_, ": ",
                                   checkpoints.status().message()));
    return;
  }
  if (checkpoints->empty()) return;
  const security::AuditCheckpoint* newest = &checkpoints->front();
  for (const auto& c : *checkpoints) {
    if (c.sequence > newest->sequence) newest = &c;
  }
  std::optional<v1::AuditRecord> row;
  int64_t head = 0;
  absl::Status read = store_.Read([&](store::ReadTransaction& tx) {
    ASSIGN_OR_RETURN(std::optional<v1::AuditRecord> last, tx.LastAuditRecord());
    if (last.has_value()) head = last->sequence();
    ASSIGN_OR_RETURN(std::vector<v1::AuditRecord> rows,
                     tx.ListAuditRecords(newest->sequence - 1, 1));
    if (!rows.empty() && rows[0].sequence() == newest->sequence) {
      row = rows[0];
    }
    return absl::OkStatus();
  });
  if (!read.ok()) {
    LogError("audit", absl::StrCat("cannot read the head: ", read.ToString()));
    return;
  }
  std::string problem;
  if (!row.has_value()) {
    problem =
        absl::StrCat("the audit log ends at row ", head,
                     " but the newest checkpoint names row ", newest->sequence);
  } else if (row->hash() != newest->hash) {
    problem = absl::StrCat("audit row ", newest->sequence,
                           " differs from the newest checkpoint");
  }
  if (problem.empty()) return;
  // Loud in both places; the gateway keeps serving (refusing would stop
  // patient care), and `tobaccoctl audit verify` names the fault.
  syslog(LOG_ALERT,
         "%s: the audit log was changed while the gateway was "
         "down; run tobaccoctl audit verify",
         problem.c_str());
  LogError("audit",
           absl::StrCat("", problem,
                        ": the audit log was changed while the gateway was "
                        "down; run tobaccoctl audit verify"));
}

}  // namespace nhs::tobacco::server
