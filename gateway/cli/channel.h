#ifndef GATEWAY_CLI_CHANNEL_H_
#define GATEWAY_CLI_CHANNEL_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "gateway/cli/requests.h"
#include "grpcpp/channel.h"
#include "grpcpp/support/channel_arguments.h"

namespace nhs::tobacco::cli {

struct ConnectionOptions {
  std::string target = "127.0.0.1:50051";
  // PEM files (flags, else TOBACCOCTL_CA, TOBACCOCTL_CERT, TOBACCOCTL_KEY).
  // With none of them the channel is insecure (until mTLS lands);
  // with --ca alone the server is verified; --cert and --key add a client
  // certificate and must come together.
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
};

// Keepalive of every tobaccoctl channel (ChannelArgs).
inline constexpr int kKeepaliveTimeMs = 20000;
inline constexpr int kKeepaliveTimeoutMs = 10000;

// The channel arguments MakeChannel uses: keepalive pings so a stream
// (events watch) notices a dead connection within about 30 s.
grpc::ChannelArguments ChannelArgs();

// Errors are InvalidArgument naming the flag (an unreadable --ca, --cert
// without --key).
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(
    const ConnectionOptions& options, const FileReader& read_file);

}  // namespace nhs::tobacco::cli

#endif  // GATEWAY_CLI_CHANNEL_H_
