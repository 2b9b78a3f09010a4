#include "gateway/cli/channel.h"

#include "absl/strings/str_cat.h"
#include "gateway/cli/args.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace nhs::tobacco::cli {
namespace {

absl::StatusOr<std::string> ReadPem(const std::string& path,
                                    absl::string_view flag,
                                    const FileReader& read_file) {
  absl::StatusOr<std::string> pem = read_file(path);
  if (!pem.ok()) return FlagError(flag, pem.status().message());
  return pem;
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(
    const ConnectionOptions& options, const FileReader& read_file) {
  if (options.cert_file.empty() != options.key_file.empty()) {
    return FlagError(options.cert_file.empty() ? "cert" : "key",
                     "--cert and --key must be given together");
  }
  if (options.ca_file.empty() && options.cert_file.empty()) {
    return grpc::CreateChannel(options.target,
                               grpc::InsecureChannelCredentials());
  }
  grpc::SslCredentialsOptions ssl;
  if (!options.ca_file.empty()) {
    absl::StatusOr<std::string> ca = ReadPem(options.ca_file, "ca", read_file);
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *ca;
  }
  if (!options.cert_file.empty()) {
    absl::StatusOr<std::string> cert =
        ReadPem(options.cert_file, "cert", read_file);
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key =
        ReadPem(options.key_file, "key", read_file);
    if (!key.ok()) return key.status();
    ssl.pem_cert_chain = *cert;
    ssl.pem_private_key = *key;
  }
  return grpc::CreateChannel(options.target, grpc::SslCredentials(ssl));
}

}  // namespace nhs::tobacco::cli
