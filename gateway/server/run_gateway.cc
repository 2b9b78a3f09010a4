#include "gateway/server/run_gateway.h"

#include <signal.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gateway/common/log.h"
#include "gateway/common/status_macros.h"
#include "gateway/server/config_loader.h"
#include "gateway/server/gateway_server.h"
#include "gateway/server/logging_config.h"
#include "gateway/server/service_notify.h"

namespace nhs::tobacco::server {
namespace {

// SIGHUP (`systemctl reload`): what may change without a restart. The log
// level from the re-read config, and every listener's certificate, key, CA
// and CRLs from their files (README "Certificate and CRL rotation"). The
// log format stays as it started (a SIEM parsing JSON should not meet text
// halfway through). Runs on the signal thread, never during Shutdown.
void ReloadOnHangup(const std::string& config_path, GatewayServer& server) {
  // ReloadTls logs its own result, naming each listener.
  server.ReloadTls().IgnoreError();
  absl::StatusOr<v1::GatewayConfig> reread = LoadConfig(config_path);
  if (!reread.ok()) {
    LogEvent(LogLevel::kWarning, "gateway")
        .With("error", reread.status().message())
        .Write("SIGHUP: the config no longer loads; running settings kept");
    return;
  }
  const LogLevel level = LogLevelFor(reread->logging());
  // An INFO event under whichever of the old and new levels says more, so
  // an operator sees the change (a level going up is logged before it,
  // down after), and a SIEM does not see an error for a routine reload.
  const bool quieter =
      static_cast<int>(level) > static_cast<int>(CurrentLogLevel());
  if (!quieter) SetLogLevel(level);
  LogEvent(LogLevel::kInfo, "gateway")
      .With("log_level", LogLevelName(level))
      .Write("SIGHUP: config re-read");
  if (quieter) SetLogLevel(level);
}

}  // namespace

absl::Status RunGateway(const v1::GatewayConfig& config,
                        const std::string& config_path,
                        absl::Duration drain_delay) {
  // Block the signals we act on in every thread (threads inherit the mask)
  // and wait for them synchronously here: no async-signal-safety puzzles.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  ASSIGN_OR_RETURN(std::unique_ptr<GatewayServer> server,
                   GatewayServer::Start(config));
  LogInfo("gateway", "ready");
  if (absl::Status notified = NotifyReady(); !notified.ok()) {
    LogWarning("gateway", notified.message());
  }
  int signal_number = 0;
  while (true) {
    sigwait(&signals, &signal_number);
    if (signal_number != SIGHUP) break;
    ReloadOnHangup(config_path, *server);
  }
  // Not ready first, still serving: balancers and Kubernetes stop sending
  // new work before any listener closes under it; systemd hears STOPPING=1.
  server->BeginDrain();
  if (absl::Status notified = NotifyStopping(); !notified.ok()) {
    LogWarning("gateway", notified.message());
  }
  LogInfo("gateway",
          absl::StrCat("received ", strsignal(signal_number),
                       ": not ready (readyz 503, gRPC health NOT_SERVING); "
                       "closing listeners in ",
                       absl::FormatDuration(drain_delay)));
  absl::SleepFor(drain_delay);
  LogInfo("gateway", "draining in-flight calls and queued writes");
  server->Shutdown(absl::Seconds(10));
  LogInfo("gateway", "stopped cleanly");
  return absl::OkStatus();
}

}  // namespace nhs::tobacco::server
