#include "gateway/server/service_notify.h"

#include <systemd/sd-daemon.h>

#include <cstring>

#include "absl/strings/str_cat.h"

namespace nhs::tobacco::server {
namespace {

// sd_notify returns > 0 when sent, 0 when NOTIFY_SOCKET is unset, and a
// negative errno otherwise. The environment is left as it is (first argument
// 0): both messages go to the same socket.
absl::Status Notify(const char* state) {
  const int result = sd_notify(0, state);
  if (result < 0) {
    return absl::UnavailableError(absl::StrCat(
        "could not notify the service manager: ", std::strerror(-result)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status NotifyReady() { return Notify("READY=1\nSTATUS=serving"); }

absl::Status NotifyStopping() {
  return Notify(
      "STOPPING=1\nSTATUS=draining in-flight calls and queued writes");
}

}  // namespace nhs::tobacco::server
