#ifndef GATEWAY_CONSOLE_CONSOLE_SESSIONS_H_
#define GATEWAY_CONSOLE_CONSOLE_SESSIONS_H_

#include <cstddef>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/common/clock.h"
#include "gateway/security/principal.h"

namespace nhs::tobacco::console {

// SHA-256 (hex) of the DER of the certificate in `pem`: what a session is
// bound to. Empty when the PEM does not parse.
std::string CertificateFingerprint(absl::string_view pem);

// What a console session holds: the token a page must echo on every
// state-changing request, and the person signed in (empty until then).
struct ConsoleSession {
  std::string csrf_token;
  security::NamedPractitioner practitioner;
};

struct ConsoleSessionOptions {
  absl::Duration idle_timeout = absl::Minutes(15);
  absl::Duration max_age = absl::Hours(12);
  int max_sessions = 10000;
};

// The console's sessions, in memory (a restart signs everyone out).
// Each is named by a random 256-bit token (the cookie's value; only its
// SHA-256 is kept) and bound to the fingerprint of the client certificate
// that opened it: the cookie is useless with any other certificate. A
// session ends when idle too long, when too old, on Close, or when the
// table is full and it is the least recently used. Thread-safe.
class ConsoleSessions {
 public:
  ConsoleSessions(ConsoleSessionOptions options, const Clock& clock);

  struct Opened {
    std::string token;  // the cookie's value
    ConsoleSession session;
  };
  // A new session for the certificate with `fingerprint`.
  Opened Open(absl::string_view fingerprint);

  // The live session `token` names, touched (its idle time restarts).
  // NOT_FOUND when there is none (never was, ended, expired);
  // PERMISSION_DENIED when it belongs to another certificate.
  absl::StatusOr<ConsoleSession> Find(absl::string_view token,
                                      absl::string_view fingerprint);

  // Names the person using the session (Find's errors otherwise).
  absl::StatusOr<ConsoleSession> SignIn(
      absl::string_view token, absl::string_view fingerprint,
      security::NamedPractitioner practitioner);

  // Ends the session `token` names (nothing when there is none or it
  // belongs to another certificate).
  void Close(absl::string_view token, absl::string_view fingerprint);

  // Live and expired-but-not-yet-swept sessions.
  size_t size() const;

 private:
  struct Entry {
    std::string fingerprint;
    ConsoleSession session;
    absl::Time opened;
    absl::Time last_used;
  };
  bool Expired(const Entry& e, absl::Time now) const;
  // Drops expired sessions, then the least recently used while full.
  void MakeRoom(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<Entry*> Live(absl::string_view token,
                              absl::string_view fingerprint, absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const ConsoleSessionOptions options_;
  const Clock& clock_;
  mutable absl::Mutex mu_;
  // SHA-256 (hex) of the token -> session.
  absl::flat_hash_map<std::string, Entry> sessions_ ABSL_GUARDED_BY(mu_);
};

}  // namespace nhs::tobacco::console

#endif  // GATEWAY_CONSOLE_CONSOLE_SESSIONS_H_
