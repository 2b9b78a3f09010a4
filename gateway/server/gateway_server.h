#ifndef GATEWAY_SERVER_GATEWAY_SERVER_H_
#define GATEWAY_SERVER_GATEWAY_SERVER_H_

#include <grpcpp/server.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/common/clock.h"
#include "gateway/pathway/audit_pathway.h"
#include "gateway/pathway/audited_write.h"
#include "gateway/pathway/care_pathway.h"
#include "gateway/pathway/deadline_scan.h"
#include "gateway/pathway/delivery_pathway.h"
#include "gateway/pathway/event_hub.h"
#include "gateway/pathway/formulary_pathway.h"
#include "gateway/pathway/job_lease.h"
#include "gateway/pathway/outcome_pathway.h"
#include "gateway/pathway/prescription_pathway.h"
#include "gateway/pathway/referral_pathway.h"
#include "gateway/pathway/report_pathway.h"
#include "gateway/pathway/safety_alert_pathway.h"
#include "gateway/security/audit_chain.h"
#include "gateway/store/store.h"
#include "nhs/tobacco/v1/config.pb.h"

namespace nhs::tobacco::fhir {
class HttpsListener;
}
namespace nhs::tobacco::http {
struct Mount;
}
namespace nhs::tobacco::api {
class FhirProcessMessageEdge;
}
namespace nhs::tobacco::jsonapi {
class CertificatePrincipalSource;
class JsonApi;
class ServerSentEvents;
}  // namespace nhs::tobacco::jsonapi
namespace nhs::tobacco::console {
class ConsolePrincipalSource;
class ConsoleSessions;
class ConsoleSite;
class SessionRoutes;
}  // namespace nhs::tobacco::console

namespace nhs::tobacco::api {
class CallerGuard;
class StreamSlots;
}  // namespace nhs::tobacco::api
namespace nhs::tobacco::delivery {
class DeliveryDispatcher;
class MeshInboxPoller;
class MessageSender;
class OutboundTransports;
}  // namespace nhs::tobacco::delivery

namespace nhs::tobacco::metrics {
class GatewayMetrics;
}  // namespace nhs::tobacco::metrics
namespace nhs::tobacco::pathway {
class OperationsSnapshotReader;
}  // namespace nhs::tobacco::pathway

namespace nhs::tobacco::server {

class AdminEndpoint;
class Readiness;
class StoreWriteProbe;

struct GatewayServerOptions {
  const Clock* clock = &Clock::Real();
  // Extra services on the same server (the benchmark's no-op service).
  std::vector<grpc::Service*> extra_services;
};

// The whole gateway built from a validated config: store, pathway, gRPC
// services with health checking and reflection, and the deadline scanner.
// Deprecated config keys are migrated first (config_migration.h), so a
// config built in code may still use them.
// Start() returns once it is serving; Shutdown() stops accepting, lets
// in-flight calls finish within `grace`, then closes the store after every
// queued write is durable.
class GatewayServer {
 public:
  static absl::StatusOr<std::unique_ptr<GatewayServer>> Start(
      const v1::GatewayConfig& config,
      GatewayServerOptions options = GatewayServerOptions());
  ~GatewayServer();

  // The port actually bound (useful with "host:0").
  int port() const { return port_; }
  // The MLLP port bound, or 0 when config.mllp is absent.
  int mllp_port() const;
  // The FHIR HTTPS port actually bound; 0 when config.fhir is absent.
  int fhir_port() const { return fhir_port_; }
  // The admin listener's port (/healthz, /readyz, /metrics); 0 when
  // admin.disabled or no admin.address (a config built in code).
  int admin_port() const;
  // The first step of a graceful stop (SIGTERM): /readyz answers 503 and
  // gRPC health says NOT_SERVING for every service, while every listener
  // still serves, so load balancers move new work away before Shutdown()
  // closes them. Irreversible.
  void BeginDrain();
  metrics::GatewayMetrics& metrics() { return *metrics_; }
  pathway::ReferralUseCases& referrals() { return *referrals_; }
  pathway::PrescriptionUseCases& prescriptions() { return *prescriptions_; }
  pathway::OutcomeUseCases& outcomes() { return *outcomes_; }
  pathway::SafetyAlertUseCases& safety_alerts() { return *safety_alerts_; }
  pathway::CareUseCases& care() { return *care_; }
  pathway::ReportUseCases& reports() { return *reports_; }
  pathway::AuditedWrites& audited_writes() { return *writes_; }
  pathway::DeadlineScan& deadline_scan() { return *deadline_scan_; }
  store::Store& store() { return *store_; }
  void Shutdown(absl::Duration grace = absl::Seconds(10));

  // Certificate and CRL rotation (gateway_tls_reload.cc): every TLS
  // listener other than gRPC (HTTPS: FHIR, JSON API, console; MLLP) loads
  // its certificate, key, CA bundle and CRL folder again; connections
  // accepted from now on use them, open ones keep theirs. A listener whose
  // files cannot be used keeps its previous context, and the error names
  // the listener and the file (the others still reload). gRPC follows its
  // files by itself, within tls_reload.interval_seconds. OK with no TLS
  // listener. For SIGHUP; also called by the file watch.
  absl::Status ReloadTls();

 private:
  GatewayServer() = default;

  // Start()'s steps, in order; each fills its members.
  static absl::StatusOr<v1::GatewayConfig> WithRegistry(
      const v1::GatewayConfig& given);
  absl::Status OpenStore(const v1::GatewayConfig& config);
  // The audit chain's keys (refuses to start without one) and the
  // checkpoints of its head (audit_keys.h, audit_checkpointer.h).
  absl::Status StartAuditChain(const v1::GatewayConfig& config);
  // The use cases the edges and the outbox are given, one per aggregate.
  absl::Status BuildPathway(const v1::GatewayConfig& config,
                            const Clock& clock);
  void StartDelivery(const v1::GatewayConfig& config, const Clock& clock);
  absl::Status StartGrpc(const v1::GatewayConfig& config,
                         const GatewayServerOptions& options);
  absl::Status StartFhir(const v1::GatewayConfig& config);
  // The /v1/ mount of the HTTPS listener: JsonApi over the use cases.
  absl::StatusOr<http::Mount> StartJsonApi(const v1::GatewayConfig& config);
  // The /console/ mount: the console's pages and /console/api/session
  // (after StartJsonApi, which makes the sessions and principal source).
  http::Mount StartConsole(const v1::GatewayConfig& config);
  absl::Status StartMllp(const v1::GatewayConfig& config, const Clock& clock);
  // The file watch of the HTTPS and MLLP listeners (tls_reload), after they
  // started.
  void StartTlsFileWatch(const v1::GatewayConfig& config);
  // tls_reload.interval_seconds, or its default.
  static absl::Duration TlsReloadInterval(const v1::GatewayConfig& config);
  // Last: readiness (its store probe) and the admin listener (issue 15).
  absl::Status StartAdmin(const v1::GatewayConfig& config);
  // The exposition /metrics serves: the counters plus what the store says
  // now and each configured certificate's expiry.
  std::string MetricsText() const;

  // Recorded into by the interceptor, the HL7 and FHIR edges and the
  // store's writer: made first, destroyed last.
  std::unique_ptr<metrics::GatewayMetrics> metrics_;
  // Declared before the store: writes still queued at close seal with it.
  security::AuditKeyRing audit_keys_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<class AuditCheckpointer> checkpointer_;
  std::unique_ptr<pathway::EventHub> hub_;
  // Event stream caps shared by every streaming edge (made with the hub);
  // outlives the services and listeners, whose streams give slots back.
  std::unique_ptr<api::StreamSlots> stream_slots_;
  // The use cases every edge calls, and the audited writes they share.
  std::unique_ptr<pathway::AuditedWrites> writes_;
  std::unique_ptr<pathway::ReferralPathway> referrals_;
  std::unique_ptr<pathway::PrescriptionPathway> prescriptions_;
  std::unique_ptr<pathway::OutcomePathway> outcomes_;
  std::unique_ptr<pathway::FormularyPathway> formulary_;
  // safety: the CYP1A2 safety alerts.
  std::unique_ptr<pathway::SafetyAlertPathway> safety_alerts_;
  std::unique_ptr<pathway::CarePathway> care_;
  // reports (issue 14).
  std::unique_ptr<pathway::ReportPathway> reports_;
  // The outbox (operators' functions and the dispatcher's work), the audit
  // log's readers and the deadline scan: use cases of their own.
  std::unique_ptr<pathway::DeliveryPathway> delivery_;
  std::unique_ptr<pathway::AuditPathway> audit_;
  std::unique_ptr<pathway::DeadlineScan> deadline_scan_;
  // Which instance runs the deadline scan (several on one database).
  std::unique_ptr<pathway::JobLease> scan_lease_;
  std::unique_ptr<pathway::JobLease> retention_lease_;
  // The outbox's workers (config.delivery) and the clients they send with.
  std::unique_ptr<delivery::OutboundTransports> transports_;
  std::unique_ptr<delivery::MessageSender> sender_;
  std::unique_ptr<delivery::DeliveryDispatcher> dispatcher_;
  // MESH (issue 17): the acknowledgements' poller and its lease.
  std::unique_ptr<pathway::JobLease> mesh_lease_;
  std::unique_ptr<delivery::MeshInboxPoller> mesh_poller_;
  std::unique_ptr<api::CallerGuard> guard_;
  std::vector<std::unique_ptr<grpc::Service>> services_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<class DeadlineScanner> scanner_;
  // FHIR $process-message over HTTPS (config.fhir present).
  std::unique_ptr<api::FhirProcessMessageEdge> fhir_edge_;
  // GET /v1/events (server-sent events) on the same listener: outlives it.
  std::unique_ptr<jsonapi::ServerSentEvents> server_sent_events_;
  // The HTTP/JSON API at /v1/ on the same listener (issue 13); both
  // outlive the listener, which calls them.
  std::unique_ptr<jsonapi::CertificatePrincipalSource> http_principals_;
  // identity: the console's sessions and the principal source /v1/ and
  // /console/api/ go through (decorating http_principals_).
  std::unique_ptr<console::ConsoleSessions> console_sessions_;
  std::unique_ptr<console::ConsolePrincipalSource> console_principals_;
  std::unique_ptr<jsonapi::JsonApi> json_api_;
  std::unique_ptr<console::SessionRoutes> session_routes_;
  std::unique_ptr<console::ConsoleSite> console_site_;
  std::unique_ptr<fhir::HttpsListener> fhir_listener_;
  int port_ = 0;
  int fhir_port_ = 0;
  bool shut_down_ = false;
  // HL7 v2 over MLLP (config.mllp): the edge outlives the store because
  // replies for queued writes arrive while the store closes.
  std::unique_ptr<class Hl7Inbound> hl7_;
  // Reloads the listeners above when their files change; stopped first.
  std::unique_ptr<class TlsFileWatch> tls_watch_;
  // Issue 15: what /metrics and /readyz read, and the listener serving them.
  bool delivery_paused_ = false;
  bool has_fhir_ = false;
  bool has_mllp_ = false;
  // Certificate files a scrape reports the expiry of: (listener, path).
  std::vector<std::pair<std::string, std::string>> certificates_;
  std::unique_ptr<pathway::OperationsSnapshotReader> snapshot_reader_;
  std::unique_ptr<StoreWriteProbe> store_probe_;
  std::unique_ptr<Readiness> readiness_;
  std::unique_ptr<AdminEndpoint> admin_;
  // admin.tls is set: ReloadTls() reloads the admin listener too.
  bool admin_tls_ = false;
};

}  // namespace nhs::tobacco::server

#endif  // GATEWAY_SERVER_GATEWAY_SERVER_H_
