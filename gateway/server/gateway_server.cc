#include "gateway/server/gateway_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include <algorithm>
#include <functional>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "adapters/fhir/https_listener.h"
#include "adapters/fhir/systems.h"
#include "gateway/api/admin_grpc_service.h"
#include "gateway/api/caller.h"
#include "gateway/api/fhir_process_message_edge.h"
#include "gateway/api/formulary_grpc_service.h"
#include "gateway/api/outcome_grpc_service.h"
#include "gateway/api/prescription_grpc_service.h"
#include "gateway/api/referral_grpc_service.h"
#include "gateway/api/report_grpc_service.h"
#include "gateway/api/request_log_interceptor.h"
#include "gateway/api/safety_alert_grpc_service.h"
#include "gateway/api/stream_slots.h"
#include "gateway/common/error_reason.h"
#include "gateway/common/log.h"
#include "gateway/common/status_macros.h"
#include "gateway/console/console_principal_source.h"
#include "gateway/console/console_sessions.h"
#include "gateway/console/console_site.h"
#include "gateway/console/session_routes.h"
#include "gateway/delivery/delivery_dispatcher.h"
#include "gateway/delivery/mesh_inbox_poller.h"
#include "gateway/delivery/outbound_transports.h"
#include "gateway/delivery/transport_sender.h"
#include "gateway/domain/referrer_registry.h"
#include "gateway/domain/safety_alert_rules.h"
#include "gateway/jsonapi/certificate_principal_source.h"
#include "gateway/jsonapi/json_api.h"
#include "gateway/jsonapi/json_errors.h"
#include "gateway/jsonapi/openapi_document.h"
#include "gateway/jsonapi/server_sent_events.h"
#include "gateway/jsonapi/use_case_bindings.h"
#include "gateway/metrics/certificate_expiry.h"
#include "gateway/metrics/gateway_metrics.h"
#include "gateway/metrics/grpc_metrics_interceptor.h"
#include "gateway/metrics/hl7_labels.h"
#include "gateway/pathway/operations_snapshot.h"
#include "gateway/server/admin_endpoint.h"
#include "gateway/server/audit_checkpointer.h"
#include "gateway/server/audit_keys.h"
#include "gateway/server/config_migration.h"
#include "gateway/server/deadline_scanner.h"
#include "gateway/server/hl7_inbound.h"
#include "gateway/server/readiness.h"
#include "gateway/server/tls_credentials.h"
#include "gateway/server/tls_file_watch.h"
#include "gateway/store/store_metrics.h"
#include "nhs/tobacco/v1/admin_service.grpc.pb.h"
#include "nhs/tobacco/v1/formulary_service.grpc.pb.h"
#include "nhs/tobacco/v1/outcome_service.grpc.pb.h"
#include "nhs/tobacco/v1/prescription_service.grpc.pb.h"
#include "nhs/tobacco/v1/referral_service.grpc.pb.h"
#include "nhs/tobacco/v1/report_service.grpc.pb.h"
#include "nhs/tobacco/v1/safety_alert_service.grpc.pb.h"

namespace nhs::tobacco::server {

absl::StatusOr<std::unique_ptr<GatewayServer>> GatewayServer::Start(
    const v1::GatewayConfig& given, GatewayServerOptions options) {
  // Debian's Abseil is built with Mutex deadlock detection on, which records
  // a lock graph on every acquisition: a debugging aid that costs a few per
  // cent of the hot path. Lock order is kept by design and by tests.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  ASSIGN_OR_RETURN(const v1::GatewayConfig config, WithRegistry(given));
  // Before any listener serves: every refusal names this domain.
  SetErrorDomain(config.error_domain());
  auto server = std::unique_ptr<GatewayServer>(new GatewayServer());
  server->metrics_ = std::make_unique<metrics::GatewayMetrics>();
  RETURN_IF_ERROR(server->OpenStore(config));
  RETURN_IF_ERROR(server->StartAuditChain(config));
  ASSIGN_OR_RETURN(server->transports_,
                   delivery::OutboundTransports::FromConfig(config));
  RETURN_IF_ERROR(server->BuildPathway(config, *options.clock));
  server->StartDelivery(config, *options.clock);
  RETURN_IF_ERROR(server->StartGrpc(config, options));
  RETURN_IF_ERROR(server->StartFhir(config));
  const absl::Duration scan_interval =
      absl::Seconds(config.deadlines().scan_interval_seconds());
  // One instance scans at a time; a dead one's lease runs out after three
  // missed passes (at least 30 s).
  server->scan_lease_ = std::make_unique<pathway::JobLease>(
      *server->store_, *options.clock, "deadline_scan", pathway::InstanceName(),
      std::max(3 * scan_interval, absl::Seconds(30)));
  server->scanner_ = std::make_unique<DeadlineScanner>(
      *server->deadline_scan_, scan_interval, server->scan_lease_.get());
  LogInfo("grpc", absl::StrCat("listening on ", config.grpc().address(),
                               " (port ", server->port_, ")"));
  RETURN_IF_ERROR(server->StartMllp(config, *options.clock));
  RETURN_IF_ERROR(server->StartAdmin(config));
  server->StartTlsFileWatch(config);
  return server;
}

absl::StatusOr<v1::GatewayConfig> GatewayServer::WithRegistry(
    const v1::GatewayConfig& given) {
  // A config from LoadConfig is already migrated (this is then a no-op);
  // one built in code may still use the deprecated keys.
  v1::GatewayConfig config = given;
  MigrationReport migration;
  RETURN_IF_ERROR(MigrateDeprecatedKeys(config, migration));
  return config;
}

absl::Status GatewayServer::OpenStore(const v1::GatewayConfig& config) {
  ASSIGN_OR_RETURN(store_, store::OpenStore(config.store()));
  // Opening migrated the schema (or failed above).
  store::StoreMetricsSource* counts =
      dynamic_cast<store::StoreMetricsSource*>(store_.get());
  if (counts != nullptr) {
    metrics::GatewayMetrics* m = metrics_.get();
    counts->SetCommitObserver([m](absl::Duration took, int batch_size) {
      m->RecordCommit(took, batch_size);
    });
  }
  snapshot_reader_ = std::make_unique<pathway::OperationsSnapshotReader>(
      *store_, counts, Clock::Real());
  hub_ = std::make_unique<pathway::EventHub>();
  // Before any listener starts: every streaming edge takes its slots here.
  stream_slots_ = std::make_unique<api::StreamSlots>(
      config.grpc().max_watch_streams(),
      config.grpc().max_watch_streams_per_organisation(),
      "grpc.max_watch_streams", "grpc.max_watch_streams_per_organisation");
  // Watchers resume from what is already committed.
  int64_t latest = 0;
  RETURN_IF_ERROR(store_->Read([&](store::ReadTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(latest, tx.LatestEventSequence());
    return absl::OkStatus();
  }));
  hub_->Publish(latest);
  return absl::OkStatus();
}

absl::Status GatewayServer::StartAuditChain(const v1::GatewayConfig& config) {
  ASSIGN_OR_RETURN(audit_keys_,
                   LoadAuditKeys(config.audit(), config.store().data_dir()));
  const int interval = config.audit().checkpoint_interval_seconds();
  checkpointer_ = std::make_unique<AuditCheckpointer>(
      *store_, AuditCheckpointPath(config.audit(), config.store().data_dir()),
      absl::Seconds(interval > 0 ? interval : 300));
  return absl::OkStatus();
}

absl::Status GatewayServer::BuildPathway(const v1::GatewayConfig& config,
                                         const Clock& clock) {
  ASSIGN_OR_RETURN(domain::Formulary formulary,
                   domain::Formulary::FromConfig(config.formulary()));
  ASSIGN_OR_RETURN(domain::DeadlinePolicy deadlines,
                   domain::DeadlinePolicy::FromConfig(config.deadlines()));
  pathway::PathwayOptions pathway_options;
  pathway_options.max_page_size = config.limits().max_page_size();
  pathway_options.max_text_length = config.limits().max_text_length();
  pathway_options.cyp1a2_medicines.assign(config.cyp1a2_medicines().begin(),
                                          config.cyp1a2_medicines().end());
  pathway_options.routes = transports_->routes();
  pathway_options.referrers = domain::ReferrerRegistry::FromConfig(config);
  pathway_options.decline_reasons =
      domain::ReasonCodeList::FromConfig(config.decline_reasons());
  pathway_options.not_supplied_reasons =
      domain::ReasonCodeList::FromConfig(config.not_supplied_reasons());
  pathway_options.follow_up =
      domain::FollowUpWindows::FromConfig(config.follow_up());
  // safety: how long a CYP1A2 safety alert waits for a person.
  pathway_options.safety_acknowledge_within =
      domain::AcknowledgeWithin(config.safety().acknowledge_within_hours(),
                                config.safety().acknowledge_within_seconds());
  deadline_scan_ = std::make_unique<pathway::DeadlineScan>(
      *store_, deadlines, pathway_options.routes, clock, audit_keys_,
      config.deadlines().chase_gp_on_overdue());
  pathway::DeliveryPathwayOptions delivery_options;
  delivery_options.max_page_size = pathway_options.max_page_size;
  delivery_options.max_text_length = pathway_options.max_text_length;
  delivery_options.retry.max_attempts = config.delivery().max_attempts();
  delivery_options.retry.initial_backoff =
      absl::Milliseconds(config.delivery().initial_backoff_ms());
  delivery_options.retry.max_backoff =
      absl::Milliseconds(config.delivery().max_backoff_ms());
  delivery_options.routes = pathway_options.routes;
  if (transports_->mesh() != nullptr) {
    delivery_options.acknowledgements = transports_->mesh()->deadlines();
  }
  pathway_options.read_audit_fail_closed =
      config.store().read_audit_fail_closed();
  writes_ = std::make_unique<pathway::AuditedWrites>(
      *store_, clock, audit_keys_, pathway_options.read_audit_fail_closed);
  referrals_ =
      std::make_unique<pathway::ReferralPathway>(*writes_, pathway_options);
  prescriptions_ = std::make_unique<pathway::PrescriptionPathway>(
      *writes_, formulary, deadlines, pathway_options);
  formulary_ = std::make_unique<pathway::FormularyPathway>(*writes_, formulary);
  outcomes_ =
      std::make_unique<pathway::OutcomePathway>(*writes_, pathway_options);
  safety_alerts_ =
      std::make_unique<pathway::SafetyAlertPathway>(*writes_, pathway_options);
  care_ = std::make_unique<pathway::CarePathway>(*writes_, pathway_options);
  // reports (issue 14): the registry's names and ICB mapping, the
  // follow-up windows and the deadline calendar.
  reports_ = std::make_unique<pathway::ReportPathway>(
      *writes_, pathway::ReportOptions::FromConfig(config, deadlines));
  delivery_ = std::make_unique<pathway::DeliveryPathway>(
      *store_, deadlines, std::move(delivery_options), clock, audit_keys_);
  const std::string checkpoints =
      AuditCheckpointPath(config.audit(), config.store().data_dir());
  audit_ = std::make_unique<pathway::AuditPathway>(
      *store_, clock, audit_keys_,
      pathway::AuditCheckpointSource{checkpoints, [checkpoints] {
                                       return ReadCheckpointFile(checkpoints);
                                     }});
  return absl::OkStatus();
}

void GatewayServer::StartDelivery(const v1::GatewayConfig& config,
                                  const Clock& clock) {
  delivery::DispatcherOptions dispatch;
  dispatch.workers = config.delivery().workers();
  dispatch.max_in_flight_per_destination =
      config.delivery().max_in_flight_per_destination();
  dispatch.poll_interval =
      absl::Milliseconds(config.delivery().poll_interval_ms());
  dispatch.retention =
      absl::Hours(24) * config.delivery().delivered_retention_days();
  dispatch.release_claims_at_start =
      config.store().postgres().conninfo().empty();
  // Retention: one instance prunes each hour (a lease of two hours, renewed
  // by each prune of its holder).
  retention_lease_ = std::make_unique<pathway::JobLease>(
      *store_, clock, "outbox_retention", pathway::InstanceName(),
      absl::Hours(2));
  dispatch.may_prune = [lease = retention_lease_.get()] {
    absl::StatusOr<bool> held = lease->Hold();
    if (!held.ok()) {
      LogWarning("delivery", absl::StrCat("cannot take the retention lease: ",
                                          held.status().message()));
      return false;
    }
    return *held;
  };
  sender_ = std::make_unique<delivery::TransportSender>(*transports_);
  dispatcher_ = std::make_unique<delivery::DeliveryDispatcher>(
      *delivery_, *sender_, clock, dispatch);
  pathway::EventHub* hub = hub_.get();
  delivery::DeliveryDispatcher* dispatcher = dispatcher_.get();
  // Every commit that queued a message also appended an event.
  store_->SetCommitListener([hub, dispatcher](int64_t sequence) {
    hub->Publish(sequence);
    dispatcher->Wake();
  });
  delivery_paused_ = config.delivery().paused();
  if (config.delivery().paused()) {
    LogWarning(
        "delivery",
        "delivery.paused is true: outbound messages queue but are not sent");
  } else {
    dispatcher_->Start();
  }
  // MESH (issue 17): one instance reads the acknowledgements; a dead one's
  // lease runs out after three missed polls (at least 30 s).
  if (delivery::MeshTransport* mesh = transports_->mesh(); mesh != nullptr) {
    mesh_lease_ = std::make_unique<pathway::JobLease>(
        *store_, clock, "mesh_inbox", pathway::InstanceName(),
        std::max(3 * mesh->poll_interval(), absl::Seconds(30)));
    mesh_poller_ = std::make_unique<delivery::MeshInboxPoller>(
        *mesh, *delivery_, mesh_lease_.get());
    mesh_poller_->Start();
  }
}

absl::Status GatewayServer::StartGrpc(const v1::GatewayConfig& config,
                                      const GatewayServerOptions& options) {
  const bool insecure = !config.grpc().has_tls();
  std::shared_ptr<grpc::ServerCredentials> credentials;
  if (!insecure) {
    ASSIGN_OR_RETURN(
        credentials,
        MutualTlsCredentials(config.grpc().tls(), TlsReloadInterval(config)));
  } else if (config.grpc().allow_insecure()) {
    LogWarning(
        "grpc",
        "!!! gRPC is listening WITHOUT TLS and WITHOUT client certificates "
        "(grpc.allow_insecure is true): every caller is unrestricted. "
        "Development only: never carry patient data over this listener. !!!");
    credentials = grpc::InsecureServerCredentials();
  } else {
    return absl::FailedPreconditionError(
        "grpc: set grpc.tls (mutual TLS) or, for development only, "
        "grpc.allow_insecure: true");
  }
  guard_ = std::make_unique<api::CallerGuard>(
      insecure, config.grpc().per_principal_rate_limit());
  api::CallerGuard& guard = *guard_;
  services_.push_back(
      std::make_unique<api::ReferralGrpcService>(*referrals_, *care_, guard));
  services_.push_back(std::make_unique<api::PrescriptionGrpcService>(
      *prescriptions_, *hub_, *stream_slots_, guard));
  services_.push_back(
      std::make_unique<api::OutcomeGrpcService>(*outcomes_, guard));
  services_.push_back(
      std::make_unique<api::SafetyAlertGrpcService>(*safety_alerts_, guard));
  services_.push_back(
      std::make_unique<api::AdminGrpcService>(*audit_, *delivery_, guard));
  services_.push_back(
      std::make_unique<api::FormularyGrpcService>(*formulary_, guard));
  services_.push_back(
      std::make_unique<api::ReportGrpcService>(*reports_, guard));

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config.grpc().address(), credentials, &port_);
  builder.SetMaxReceiveMessageSize(config.grpc().max_receive_message_bytes());
  // Slow or idle clients cannot hold resources: the TLS handshake must
  // finish in time, idle connections are closed, and each connection may
  // carry a bounded number of concurrent calls.
  builder.AddChannelArgument(GRPC_ARG_SERVER_HANDSHAKE_TIMEOUT_MS,
                             config.grpc().handshake_timeout_ms());
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS,
                             config.grpc().max_connection_idle_ms());
  builder.AddChannelArgument(
      GRPC_ARG_MAX_CONCURRENT_STREAMS,
      config.grpc().max_concurrent_streams_per_connection());
  // Clients' keepalive pings (tobaccoctl pings every 20 s, so a watch on a
  // dead connection fails within about 30 s): accepted down to every 10 s,
  // with or without calls, instead of gRPC's default of one per 5 minutes,
  // past which the server would answer GOAWAY "too_many_pings".
  builder.AddChannelArgument(
      GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  // One event per call (method, code, duration, the request's ids): what
  // an operator follows a caller's request by (README "Logs"); and every
  // call counted and timed for /metrics. SetInterceptorCreators takes the
  // one list.
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(api::MakeRequestLogInterceptorFactory());
  interceptors.push_back(
      std::make_unique<metrics::GrpcMetricsInterceptorFactory>(*metrics_));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  for (auto& service : services_) builder.RegisterService(service.get());
  for (grpc::Service* extra : options.extra_services) {
    builder.RegisterService(extra);
  }
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen for gRPC on ", config.grpc().address(),
                     " (address in use or not local?)"));
  }
  // Health by service name as well as overall (""), so a client or a
  // balancer can ask about the one service it uses; all go NOT_SERVING
  // together in BeginDrain().
  for (const char* name : {v1::ReferralService::service_full_name(),
                           v1::PrescriptionService::service_full_name(),
                           v1::OutcomeService::service_full_name(),
                           v1::SafetyAlertService::service_full_name(),
                           v1::AdminService::service_full_name(),
                           v1::FormularyService::service_full_name(),
                           v1::ReportService::service_full_name()}) {
    server_->GetHealthCheckService()->SetServingStatus(name, true);
  }
  if (config.grpc().has_tls()) {
    certificates_.emplace_back("grpc", config.grpc().tls().cert_file());
  }
  return absl::OkStatus();
}

absl::Status GatewayServer::StartFhir(const v1::GatewayConfig& config) {
  if (!config.has_fhir()) return absl::OkStatus();
  fhir_edge_ = std::make_unique<api::FhirProcessMessageEdge>(
      *prescriptions_, config.fhir().public_endpoint(),
      config.fhir().per_principal_rate_limit());

  fhir::HttpsListenerOptions fhir_options;
  fhir_options.address = config.fhir().address();
  // fhir.tls, the TLS block every listener shares (the deprecated
  // tls_cert_path etc. were migrated into it).
  const v1::TlsConfig& tls = config.fhir().tls();
  fhir_options.tls_cert_path = tls.cert_file();
  fhir_options.tls_key_path = tls.key_file();
  fhir_options.client_ca_path = tls.client_ca_file();
  fhir_options.crl_directory = tls.crl_directory();
  fhir_options.max_body_bytes = config.fhir().max_body_bytes();
  // fhir.limits and the header limits, enforced while reading (issue 11).
  // Zero (a config built in code, without LoadConfig's defaults) keeps the
  // listener's own default.
  const v1::FhirListenerConfig& fhir = config.fhir();
  const v1::ConnectionLimitsConfig& limits = fhir.limits();
  const auto set = [](auto& field, auto value) {
    if (value > 0) field = value;
  };
  const auto set_ms = [](absl::Duration& field, int32_t ms) {
    if (ms > 0) field = absl::Milliseconds(ms);
  };
  set(fhir_options.max_header_bytes, fhir.max_header_bytes());
  set(fhir_options.max_header_count, fhir.max_header_count());
  set(fhir_options.threads, fhir.io_threads());
  set(fhir_options.stream_buffer_bytes,
      static_cast<size_t>(fhir.stream_buffer_bytes()));
  set(fhir_options.max_connections, limits.max_connections());
  set(fhir_options.max_connections_per_peer, limits.max_connections_per_peer());
  set_ms(fhir_options.reply_timeout, fhir.reply_timeout_ms());
  set_ms(fhir_options.request_deadline, limits.request_deadline_ms());
  set_ms(fhir_options.handshake_timeout, limits.handshake_timeout_ms());
  set_ms(fhir_options.idle_timeout, limits.idle_timeout_ms());
  fhir_options.proxy_protocol = limits.proxy_protocol();
  fhir_options.trusted_proxy_networks.assign(
      limits.trusted_proxy_networks().begin(),
      limits.trusted_proxy_networks().end());
  ASSIGN_OR_RETURN(http::Mount json_api, StartJsonApi(config));
  fhir_options.mounts.push_back(std::move(json_api));
  fhir_options.mounts.push_back(StartConsole(config));
  // GET /fhir/metadata: the events FhirProcessMessageEdge accepts.
  fhir_options.capability.endpoint = config.fhir().public_endpoint();
  fhir_options.capability.received_events = {fhir::kEventDecision,
                                             fhir::kEventDispense};
  fhir_options.capability.date = absl::Now();
  metrics::GatewayMetrics* m = metrics_.get();
  fhir_edge_->SetObserver([m](std::string_view event, int status) {
    // Debian's Abseil has its own string_view.
    m->RecordFhirInbound(absl::string_view(event.data(), event.size()), status);
  });
  has_fhir_ = true;
  if (!tls.cert_file().empty()) {
    certificates_.emplace_back("fhir", tls.cert_file());
  }
  api::FhirProcessMessageEdge* edge = fhir_edge_.get();
  ASSIGN_OR_RETURN(fhir_listener_,
                   fhir::HttpsListener::Start(
                       fhir_options, [edge](const fhir::InboundMessage& message,
                                            fhir::Respond respond) {
                         edge->Handle(message, std::move(respond));
                       }));
  fhir_port_ = fhir_listener_->port();
  LogInfo("fhir",
          absl::StrCat("$process-message listening on https://",
                       config.fhir().address(), " (port ", fhir_port_, ")"));
  return absl::OkStatus();
}

absl::StatusOr<http::Mount> GatewayServer::StartJsonApi(
    const v1::GatewayConfig& config) {
  http_principals_ = std::make_unique<jsonapi::CertificatePrincipalSource>(
      config.fhir().json_api_rate_limit());
  // identity (issue 13): a browser's request passes the console's checks
  // (same origin, anti-CSRF token) and names the session's person; a
  // program's passes straight through to the certificate.
  const v1::ConsoleConfig& c = config.console();
  console::ConsoleSessionOptions sessions;
  if (c.session_idle_timeout_seconds() > 0) {
    sessions.idle_timeout = absl::Seconds(c.session_idle_timeout_seconds());
  }
  if (c.session_max_age_seconds() > 0) {
    sessions.max_age = absl::Seconds(c.session_max_age_seconds());
  }
  if (c.max_sessions() > 0) sessions.max_sessions = c.max_sessions();
  console_sessions_ =
      std::make_unique<console::ConsoleSessions>(sessions, Clock::Real());
  console_principals_ = std::make_unique<console::ConsolePrincipalSource>(
      *http_principals_, *console_sessions_,
      std::vector<std::string>(c.allowed_origins().begin(),
                               c.allowed_origins().end()));
  jsonapi::MethodBindings bindings = jsonapi::BindUseCases(
      {*referrals_, *care_, *prescriptions_, *outcomes_, *safety_alerts_,
       *formulary_, *audit_, *delivery_, *reports_});
  // GET /v1/events: WatchEvents as server-sent events, under the server's
  // one StreamSlots (the caps gRPC Watch streams count against too).
  jsonapi::ServerSentEventsOptions events_options;
  if (config.fhir().event_keep_alive_seconds() > 0) {
    events_options.keep_alive =
        absl::Seconds(config.fhir().event_keep_alive_seconds());
  }
  server_sent_events_ = std::make_unique<jsonapi::ServerSentEvents>(
      *prescriptions_, *hub_, *stream_slots_, events_options);
  bindings.streaming["nhs.tobacco.v1.PrescriptionService.WatchEvents"] =
      [events = server_sent_events_.get()](
          const pathway::Caller& caller,
          std::unique_ptr<google::protobuf::Message> request,
          const http::Request& http_request, http::Responder responder) {
        events->Watch(caller, std::move(request), http_request,
                      std::move(responder));
      };
  ASSIGN_OR_RETURN(json_api_, jsonapi::JsonApi::Create(*console_principals_,
                                                       std::move(bindings)));
  // Made once from the same annotations as the routes; "/" = relative to
  // where it was fetched, so it holds behind a proxy.
  auto document = std::make_shared<const std::string>(
      jsonapi::OpenApiDocument(jsonapi::JsonApi::GatewayServices(), "/"));
  json_api_->AddStaticRoute(
      "GET", "/v1/openapi.json",
      [document](http::Request, http::Responder responder) {
        http::Response response;
        response.body = *document;
        jsonapi::AddApiHeaders(response);
        responder.Send(std::move(response));
      });
  return json_api_->MakeMount();
}

http::Mount GatewayServer::StartConsole(const v1::GatewayConfig& config) {
  console_site_ =
      std::make_unique<console::ConsoleSite>(console::ConsoleSiteOptions{
          domain::ReasonCodeList::FromConfig(config.decline_reasons()),
          domain::ReasonCodeList::FromConfig(config.not_supplied_reasons())});
  session_routes_ = std::make_unique<console::SessionRoutes>(
      *console_principals_, *console_sessions_);
  console::SessionRoutes* routes = session_routes_.get();
  console_site_->AddApiRoute(
      std::string(console::kSessionPath),
      [routes](http::Request request, http::Responder responder) {
        routes->Handle(request, std::move(responder));
      });
  const console::ConsoleSite* site = console_site_.get();
  return http::Mount{"/console/",
                     [site](http::Request request, http::Responder responder) {
                       site->Handle(std::move(request), std::move(responder));
                     },
                     console::ConsoleSite::ErrorPage};
}

absl::Status GatewayServer::StartMllp(const v1::GatewayConfig& config,
                                      const Clock& clock) {
  if (!config.has_mllp()) return absl::OkStatus();
  metrics::GatewayMetrics* m = metrics_.get();
  ASSIGN_OR_RETURN(
      hl7_, Hl7Inbound::Start(
                config.mllp(), config.organisations(), *referrals_, clock,
                [m](const std::string& message)
                    -> std::function<void(const std::string&)> {
                  return [m, trigger = metrics::Hl7TriggerLabel(message)](
                             const std::string& ack) {
                    m->RecordHl7Inbound(trigger, metrics::Hl7AckCodeLabel(ack));
                  };
                }));
  has_mllp_ = true;
  if (config.mllp().has_tls()) {
    certificates_.emplace_back("mllp", config.mllp().tls().cert_file());
  }
  return absl::OkStatus();
}

absl::Status GatewayServer::StartAdmin(const v1::GatewayConfig& config) {
  // The store probe: an empty write transaction through the port, every
  // second, failing after 2 s without an answer.
  store::Store* db = store_.get();
  store_probe_ = std::make_unique<StoreWriteProbe>(
      [db](std::function<void(absl::Status)> done) {
        db->Write([](store::WriteTransaction&) { return absl::OkStatus(); },
                  std::move(done));
      },
      absl::Seconds(1), absl::Seconds(2));
  Readiness::Ports ports;
  StoreWriteProbe* probe = store_probe_.get();
  // A full database passes the empty probe (it needs no page) while every
  // real write fails: asked of the store itself.
  const store::StoreMetricsSource* space =
      dynamic_cast<const store::StoreMetricsSource*>(store_.get());
  ports.store = [probe, space]() -> absl::Status {
    if (space != nullptr && space->full()) {
      return absl::ResourceExhaustedError(
          "the database is full (store.max_database_mb reached or the disk "
          "is full): writes fail until space is freed or the cap raised");
    }
    return probe->Latest();
  };
  ports.listeners = [this] {
    std::vector<std::pair<std::string, bool>> up;
    up.emplace_back("grpc", server_ != nullptr);
    if (has_fhir_) up.emplace_back("fhir", fhir_listener_ != nullptr);
    if (has_mllp_) {
      up.emplace_back("mllp", hl7_ != nullptr && hl7_->port() > 0);
    }
    return up;
  };
  ports.delivery = [this] {
    const delivery::DeliveryDispatcher* d = dispatcher_.get();
    if (d == nullptr) return absl::UnavailableError("no outbox dispatcher");
    // A claim may wait out the store's busy timeout; a loop silent for
    // much longer than that and its poll interval is stuck.
    return DeliveryLiveness(
        d->running(), delivery_paused_, d->last_cycle(), absl::Now(),
        std::max(absl::Seconds(30), 20 * d->poll_interval()));
  };
  readiness_ = std::make_unique<Readiness>(std::move(ports));
  readiness_->SetMigrationsDone();
  // /readyz is accurate from the first request.
  store_probe_->AwaitFirst(absl::Seconds(3));
  if (config.admin().disabled() || config.admin().address().empty()) {
    return absl::OkStatus();
  }
  if (config.admin().has_tls()) {
    certificates_.emplace_back("admin", config.admin().tls().cert_file());
  }
  ASSIGN_OR_RETURN(admin_,
                   AdminEndpoint::Start(config.admin(), *readiness_,
                                        [this] { return MetricsText(); }));
  admin_tls_ = config.admin().has_tls();
  LogInfo(
      "admin",
      absl::StrCat("admin endpoint (/healthz, /readyz, /metrics) on ",
                   config.admin().has_tls() ? "https://" : "http://",
                   config.admin().address(), " (port ", admin_->port(), ")"));
  return absl::OkStatus();
}

std::string GatewayServer::MetricsText() const {
  metrics::ScrapeInputs inputs;
  inputs.now = absl::Now();
  inputs.snapshot = snapshot_reader_->Read();
  for (const ReadinessCheck& check : readiness_->Check().checks) {
    inputs.readiness.emplace_back(check.name, check.ok);
  }
  for (const auto& [listener, path] : certificates_) {
    inputs.certificates.emplace_back(metrics::CertificateFile{listener, path},
                                     metrics::CertificateNotAfter(path));
  }
  return metrics_->Exposition(inputs);
}

int GatewayServer::admin_port() const {
  return admin_ == nullptr ? 0 : admin_->port();
}

void GatewayServer::BeginDrain() {
  if (readiness_ != nullptr) readiness_->SetDraining();
  // Every service by name and the server as a whole.
  if (server_ != nullptr) {
    server_->GetHealthCheckService()->SetServingStatus(false);
  }
}

void GatewayServer::Shutdown(absl::Duration grace) {
  if (shut_down_) return;
  shut_down_ = true;
  // Before the listeners it reloads.
  tls_watch_.reset();
  BeginDrain();
  // The admin listener reads the members below: it goes first, with the
  // probe that writes through the store.
  admin_.reset();
  readiness_.reset();
  store_probe_.reset();
  if (hl7_ != nullptr) hl7_->StopListening();
  scanner_.reset();
  mesh_poller_.reset();
  // Sends in flight finish and their results are recorded before the store
  // closes; what was not claimed waits durably for the next start.
  if (dispatcher_ != nullptr) dispatcher_->Stop();
  // In-flight FHIR requests finish (their replies need the store) before the
  // store closes.
  fhir_listener_.reset();
  fhir_edge_.reset();
  json_api_.reset();
  // After the listener: its Stop() ended every event stream.
  server_sent_events_.reset();
  console_site_.reset();
  session_routes_.reset();
  console_principals_.reset();
  console_sessions_.reset();
  http_principals_.reset();
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  server_->Wait();
  // The store's destructor commits every write still queued.
  server_.reset();
  services_.clear();
  {
    // The store's last commits must not wake a dispatcher that is gone.
    pathway::EventHub* hub = hub_.get();
    store_->SetCommitListener(
        [hub](int64_t sequence) { hub->Publish(sequence); });
  }
  dispatcher_.reset();
  delivery_.reset();
  audit_.reset();
  deadline_scan_.reset();
  // The last checkpoint, after every audit row queued so far.
  checkpointer_.reset();
  snapshot_reader_.reset();
  store_.reset();
  hub_.reset();
  hl7_.reset();
  // After the store: its last commits answer through the use cases.
  referrals_.reset();
  prescriptions_.reset();
  outcomes_.reset();
  reports_.reset();
  writes_.reset();
}

int GatewayServer::mllp_port() const {
  return hl7_ == nullptr ? 0 : hl7_->port();
}

GatewayServer::~GatewayServer() {
  if (server_ != nullptr) Shutdown();
}

}  // namespace nhs::tobacco::server
