#ifndef GATEWAY_SERVER_TLS_FILE_WATCH_H_
#define GATEWAY_SERVER_TLS_FILE_WATCH_H_

#include <cstddef>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace nhs::tobacco::server {

// Looks at the files behind the TLS listeners (certificate, key, CA bundle,
// and the CRL folder's files) every interval and calls `reload` when their
// contents differ from the last look: the HTTPS and MLLP listeners then
// follow replaced files the way gRPC's file-watching certificate provider
// does, without a SIGHUP.
//
// Contents, not modification times: a file rewritten within one timestamp
// tick, or put back by a rename with an old mtime, still counts. A failed
// reload (a half-written pair, a bad file) is tried again at every look
// until it succeeds, so the error is logged until someone fixes the file.
//
// Poll() is the one look (tests call it directly); Start() runs it on a
// thread every interval; the destructor stops and joins the thread.
// Thread-safe.
class TlsFileWatch {
 public:
  TlsFileWatch(std::vector<std::string> paths, absl::Duration interval,
               std::function<absl::Status()> reload);
  ~TlsFileWatch();
  TlsFileWatch(const TlsFileWatch&) = delete;
  TlsFileWatch& operator=(const TlsFileWatch&) = delete;

  // Remembers the files as they are now (the listeners have just loaded
  // them) and starts looking every interval.
  void Start();

  // One look. True when the files changed since the last successful
  // reload and `reload` was called (its status in *reloaded when given).
  bool Poll(absl::Status* reloaded = nullptr);

 private:
  // A digest of every watched file's contents (a folder: its regular
  // files, by name); a missing or unreadable file counts as its own value.
  size_t Fingerprint() const;

  const std::vector<std::string> paths_;
  const absl::Duration interval_;
  const std::function<absl::Status()> reload_;

  absl::Mutex poll_mu_;
  bool seen_ ABSL_GUARDED_BY(poll_mu_) = false;
  size_t last_ ABSL_GUARDED_BY(poll_mu_) = 0;

  absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace nhs::tobacco::server

#endif  // GATEWAY_SERVER_TLS_FILE_WATCH_H_
