#ifndef GATEWAY_METRICS_CERTIFICATE_EXPIRY_H_
#define GATEWAY_METRICS_CERTIFICATE_EXPIRY_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace nhs::tobacco::metrics {

// A certificate a listener or client loads, by where it is configured.
struct CertificateFile {
  std::string listener;  // e.g. "grpc", "fhir", "mllp", "admin"
  std::string path;
};

// When the first certificate in the PEM file at `path` stops being valid
// (its notAfter). Read afresh at every scrape, so a certificate replaced on
// disk shows its new date. NOT_FOUND / INVALID_ARGUMENT naming the path.
absl::StatusOr<absl::Time> CertificateNotAfter(const std::string& path);

}  // namespace nhs::tobacco::metrics

#endif  // GATEWAY_METRICS_CERTIFICATE_EXPIRY_H_
