// GatewayServer's certificate and CRL rotation: ReloadTls() and the file
// watch that calls it (README "Certificate and CRL rotation"). Apart from
// gateway_server.cc because it is one concern the listeners share.
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "adapters/fhir/https_listener.h"
#include "gateway/common/log.h"
#include "gateway/server/admin_endpoint.h"
#include "gateway/server/gateway_server.h"
#include "gateway/server/hl7_inbound.h"
#include "gateway/server/tls_file_watch.h"

namespace nhs::tobacco::server {
namespace {

// gRPC's provider and the file watch look this often unless configured.
constexpr absl::Duration kDefaultTlsReloadInterval = absl::Seconds(60);

void AddFiles(const v1::TlsConfig& tls, std::vector<std::string>& paths) {
  for (const std::string& path : {tls.cert_file(), tls.key_file(),
                                  tls.client_ca_file(), tls.crl_directory()}) {
    if (!path.empty()) paths.push_back(path);
  }
}

}  // namespace

absl::Duration GatewayServer::TlsReloadInterval(
    const v1::GatewayConfig& config) {
  const int seconds = config.tls_reload().interval_seconds();
  return seconds > 0 ? absl::Seconds(seconds) : kDefaultTlsReloadInterval;
}

absl::Status GatewayServer::ReloadTls() {
  std::vector<std::string> reloaded;
  std::vector<std::string> errors;
  absl::StatusCode code = absl::StatusCode::kOk;
  const auto reload = [&](absl::string_view name, absl::Status status) {
    if (status.ok()) {
      reloaded.emplace_back(name);
      return;
    }
    if (code == absl::StatusCode::kOk) code = status.code();
    errors.emplace_back(status.message());
  };
  // Each listener on its own: one bad file does not hold the others back.
  if (fhir_listener_ != nullptr) reload("https", fhir_listener_->ReloadTls());
  if (hl7_ != nullptr) reload("mllp", hl7_->ReloadTls());
  if (admin_ != nullptr && admin_tls_) {
    reload("admin", admin_->ReloadTls());
  }
  if (!reloaded.empty()) {
    LogInfo("tls", absl::StrCat("TLS reloaded (certificate, key, CA, CRLs): ",
                                absl::StrJoin(reloaded, ", ")));
  }
  if (errors.empty()) return absl::OkStatus();
  const absl::Status failed(code, absl::StrJoin(errors, "; "));
  LogError("tls", failed.message());
  return failed;
}

void GatewayServer::StartTlsFileWatch(const v1::GatewayConfig& config) {
  if (config.tls_reload().disable_file_watch()) return;
  std::vector<std::string> paths;
  if (fhir_listener_ != nullptr) AddFiles(config.fhir().tls(), paths);
  if (hl7_ != nullptr && config.mllp().has_tls()) {
    AddFiles(config.mllp().tls(), paths);
  }
  if (admin_ != nullptr && config.admin().has_tls()) {
    AddFiles(config.admin().tls(), paths);
  }
  if (paths.empty()) return;
  std::set<std::string> unique;
  std::vector<std::string> watched;
  for (std::string& path : paths) {
    if (unique.insert(path).second) watched.push_back(std::move(path));
  }
  tls_watch_ = std::make_unique<TlsFileWatch>(std::move(watched),
                                              TlsReloadInterval(config),
                                              [this] { return ReloadTls(); });
  tls_watch_->Start();
}

}  // namespace nhs::tobacco::server
