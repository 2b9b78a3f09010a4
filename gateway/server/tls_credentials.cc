#include "gateway/server/tls_credentials.h"

#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "adapters/net/tls_policy.h"
#include "gateway/common/status_macros.h"

namespace nhs::tobacco::server {
namespace {

absl::StatusOr<std::string> ReadPem(const std::string& path,
                                    absl::string_view what) {
  std::ifstream in(path);
  if (!in) {
    return absl::FailedPreconditionError(
        absl::StrCat("grpc.tls.", what, ": cannot read ", path));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

void ApplyTlsPolicyToGrpc() {
  // Overwrites whatever the environment says: the policy is not an
  // operator's choice to weaken.
  ::setenv("GRPC_SSL_CIPHER_SUITES", net::kTls12CipherList, /*overwrite=*/1);
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MutualTlsCredentials(
    const v1::TlsConfig& tls, absl::Duration refresh_interval) {
  ApplyTlsPolicyToGrpc();
  // Read once here so a file missing at start-up stops the start with its
  // name: the file watcher would only log it and refuse every handshake.
  RETURN_IF_ERROR(ReadPem(tls.cert_file(), "cert_file").status());
  RETURN_IF_ERROR(ReadPem(tls.key_file(), "key_file").status());
  RETURN_IF_ERROR(ReadPem(tls.client_ca_file(), "client_ca_file").status());
  // Re-reads the three files every refresh_interval and hands gRPC new
  // contents when they changed: certificate rotation without a restart.
  const auto seconds = static_cast<unsigned int>(
      std::max<int64_t>(1, absl::ToInt64Seconds(refresh_interval)));
  auto provider =
      std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
          tls.key_file(), tls.cert_file(), tls.client_ca_file(), seconds);
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_root_certs();
  options.watch_identity_key_cert_pairs();
  options.set_cert_request_type(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  if (!tls.crl_directory().empty()) {
    options.set_crl_directory(tls.crl_directory());
  }
  return grpc::experimental::TlsServerCredentials(options);
}

}  // namespace nhs::tobacco::server
