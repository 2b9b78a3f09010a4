#ifndef GATEWAY_SERVER_SERVICE_NOTIFY_H_
#define GATEWAY_SERVER_SERVICE_NOTIFY_H_

#include "absl/status/status.h"

// Tells the service manager where the gateway is in its life, for systemd's
// Type=notify (deploy/systemd/tobacco-gateway.service): `systemctl start`
// returns, and units ordered after the gateway start, only once it serves;
// `systemctl status` shows it draining. The only file that knows libsystemd.
//
// Each call is a no-op returning OK when NOTIFY_SOCKET is unset (run by hand,
// in a container, under tests). An error means the socket is set but the
// message could not be sent: the caller logs it and carries on, since the
// gateway serves either way (systemd then times the start out).
namespace nhs::tobacco::server {

// READY=1: every listener is up and the gateway serves.
absl::Status NotifyReady();

// STOPPING=1: a stop signal arrived; in-flight calls and queued writes drain.
absl::Status NotifyStopping();

}  // namespace nhs::tobacco::server

#endif  // GATEWAY_SERVER_SERVICE_NOTIFY_H_
