#include "gateway/console/console_sessions.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <utility>

#include "absl/strings/escaping.h"

namespace nhs::tobacco::console {
namespace {

std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

// 256 random bits from the operating system's generator, URL-safe base64
// (fit for a cookie value and a header).
std::string RandomToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    // Without randomness no token can be trusted: never hand out a
    // guessable one.
    OPENSSL_die("RAND_bytes failed", __FILE__, __LINE__);
  }
  return absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

}  // namespace

std::string CertificateFingerprint(absl::string_view pem) {
  if (pem.empty()) return "";
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return "";
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (cert == nullptr) return "";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  const bool ok = X509_digest(cert, EVP_sha256(), digest, &size) == 1;
  X509_free(cert);
  if (!ok) return "";
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), size));
}

ConsoleSessions::ConsoleSessions(ConsoleSessionOptions options,
                                 const Clock& clock)
    : options_(options), clock_(clock) {}

bool ConsoleSessions::Expired(const Entry& e, absl::Time now) const {
  return now - e.last_used >= options_.idle_timeout ||
         now - e.opened >= options_.max_age;
}

void ConsoleSessions::MakeRoom(absl::Time now) {
  if (static_cast<int>(sessions_.size()) < options_.max_sessions) return;
  absl::erase_if(sessions_,
                 [&](const auto& kv) { return Expired(kv.second, now); });
  while (!sessions_.empty() &&
         static_cast<int>(sessions_.size()) >= options_.max_sessions) {
    auto oldest = sessions_.begin();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      if (it->second.last_used < oldest->second.last_used) oldest = it;
    }
    sessions_.erase(oldest);
  }
}

ConsoleSessions::Opened ConsoleSessions::Open(absl::string_view fingerprint) {
  const absl::Time now = clock_.Now();
  Opened opened{RandomToken(), ConsoleSession{RandomToken(), {}}};
  absl::MutexLock lock(&mu_);
  MakeRoom(now);
  sessions_[Sha256Hex(opened.token)] =
      Entry{std::string(fingerprint), opened.session, now, now};
  return opened;
}

absl::StatusOr<ConsoleSessions::Entry*> ConsoleSessions::Live(
    absl::string_view token, absl::string_view fingerprint, absl::Time now) {
  if (token.empty()) return absl::NotFoundError("no console session");
  auto it = sessions_.find(Sha256Hex(token));
  if (it == sessions_.end()) return absl::NotFoundError("no console session");
  if (Expired(it->second, now)) {
    sessions_.erase(it);
    return absl::NotFoundError("the console session has expired");
  }
  const std::string& bound = it->second.fingerprint;
  if (fingerprint.empty() || bound.size() != fingerprint.size() ||
      CRYPTO_memcmp(bound.data(), fingerprint.data(), bound.size()) != 0) {
    return absl::PermissionDeniedError(
        "session check: this console session belongs to another client "
        "certificate");
  }
  it->second.last_used = now;
  return &it->second;
}

absl::StatusOr<ConsoleSession> ConsoleSessions::Find(
    absl::string_view token, absl::string_view fingerprint) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Entry*> entry = Live(token, fingerprint, clock_.Now());
  if (!entry.ok()) return entry.status();
  return (*entry)->session;
}

absl::StatusOr<ConsoleSession> ConsoleSessions::SignIn(
    absl::string_view token, absl::string_view fingerprint,
    security::NamedPractitioner practitioner) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Entry*> entry = Live(token, fingerprint, clock_.Now());
  if (!entry.ok()) return entry.status();
  (*entry)->session.practitioner = std::move(practitioner);
  return (*entry)->session;
}

void ConsoleSessions::Close(absl::string_view token,
                            absl::string_view fingerprint) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Entry*> entry = Live(token, fingerprint, clock_.Now());
  if (entry.ok()) sessions_.erase(Sha256Hex(token));
}

size_t ConsoleSessions::size() const {
  absl::MutexLock lock(&mu_);
  return sessions_.size();
}

}  // namespace nhs::tobacco::console
