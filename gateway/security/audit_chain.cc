#include "gateway/security/audit_chain.h"

#include <openssl/sha.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"

namespace nhs::tobacco::security {
namespace {

void AppendField(std::string& out, absl::string_view value) {
  absl::StrAppend(&out, value.size(), ":", value, ";");
}

}  // namespace

std::string AuditRowHash(absl::string_view previous_hash,
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
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(canonical.data()),
         canonical.size(), digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

absl::Status AuditChainVerifier::Next(const v1::AuditRecord& record) {
  if (!broken_.ok()) return broken_;
  ++rows_checked_;
  if (record.sequence() != previous_sequence_ + 1) {
    first_broken_ = record.sequence();
    broken_ = absl::DataLossError(
        absl::StrCat("audit row ", record.sequence(), " follows row ",
                     previous_sequence_, ": rows are missing or out of order"));
    return broken_;
  }
  if (AuditRowHash(previous_hash_, record) != record.hash()) {
    first_broken_ = record.sequence();
    broken_ = absl::DataLossError(
        absl::StrCat("audit row ", record.sequence(),
                     " does not match its hash: it was changed, or a row "
                     "before it was"));
    return broken_;
  }
  previous_hash_ = record.hash();
  previous_sequence_ = record.sequence();
  return absl::OkStatus();
}

}  // namespace nhs::tobacco::security
