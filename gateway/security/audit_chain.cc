#include "gateway/security/audit_chain.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/sha.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"

namespace nhs::tobacco::security {
namespace {

void AppendField(std::string& out, absl::string_view value) {
  absl::StrAppend(&out, value.size(), ":", value, ";");
}

// The fields every scheme covers, in the layout of the unkeyed scheme.
std::string Canonical(absl::string_view previous_hash,
                      const v1::AuditRecord& r) {
  std::string canonical;
  AppendField(canonical, previous_hash);
  AppendField(canonical, absl::StrCat(r.sequence()));
  AppendField(
      canonical,
      absl::StrCat(
          google::protobuf::util::TimeUtil::TimestampToMicroseconds(r.at())));
  AppendField(canonical, r.ods_code());
  AppendField(canonical, r.role());
  AppendField(canonical, r.operation());
  AppendField(canonical, r.record_id());
  AppendField(canonical, r.result());
  // The practitioner (issue 13) only when named, so rows from before it
  // existed, and rows without a person, hash exactly as they always did.
  if (!r.practitioner().empty()) {
    AppendField(canonical, "practitioner");
    AppendField(canonical, r.practitioner());
  }
  return canonical;
}

std::string Hex(const unsigned char* digest, size_t size) {
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), size));
}

bool SameHash(absl::string_view a, absl::string_view b) {
  return a.size() == b.size() &&
         CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::string AuditRowHash(absl::string_view previous_hash,
                         const v1::AuditRecord& r) {
  const std::string canonical = Canonical(previous_hash, r);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(canonical.data()),
         canonical.size(), digest);
  return Hex(digest, sizeof(digest));
}

std::string HmacSha256Hex(absl::string_view secret, absl::string_view data) {
  // HMAC() would look the algorithm up on every call (much of its cost
  // under OpenSSL 3); it is fetched once and shared (an EVP_MAC is
  // thread-safe once fetched).
  static EVP_MAC* const hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  char digest_name[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end()};
  unsigned char digest[EVP_MAX_MD_SIZE];
  size_t size = 0;
  EVP_MAC_CTX* ctx = hmac == nullptr ? nullptr : EVP_MAC_CTX_new(hmac);
  const bool ok =
      ctx != nullptr &&
      EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(secret.data()),
                   secret.size(), params) == 1 &&
      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()),
                     data.size()) == 1 &&
      EVP_MAC_final(ctx, digest, &size, sizeof(digest)) == 1;
  EVP_MAC_CTX_free(ctx);
  return ok ? Hex(digest, size) : std::string();
}

std::string KeyedAuditRowHash(absl::string_view secret,
                              absl::string_view previous_hash,
                              const v1::AuditRecord& r) {
  // The key id is covered too: a row cannot be moved to another key's
  // segment, nor marked unkeyed, without breaking its hash.
  std::string canonical = Canonical(previous_hash, r);
  AppendField(canonical, r.key_id());
  return HmacSha256Hex(secret, canonical);
}

bool ValidAuditKeyId(absl::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(c) && c != '.' && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

AuditKeyRing::AuditKeyRing(AuditKey current, std::vector<AuditKey> retired)
    : current_id_(current.id) {
  secrets_.emplace(current.id, std::move(current.secret));
  for (AuditKey& k : retired) secrets_.emplace(k.id, std::move(k.secret));
}

void AuditKeyRing::Seal(absl::string_view previous_hash,
                        v1::AuditRecord& row) const {
  row.set_key_id(current_id_);
  row.set_hash(keyed() ? KeyedAuditRowHash(secrets_.find(current_id_)->second,
                                           previous_hash, row)
                       : AuditRowHash(previous_hash, row));
}

absl::StatusOr<std::string> AuditKeyRing::ExpectedHash(
    absl::string_view previous_hash, const v1::AuditRecord& row) const {
  if (row.key_id().empty()) return AuditRowHash(previous_hash, row);
  auto it = secrets_.find(row.key_id());
  if (it == secrets_.end()) {
    return absl::NotFoundError(
        absl::StrCat("audit key id ", row.key_id(), " is not held"));
  }
  return KeyedAuditRowHash(it->second, previous_hash, row);
}

void AuditChainVerifier::ExpectCheckpoints(
    const std::vector<AuditCheckpoint>& checkpoints) {
  for (const AuditCheckpoint& c : checkpoints) {
    checkpoints_.emplace(c.sequence, c);
  }
}

const AuditCheckpoint* AuditChainVerifier::newest_checkpoint() const {
  return checkpoints_.empty() ? nullptr : &checkpoints_.rbegin()->second;
}

absl::Status AuditChainVerifier::Break(v1::AuditChainFault fault,
                                       int64_t sequence, std::string problem) {
  finding_ = {fault, sequence, problem};
  broken_ = absl::DataLossError(std::move(problem));
  return broken_;
}

absl::Status AuditChainVerifier::Next(const v1::AuditRecord& record) {
  if (!broken_.ok()) return broken_;
  ++rows_checked_;
  const int64_t seq = record.sequence();
  if (seq != previous_sequence_ + 1) {
    return Break(
        v1::AUDIT_CHAIN_FAULT_ROWS_MISSING, seq,
        absl::StrCat("audit row ", seq, " follows row ", previous_sequence_,
                     ": rows are missing or out of order"));
  }
  if (record.key_id().empty() && first_keyed_ != 0) {
    return Break(
        v1::AUDIT_CHAIN_FAULT_UNKEYED_AFTER_KEYED, seq,
        absl::StrCat("audit row ", seq, " is unkeyed but follows keyed row ",
                     first_keyed_, ": it was rewritten without the key"));
  }
  absl::StatusOr<std::string> expected =
      keys_.ExpectedHash(previous_hash_, record);
  if (!expected.ok()) {
    return Break(v1::AUDIT_CHAIN_FAULT_UNKNOWN_KEY, seq,
                 absl::StrCat("audit row ", seq, " is sealed with key id ",
                              record.key_id(),
                              ", which this gateway does not hold (list it "
                              "in audit.retired_keys)"));
  }
  if (!SameHash(*expected, record.hash())) {
    return Break(
        v1::AUDIT_CHAIN_FAULT_ROW_REWRITTEN, seq,
        absl::StrCat("audit row ", seq,
                     record.key_id().empty()
                         ? " does not match its hash"
                         : absl::StrCat(" does not match its hash under key ",
                                        record.key_id()),
                     ": it was changed, or a row before it was"));
  }
  if (auto it = checkpoints_.find(seq);
      it != checkpoints_.end() && (!SameHash(it->second.hash, record.hash()) ||
                                   it->second.key_id != record.key_id())) {
    return Break(
        v1::AUDIT_CHAIN_FAULT_CHECKPOINT_MISMATCH, seq,
        absl::StrCat("audit row ", seq, " is not the row the checkpoint of ",
                     absl::FormatTime(absl::RFC3339_sec, it->second.at,
                                      absl::UTCTimeZone()),
                     " recorded: the log was replaced from this "
                     "row on (cut and written again, or forged "
                     "with the key)"));
  }
  if (!record.key_id().empty() && first_keyed_ == 0) first_keyed_ = seq;
  previous_hash_ = record.hash();
  previous_sequence_ = seq;
  head_key_id_ = record.key_id();
  return absl::OkStatus();
}

absl::Status AuditChainVerifier::Finish() {
  if (!broken_.ok()) return broken_;
  const AuditCheckpoint* newest = newest_checkpoint();
  if (newest != nullptr && newest->sequence > previous_sequence_) {
    return Break(v1::AUDIT_CHAIN_FAULT_TAIL_MISSING, newest->sequence,
                 absl::StrCat("the audit log ends at row ", previous_sequence_,
                              " but the checkpoint of ",
                              absl::FormatTime(absl::RFC3339_sec, newest->at,
                                               absl::UTCTimeZone()),
                              " recorded row ", newest->sequence, ": rows ",
                              previous_sequence_ + 1, " to ", newest->sequence,
                              " are missing (the tail was cut)"));
  }
  return absl::OkStatus();
}

}  // namespace nhs::tobacco::security
