#ifndef ADAPTERS_NET_TLS_CONTEXT_HOLDER_H_
#define ADAPTERS_NET_TLS_CONTEXT_HOLDER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace nhs::tobacco::net {

// The TLS context a listener gives each new connection, replaceable while
// the listener serves: certificate and CRL rotation without a restart.
//
// A listener asks Current() when it accepts a connection and keeps that
// shared_ptr for the connection's life, so a connection established before
// a reload goes on with the context it was handshaken under, and is never
// cut. Reload() builds a complete new context first (certificate, key, CA,
// CRL folder, the TLS policy: whatever `build` does) and swaps it in only
// when that succeeded; on failure the listener keeps serving the previous
// one and the error says so, naming the file `build` could not use.
//
// A template so each listener keeps its own context type (Boost.Asio's
// ssl::context for HTTP, MllpTlsContext for MLLP) and this folder needs no
// Boost. Thread-safe: Current() from the I/O threads, Reload() from any
// thread (a SIGHUP handler, a file watch); reloads are serialised.
template <typename Context>
class TlsContextHolder {
 public:
  using Build = std::function<absl::StatusOr<std::shared_ptr<Context>>()>;

  // Builds the first context with `build`; fails as it does. `name` is the
  // listener's, for the errors ("fhir", "mllp").
  static absl::StatusOr<std::unique_ptr<TlsContextHolder>> Create(
      std::string name, Build build) {
    absl::StatusOr<std::shared_ptr<Context>> first = build();
    if (!first.ok()) return first.status();
    return Adopt(std::move(name), *std::move(first), std::move(build));
  }

  // Starts from a context already built (the one the listener was given),
  // and rebuilds with `build` on Reload().
  static std::unique_ptr<TlsContextHolder> Adopt(std::string name,
                                                 std::shared_ptr<Context> first,
                                                 Build build) {
    return std::unique_ptr<TlsContextHolder>(new TlsContextHolder(
        std::move(name), std::move(first), std::move(build)));
  }

  TlsContextHolder(const TlsContextHolder&) = delete;
  TlsContextHolder& operator=(const TlsContextHolder&) = delete;

  // The context for a connection accepted now. Never null.
  std::shared_ptr<Context> Current() const {
    absl::MutexLock lock(&mu_);
    return current_;
  }

  // Rebuilds the context from its files and swaps it in. On failure the
  // previous context stays in use and the error names the listener, says
  // so, and carries `build`'s reason (its code too).
  absl::Status Reload() {
    absl::MutexLock serialised(&reload_mu_);
    absl::StatusOr<std::shared_ptr<Context>> next = build_();
    if (!next.ok()) {
      return absl::Status(
          next.status().code(),
          absl::StrCat(name_,
                       ": TLS reload refused, still serving the previous "
                       "certificate, CA and CRLs: ",
                       next.status().message()));
    }
    if (*next == nullptr) {
      return absl::InternalError(
          absl::StrCat(name_, ": TLS reload built no context"));
    }
    absl::MutexLock lock(&mu_);
    current_ = *std::move(next);
    ++reloads_;
    return absl::OkStatus();
  }

  // Successful reloads so far (for logs and tests).
  int64_t reloads() const {
    absl::MutexLock lock(&mu_);
    return reloads_;
  }

 private:
  TlsContextHolder(std::string name, std::shared_ptr<Context> first,
                   Build build)
      : name_(std::move(name)),
        build_(std::move(build)),
        current_(std::move(first)) {}

  const std::string name_;
  const Build build_;
  absl::Mutex reload_mu_;
  mutable absl::Mutex mu_;
  std::shared_ptr<Context> current_ ABSL_GUARDED_BY(mu_);
  int64_t reloads_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace nhs::tobacco::net

#endif  // ADAPTERS_NET_TLS_CONTEXT_HOLDER_H_
