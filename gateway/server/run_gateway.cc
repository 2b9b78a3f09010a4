#include "gateway/server/run_gateway.h"

#include <signal.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gateway/common/log.h"
#include "gateway/common/status_macros.h"
#include "gateway/server/gateway_server.h"

namespace nhs::tobacco::server {

absl::Status RunGateway(const v1::GatewayConfig& config,
                        absl::Duration drain_delay) {
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
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  // Not ready first, still serving: balancers and Kubernetes stop sending
  // new work before any listener closes under it.
  server->BeginDrain();
  LogInfo(absl::StrCat("received ", strsignal(signal_number),
                       ": not ready (readyz 503, gRPC health NOT_SERVING); "
                       "closing listeners in ",
                       absl::FormatDuration(drain_delay)));
  absl::SleepFor(drain_delay);
  LogInfo("draining in-flight calls and queued writes");
  server->Shutdown(absl::Seconds(10));
  LogInfo("tobacco-gateway stopped cleanly");
  return absl::OkStatus();
}

}  // namespace nhs::tobacco::server
