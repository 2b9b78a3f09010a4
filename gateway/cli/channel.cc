#include "gateway/cli/channel.h"

#include "absl/strings/str_cat.h"
#include "gateway/cli/args.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

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

grpc::ChannelArguments ChannelArgs() {
  grpc::ChannelArguments args;
  // HTTP/2 keepalive: a ping every 20 s even with no call in flight, and the
  // connection counted dead when one is not answered in 10 s. Without it
  // `events watch` on a connection whose peer vanished (a cable pulled, a
  // NAT entry dropped, a gateway host powered off) waits for TCP, which
  // may be hours. The gateway accepts pings this often (gateway_server.cc).
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, kKeepaliveTimeMs);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, kKeepaliveTimeoutMs);
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  return args;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(
    const ConnectionOptions& options, const FileReader& read_file) {
  if (options.cert_file.empty() != options.key_file.empty()) {
    return FlagError(options.cert_file.empty() ? "cert" : "key",
                     "--cert and --key must be given together");
  }
  if (options.ca_file.empty() && options.cert_file.empty()) {
    return grpc::CreateCustomChannel(
        options.target, grpc::InsecureChannelCredentials(), ChannelArgs());
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
  return grpc::CreateCustomChannel(options.target, grpc::SslCredentials(ssl),
                                   ChannelArgs());
}

}  // namespace nhs::tobacco::cli
