#include "adapters/hl7v2/mllp_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "adapters/hl7v2/mllp_listener.h"

namespace nhs::tobacco::hl7v2 {
namespace {

// Waits for `events` on `fd` until `deadline`.
absl::Status WaitFor(int fd, short events, absl::Time deadline,
                     absl::string_view what) {
  while (true) {
    const int64_t ms = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (ms <= 0)
      return absl::DeadlineExceededError(absl::StrCat(what, " timed out"));
    pollfd p{fd, events, 0};
    const int r =
        ::poll(&p, 1, static_cast<int>(std::min<int64_t>(ms, 1 << 30)));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return absl::UnavailableError(std::strerror(errno));
    if (r > 0) return absl::OkStatus();
  }
}

}  // namespace

MllpClient::MllpClient(MllpClientOptions options)
    : options_(std::move(options)) {}

MllpClient::~MllpClient() { Close(); }

void MllpClient::Close() {
  transport_.reset();
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

absl::Status MllpClient::Connect(absl::Time deadline) {
  std::string host;
  int port = 0;
  if (absl::Status s = SplitHostPort(options_.address, host, port); !s.ok()) {
    return s;
  }
  if (host == "localhost") host = "127.0.0.1";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("mllp host '", host, "' is not an IPv4 address"));
  }
  const int fd =
      ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return absl::InternalError(std::strerror(errno));
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    if (errno != EINPROGRESS) {
      const std::string error = std::strerror(errno);
      ::close(fd);
      return absl::UnavailableError(
          absl::StrCat("cannot connect to ", options_.address, ": ", error));
    }
    const absl::Time connect_deadline =
        std::min(deadline, absl::Now() + options_.connect_timeout);
    if (absl::Status s = WaitFor(fd, POLLOUT, connect_deadline, "connect");
        !s.ok()) {
      ::close(fd);
      return s;
    }
    int error = 0;
    socklen_t len = sizeof(error);
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len);
    if (error != 0) {
      ::close(fd);
      return absl::UnavailableError(absl::StrCat(
          "cannot connect to ", options_.address, ": ", std::strerror(error)));
    }
  }
  if (options_.tls == nullptr) {
    transport_ = MllpTransport::Plain(fd);
  } else {
    absl::StatusOr<std::unique_ptr<MllpTransport>> tls = MllpTransport::Connect(
        *options_.tls, fd, host,
        std::min(deadline, absl::Now() + options_.connect_timeout));
    if (!tls.ok()) {
      ::close(fd);
      return absl::Status(
          tls.status().code(),
          absl::StrCat(options_.address, ": ", tls.status().message()));
    }
    transport_ = *std::move(tls);
  }
  fd_ = fd;
  return absl::OkStatus();
}

absl::StatusOr<std::string> MllpClient::Exchange(absl::string_view frame,
                                                 absl::Time deadline) {
  if (absl::Status s = transport_->WriteAll(frame, deadline); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat("send to ", options_.address,
                                               " failed: ", s.message()));
  }
  MllpFramer framer(options_.max_frame_bytes);
  char buffer[16 * 1024];
  while (true) {
    absl::StatusOr<std::optional<std::string>> reply = framer.Next();
    if (!reply.ok()) return reply.status();
    if (reply->has_value()) return **std::move(reply);
    const ssize_t n = transport_->Read(buffer, sizeof(buffer));
    if (n == MllpTransport::kWouldBlock) {
      if (absl::Status s =
              WaitFor(fd_, transport_->wants_write() ? POLLOUT : POLLIN,
                      deadline, "waiting for the ACK");
          !s.ok()) {
        return s;
      }
      continue;
    }
    if (n <= 0) {
      return absl::UnavailableError(absl::StrCat(
          options_.address, " closed the connection before acknowledging"));
    }
    framer.Append(absl::string_view(buffer, static_cast<size_t>(n)));
  }
}

absl::StatusOr<std::string> MllpClient::Send(absl::string_view payload) {
  const std::string frame = MllpFrame(payload);
  absl::Status last = absl::UnavailableError("no attempt made");
  for (int attempt = 0; attempt < std::max(1, options_.attempts); ++attempt) {
    const absl::Time deadline = absl::Now() + options_.io_timeout;
    if (fd_ < 0) {
      last = Connect(deadline);
      if (!last.ok()) continue;
    }
    absl::StatusOr<std::string> reply = Exchange(frame, deadline);
    if (reply.ok()) return reply;
    last = reply.status();
    // The stream position is unknown after any failure: start afresh.
    Close();
  }
  return last;
}

}  // namespace nhs::tobacco::hl7v2
