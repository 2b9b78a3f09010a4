#include "gateway/server/run_gateway.h"

#include <signal.h>

#include "absl/strings/str_cat.h"
#include "gateway/common/log.h"
#include "gateway/common/status_macros.h"
#include "gateway/server/gateway_server.h"
#include "gateway/server/service_notify.h"

namespace nhs::tobacco::server {

absl::Status RunGateway(const v1::GatewayConfig& config) {
  // Block the stop signals in every thread (threads inherit the mask) and
  // wait for them synchronously here: no async-signal-safety puzzles.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  ASSIGN_OR_RETURN(std::unique_ptr<GatewayServer> server,
                   GatewayServer::Start(config));
  LogInfo("tobacco-gateway ready");
  if (absl::Status notified = NotifyReady(); !notified.ok()) {
    LogWarning(notified.message());
  }
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  if (absl::Status notified = NotifyStopping(); !notified.ok()) {
    LogWarning(notified.message());
  }
  LogInfo(absl::StrCat("received ", strsignal(signal_number),
                       ": draining in-flight calls and queued writes"));
  server->Shutdown(absl::Seconds(10));
  LogInfo("tobacco-gateway stopped cleanly");
  return absl::OkStatus();
}

}  // namespace nhs::tobacco::server
