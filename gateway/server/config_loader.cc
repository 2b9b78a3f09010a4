#include "gateway/server/config_loader.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "adapters/fhir/message_bundle_reader.h"
#include "gateway/common/log.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/cyp1a2_medicines.h"
#include "gateway/domain/outcome_rules.h"
#include "gateway/server/config_migration.h"
#include "gateway/server/config_validation.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"

namespace nhs::tobacco::server {
namespace {

// Collects text-format parse errors with their line and column.
class ErrorCollector final : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (!errors_.empty()) errors_ += "; ";
    absl::StrAppend(&errors_, "line ", line + 1, " column ", column + 1, ": ",
                    message);
  }
  const std::string& errors() const { return errors_; }

 private:
  std::string errors_;
};

// mllp.limits: unset fields take the listener's older fields or the
// defaults the README states.
void ApplyMllpLimitsDefaults(v1::MllpListenerConfig& mllp) {
  v1::ConnectionLimitsConfig* l = mllp.mutable_limits();
  if (l->max_connections() == 0) {
    l->set_max_connections(mllp.max_connections());
  }
  if (l->max_connections_per_peer() == 0) {
    l->set_max_connections_per_peer(std::min(8, l->max_connections()));
  }
  if (l->handshake_timeout_ms() == 0) l->set_handshake_timeout_ms(10000);
  if (l->request_deadline_ms() == 0) l->set_request_deadline_ms(30000);
  if (l->idle_timeout_ms() == 0) {
    l->set_idle_timeout_ms(int64_t{mllp.idle_timeout_seconds()} * 1000 >
                                   std::numeric_limits<int32_t>::max()
                               ? std::numeric_limits<int32_t>::max()
                               : mllp.idle_timeout_seconds() * 1000);
  }
}

// The audit block: a key id and a checkpoint interval (the key itself has
// no default: config_validation.cc requires one).
void ApplyAuditDefaults(v1::AuditConfig& a) {
  if (a.key_id().empty()) a.set_key_id(a.development_key() ? "dev" : "k1");
  if (a.checkpoint_interval_seconds() == 0) {
    a.set_checkpoint_interval_seconds(300);
  }
}

// safety: a CYP1A2 safety alert waits 48 clock hours for a person's
// acknowledgement unless the config says otherwise.
void ApplySafetyDefaults(v1::SafetyConfig& safety) {
  if (safety.acknowledge_within_hours() == 0 &&
      safety.acknowledge_within_seconds() == 0) {
    safety.set_acknowledge_within_hours(48);
  }
}

// identity (issue 13): console sessions end after 15 idle minutes or a
// 12-hour working day; at most 10000 are held in memory.
void ApplyConsoleDefaults(v1::ConsoleConfig& console) {
  if (console.session_idle_timeout_seconds() == 0) {
    console.set_session_idle_timeout_seconds(900);
  }
  if (console.session_max_age_seconds() == 0) {
    console.set_session_max_age_seconds(43200);
  }
  if (console.max_sessions() == 0) console.set_max_sessions(10000);
}

// The HTTPS listener's limits (issue 11): what one peer may hold, and for
// how long, while it sends.
void DefaultFhirListenerLimits(v1::FhirListenerConfig& fhir) {
  v1::ConnectionLimitsConfig& limits = *fhir.mutable_limits();
  if (limits.max_connections() == 0) limits.set_max_connections(256);
  if (limits.max_connections_per_peer() == 0) {
    limits.set_max_connections_per_peer(32);
  }
  if (limits.handshake_timeout_ms() == 0)
    limits.set_handshake_timeout_ms(10000);
  if (limits.request_deadline_ms() == 0) limits.set_request_deadline_ms(30000);
  if (limits.idle_timeout_ms() == 0) limits.set_idle_timeout_ms(60000);
  if (fhir.max_header_bytes() == 0) fhir.set_max_header_bytes(16 * 1024);
  if (fhir.max_header_count() == 0) fhir.set_max_header_count(64);
  if (fhir.io_threads() == 0) fhir.set_io_threads(4);
  if (fhir.reply_timeout_ms() == 0) fhir.set_reply_timeout_ms(30000);
}

// Server-sent event streams on the HTTPS listener (issue 13, sse).
void DefaultEventStreams(v1::FhirListenerConfig& fhir) {
  if (fhir.stream_buffer_bytes() == 0) fhir.set_stream_buffer_bytes(256 * 1024);
  if (fhir.event_keep_alive_seconds() == 0) {
    fhir.set_event_keep_alive_seconds(15);
  }
}

// GP refusals and silence (issue 12, gp). The reason codes are local: no
// NHS-published code list for declining a recommendation or not supplying
// was found (reference domain.md), so they are marked unconfirmed in the
// README and the sample config, and a commissioner may replace them.
void AddReason(google::protobuf::RepeatedPtrField<v1::ReasonCode>& list,
               const char* code, const char* display) {
  v1::ReasonCode* r = list.Add();
  r->set_code(code);
  r->set_display(display);
}

void ApplyGpRefusalDefaults(v1::GatewayConfig& c) {
  if (c.decline_reasons().empty()) {
    auto& l = *c.mutable_decline_reasons();
    AddReason(l, "CLINICAL_CONTRAINDICATION", "Clinical contraindication");
    AddReason(l, "PATIENT_DECLINED", "Patient declined");
    AddReason(l, "WANTS_TO_SEE_PATIENT", "GP wants to see the patient first");
    AddReason(l, "DOES_NOT_PRESCRIBE_ON_RECOMMENDATION",
              "Practice does not prescribe on recommendation");
    AddReason(l, "DIAGNOSIS_RELATED_CONCERN", "Concern related to diagnosis");
  }
  if (c.not_supplied_reasons().empty()) {
    auto& l = *c.mutable_not_supplied_reasons();
    AddReason(l, "OUT_OF_STOCK", "Product out of stock");
    AddReason(l, "PATIENT_DECLINED", "Patient declined");
    AddReason(l, "NOT_CLINICALLY_SUITABLE",
              "Not clinically suitable (pharmacist's assessment)");
    AddReason(l, "PATIENT_DID_NOT_COLLECT", "Patient did not collect");
  }
  if (!c.deadlines().has_chase_gp_on_overdue()) {
    c.mutable_deadlines()->set_chase_gp_on_overdue(true);
  }
}

// care: an unset follow-up window takes its default (the defaults are
// unconfirmed: domain/outcome_rules.h), written out so the effective
// config shows them.
void ApplyFollowUpDefaults(v1::FollowUpConfig& f) {
  const domain::FollowUpWindows defaults;
  auto fill = [](v1::FollowUpWindow& w, const domain::FollowUpWindow& d) {
    if (w.min_days() == 0 && w.max_days() == 0) {
      w.set_min_days(d.min_days);
      w.set_max_days(d.max_days);
    }
  };
  fill(*f.mutable_week_4(), defaults.week_4);
  fill(*f.mutable_week_12(), defaults.week_12);
  fill(*f.mutable_week_52(), defaults.week_52);
}

void ApplyDefaults(v1::GatewayConfig& c) {
  ApplyAuditDefaults(*c.mutable_audit());
  ApplyGpRefusalDefaults(c);
  ApplyFollowUpDefaults(*c.mutable_follow_up());
  ApplySafetyDefaults(*c.mutable_safety());
  ApplyConsoleDefaults(*c.mutable_console());
  auto* delivery = c.mutable_delivery();
  if (delivery->max_attempts() == 0) delivery->set_max_attempts(12);
  if (delivery->initial_backoff_ms() == 0) {
    delivery->set_initial_backoff_ms(1000);
  }
  if (delivery->max_backoff_ms() == 0) delivery->set_max_backoff_ms(300000);
  if (delivery->max_in_flight_per_destination() == 0) {
    delivery->set_max_in_flight_per_destination(4);
  }
  if (delivery->workers() == 0) delivery->set_workers(8);
  if (delivery->poll_interval_ms() == 0) delivery->set_poll_interval_ms(250);
  if (delivery->mllp_ack_timeout_ms() == 0) {
    delivery->set_mllp_ack_timeout_ms(30000);
  }
  if (delivery->delivered_retention_days() == 0) {
    delivery->set_delivered_retention_days(30);
  }
  // The admin listener (issue 15): on by default, loopback only.
  if (!c.admin().disabled() && c.admin().address().empty()) {
    c.mutable_admin()->set_address("127.0.0.1:9464");
  }
  auto* grpc = c.mutable_grpc();
  if (grpc->address().empty()) grpc->set_address("127.0.0.1:50051");
  if (grpc->max_receive_message_bytes() == 0) {
    grpc->set_max_receive_message_bytes(1 << 20);
  }
  if (grpc->max_watch_streams() == 0) grpc->set_max_watch_streams(256);
  if (grpc->max_watch_streams_per_organisation() == 0) {
    grpc->set_max_watch_streams_per_organisation(32);
  }
  if (grpc->handshake_timeout_ms() == 0) grpc->set_handshake_timeout_ms(5000);
  if (grpc->max_connection_idle_ms() == 0) {
    grpc->set_max_connection_idle_ms(300000);
  }
  if (grpc->max_concurrent_streams_per_connection() == 0) {
    grpc->set_max_concurrent_streams_per_connection(100);
  }
  auto* store = c.mutable_store();
  if (store->sqlite().path().empty()) {
    store->mutable_sqlite()->set_path("gateway.db");
  }
  if (store->sqlite().reader_connections() == 0) {
    store->mutable_sqlite()->set_reader_connections(4);
  }
  if (store->max_batch_size() == 0) store->set_max_batch_size(256);
  if (store->busy_timeout_ms() == 0) store->set_busy_timeout_ms(5000);
  if (c.deadlines().scan_interval_seconds() == 0) {
    c.mutable_deadlines()->set_scan_interval_seconds(60);
  }
  if (c.cyp1a2_medicines().empty()) {
    for (const std::string& m : domain::DefaultCyp1a2Medicines()) {
      c.add_cyp1a2_medicines(m);
    }
  }
  if (c.limits().max_page_size() == 0) {
    c.mutable_limits()->set_max_page_size(500);
  }
  if (c.limits().max_text_length() == 0) {
    c.mutable_limits()->set_max_text_length(2000);
  }
  if (c.has_mllp()) {
    auto* mllp = c.mutable_mllp();
    if (mllp->address().empty()) mllp->set_address("127.0.0.1:2575");
    if (mllp->max_frame_bytes() == 0) mllp->set_max_frame_bytes(1 << 20);
    if (mllp->idle_timeout_seconds() == 0) mllp->set_idle_timeout_seconds(300);
    if (mllp->max_connections() == 0) mllp->set_max_connections(64);
    ApplyMllpLimitsDefaults(*mllp);
  }
  if (c.has_fhir()) {
    auto* fhir = c.mutable_fhir();
    if (fhir->address().empty()) fhir->set_address("127.0.0.1:8443");
    if (fhir->max_body_bytes() == 0) fhir->set_max_body_bytes(1 << 20);
    if (fhir->public_endpoint().empty()) {
      fhir->set_public_endpoint(
          absl::StrCat("https://", fhir->address(), "/fhir/$process-message"));
    }
    if (fhir->connect_timeout_ms() == 0) fhir->set_connect_timeout_ms(5000);
    if (fhir->request_timeout_ms() == 0) fhir->set_request_timeout_ms(30000);
    if (fhir->client_cert_path().empty() && fhir->client_key_path().empty()) {
      fhir->set_client_cert_path(fhir->tls().cert_file());
      fhir->set_client_key_path(fhir->tls().key_file());
    }
    DefaultFhirListenerLimits(*fhir);
    DefaultEventStreams(*fhir);
  }
}

// Relative paths in the config are relative to the config file's folder.
void ResolvePath(std::string& path, const std::string& base_dir) {
  if (!path.empty() && std::filesystem::path(path).is_relative()) {
    path = (std::filesystem::path(base_dir) / path).lexically_normal().string();
  }
}

void ResolvePaths(v1::TlsConfig& tls, const std::string& base_dir) {
  for (std::string* path :
       {tls.mutable_cert_file(), tls.mutable_key_file(),
        tls.mutable_client_ca_file(), tls.mutable_crl_directory()}) {
    ResolvePath(*path, base_dir);
  }
}

// The audit key files and the checkpoint file.
void ResolvePaths(v1::AuditConfig& audit, const std::string& base_dir) {
  ResolvePath(*audit.mutable_key_file(), base_dir);
  ResolvePath(*audit.mutable_checkpoint_file(), base_dir);
  for (v1::AuditKeyConfig& k : *audit.mutable_retired_keys()) {
    ResolvePath(*k.mutable_key_file(), base_dir);
  }
}

// TLS files, like the data folder, are relative to the config file.
void ResolvePaths(v1::GatewayConfig& config, const std::string& base_dir) {
  ResolvePath(*config.mutable_store()->mutable_data_dir(), base_dir);
  if (config.has_audit()) ResolvePaths(*config.mutable_audit(), base_dir);
  if (config.grpc().has_tls()) {
    ResolvePaths(*config.mutable_grpc()->mutable_tls(), base_dir);
  }
  if (config.has_mllp()) {
    auto* mllp = config.mutable_mllp();
    if (mllp->has_tls()) ResolvePaths(*mllp->mutable_tls(), base_dir);
    for (v1::MllpTrustConfig& trust : *mllp->mutable_trusts()) {
      if (trust.has_outbound_tls()) {
        ResolvePaths(*trust.mutable_outbound_tls(), base_dir);
      }
    }
  }
  for (v1::OrganisationConfig& o : *config.mutable_organisations()) {
    if (o.mllp().has_outbound_tls()) {
      ResolvePaths(*o.mutable_mllp()->mutable_outbound_tls(), base_dir);
    }
  }
  if (config.admin().has_tls()) {
    ResolvePaths(*config.mutable_admin()->mutable_tls(), base_dir);
  }
  if (config.has_mesh()) {
    v1::MeshConfig* mesh = config.mutable_mesh();
    ResolvePaths(*mesh->mutable_tls(), base_dir);
    for (std::string* path :
         {mesh->mutable_mailbox_id_file(), mesh->mutable_password_file(),
          mesh->mutable_shared_key_file()}) {
      ResolvePath(*path, base_dir);
    }
  }
  if (config.has_fhir()) {
    auto* fhir = config.mutable_fhir();
    if (fhir->has_tls()) ResolvePaths(*fhir->mutable_tls(), base_dir);
    for (std::string* path :
         {fhir->mutable_tls_cert_path(), fhir->mutable_tls_key_path(),
          fhir->mutable_ca_cert_path(), fhir->mutable_client_ca_file(),
          fhir->mutable_crl_directory(), fhir->mutable_client_cert_path(),
          fhir->mutable_client_key_path()}) {
      ResolvePath(*path, base_dir);
    }
  }
}

// INVALID_ARGUMENT naming the first key named twice in one object. Other
// JSON errors are left to protobuf's reader, which names them better.
absl::Status RefuseDuplicateJsonKeys(absl::string_view text) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(text.data(), text.size()).get(root) != simdjson::SUCCESS) {
    return absl::OkStatus();
  }
  if (std::optional<std::string> key = fhir::DuplicateKeyPath(root, "config");
      key.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "config is not valid JSON for GatewayConfig: ", *key,
        " is a duplicate key (each key may appear once in an object)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::GatewayConfig> ParseConfig(
    absl::string_view text, bool json, const std::string& base_dir,
    std::vector<std::string>* warnings) {
  v1::GatewayConfig config;
  if (json) {
    // Protobuf's JSON reader keeps the last of a duplicated key: refused,
    // so that what an operator reviewed is what runs.
    RETURN_IF_ERROR(RefuseDuplicateJsonKeys(text));
    google::protobuf::util::JsonParseOptions options;
    auto status = google::protobuf::util::JsonStringToMessage(std::string(text),
                                                              &config, options);
    if (!status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("config is not valid JSON for GatewayConfig: ",
                       status.message().as_string()));
    }
  } else {
    google::protobuf::TextFormat::Parser parser;
    ErrorCollector errors;
    parser.RecordErrorsTo(&errors);
    if (!parser.ParseFromString(std::string(text), &config)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "config is not valid GatewayConfig textproto: ", errors.errors()));
    }
  }
  // Paths first, old keys included, so that a deprecated key and its
  // replacement naming the same file compare equal.
  ResolvePaths(config, base_dir);
  MigrationReport migration;
  RETURN_IF_ERROR(MigrateDeprecatedKeys(config, migration));
  for (const std::string& warning : migration.warnings) {
    if (warnings != nullptr) {
      warnings->push_back(warning);
    } else {
      LogWarning("config", warning);
    }
  }
  ApplyDefaults(config);
  RETURN_IF_ERROR(ValidateConfig(config, migration.origins));
  return config;
}

absl::StatusOr<v1::GatewayConfig> LoadConfig(
    const std::string& path, std::vector<std::string>* warnings) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read config file ", path));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string base_dir =
      std::filesystem::absolute(path).parent_path().string();
  return ParseConfig(buffer.str(), absl::EndsWith(path, ".json"), base_dir,
                     warnings);
}

}  // namespace nhs::tobacco::server
