#include "gateway/metrics/certificate_expiry.h"

#include <openssl/asn1.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <ctime>

#include "absl/strings/str_cat.h"

namespace nhs::tobacco::metrics {

absl::StatusOr<absl::Time> CertificateNotAfter(const std::string& path) {
  FILE* file = std::fopen(path.c_str(), "r");
  if (file == nullptr) {
    return absl::NotFoundError(absl::StrCat("cannot read ", path));
  }
  X509* cert = PEM_read_X509(file, nullptr, nullptr, nullptr);
  std::fclose(file);
  if (cert == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " holds no PEM certificate"));
  }
  std::tm tm{};
  const int ok = ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm);
  X509_free(cert);
  if (ok != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": unreadable notAfter"));
  }
  return absl::FromTM(tm, absl::UTCTimeZone());
}

}  // namespace nhs::tobacco::metrics
