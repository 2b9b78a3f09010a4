#include "gateway/server/config_loader.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "adapters/hl7v2/ip_allow_list.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/cyp1a2_medicines.h"
#include "gateway/domain/deadline_policy.h"
#include "gateway/domain/field_violations.h"
#include "gateway/domain/formulary.h"
#include "gateway/domain/identifiers.h"
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

void ApplyDefaults(v1::GatewayConfig& c) {
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
  auto* grpc = c.mutable_grpc();
  if (grpc->address().empty()) grpc->set_address("127.0.0.1:50051");
  if (grpc->max_receive_message_bytes() == 0) {
    grpc->set_max_receive_message_bytes(1 << 20);
  }
  if (grpc->max_watch_streams() == 0) grpc->set_max_watch_streams(256);
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
      fhir->set_client_cert_path(fhir->tls_cert_path());
      fhir->set_client_key_path(fhir->tls_key_path());
    }
  }
}

// FHIR listener settings, when the listener is configured.
void ValidateFhir(const v1::FhirListenerConfig& f, domain::Violations& v) {
  if (!absl::StrContains(f.address(), ":")) {
    v.Add("fhir.address", "must be host:port");
  }
  if (f.tls_cert_path().empty() || f.tls_key_path().empty()) {
    v.Add("fhir.tls_cert_path",
          "tls_cert_path and tls_key_path are required (FHIR is served over "
          "TLS only; deploy/dev_fhir_tls.sh makes a development pair)");
  }
  if (f.client_ca_file().empty()) {
    v.Add("fhir.client_ca_file",
          "required: GP and pharmacy systems authenticate with client "
          "certificates (certs/make_dev_certs.sh makes a development CA)");
  }
  if (f.client_cert_path().empty() != f.client_key_path().empty()) {
    v.Add("fhir.client_cert_path",
          "client_cert_path and client_key_path go together");
  }
  if (f.max_body_bytes() < 1024) {
    v.Add("fhir.max_body_bytes", "must be at least 1024");
  }
  if (f.connect_timeout_ms() < 1 || f.request_timeout_ms() < 1) {
    v.Add("fhir.request_timeout_ms", "timeouts must be positive");
  }
  for (int i = 0; i < f.endpoints_size(); ++i) {
    const auto& e = f.endpoints(i);
    if (!domain::ValidateOdsCode(e.ods_code()).ok()) {
      v.Add(absl::StrCat("fhir.endpoints[", i, "].ods_code"),
            "must be an ODS code");
    }
    if (!absl::StartsWith(e.url(), "https://")) {
      v.Add(absl::StrCat("fhir.endpoints[", i, "].url"),
            "must be an https:// URL");
    }
  }
}

absl::Status Validate(const v1::GatewayConfig& c) {
  domain::Violations v;
  if (!absl::StrContains(c.grpc().address(), ":")) {
    v.Add("grpc.address", "must be host:port");
  }
  if (c.grpc().max_receive_message_bytes() < 1024) {
    v.Add("grpc.max_receive_message_bytes", "must be at least 1024");
  }
  if (c.grpc().per_principal_rate_limit() < 0) {
    v.Add("grpc.per_principal_rate_limit", "must not be negative");
  }
  if (c.grpc().handshake_timeout_ms() < 100 ||
      c.grpc().max_connection_idle_ms() < 1000 ||
      c.grpc().max_concurrent_streams_per_connection() < 1) {
    v.Add("grpc",
          "handshake_timeout_ms >= 100, max_connection_idle_ms >= "
          "1000 and max_concurrent_streams_per_connection >= 1");
  }
  if (c.grpc().max_watch_streams() < 1) {
    v.Add("grpc.max_watch_streams", "must be at least 1");
  }
  if (c.grpc().has_tls()) {
    for (const auto& [path, value] :
         {std::pair<const char*, std::string>{"grpc.tls.cert_file",
                                              c.grpc().tls().cert_file()},
          {"grpc.tls.key_file", c.grpc().tls().key_file()},
          {"grpc.tls.client_ca_file", c.grpc().tls().client_ca_file()}}) {
      if (value.empty()) v.Add(path, "is required for mutual TLS");
    }
  }
  if (c.store().data_dir().empty()) {
    v.Add("store.data_dir", "is required (where the database lives)");
  }
  if (c.store().sqlite().reader_connections() < 1 ||
      c.store().sqlite().reader_connections() > 64) {
    v.Add("store.sqlite.reader_connections", "must be between 1 and 64");
  }
  if (c.store().max_batch_size() < 1 || c.store().max_batch_size() > 10000) {
    v.Add("store.max_batch_size", "must be between 1 and 10000");
  }
  if (c.store().busy_timeout_ms() < 1) {
    v.Add("store.busy_timeout_ms", "must be positive");
  }
  if (c.store().max_database_mb() < 0) {
    v.Add("store.max_database_mb", "must not be negative (0 = no cap)");
  }
  if (c.deadlines().scan_interval_seconds() < 1) {
    v.Add("deadlines.scan_interval_seconds", "must be at least 1");
  }
  if (c.limits().max_page_size() < 1 || c.limits().max_text_length() < 1) {
    v.Add("limits", "max_page_size and max_text_length must be positive");
  }
  if (c.has_mllp()) {
    const v1::MllpListenerConfig& m = c.mllp();
    if (!absl::StrContains(m.address(), ":")) {
      v.Add("mllp.address", "must be host:port");
    }
    if (m.max_frame_bytes() < 1024 || m.max_frame_bytes() > (64 << 20)) {
      v.Add("mllp.max_frame_bytes", "must be between 1024 and 67108864");
    }
    if (m.idle_timeout_seconds() < 1) {
      v.Add("mllp.idle_timeout_seconds", "must be at least 1");
    }
    if (m.max_connections() < 1 || m.max_connections() > 4096) {
      v.Add("mllp.max_connections", "must be between 1 and 4096");
    }
    if (m.has_tls()) {
      for (const auto& [path, value] :
           {std::pair<const char*, std::string>{"mllp.tls.cert_file",
                                                m.tls().cert_file()},
            {"mllp.tls.key_file", m.tls().key_file()},
            {"mllp.tls.client_ca_file", m.tls().client_ca_file()}}) {
        if (value.empty()) v.Add(path, "is required for mutual TLS");
      }
    } else if (!m.allow_plaintext()) {
      v.Add("mllp.tls",
            "is required (mutual TLS); for development only, set "
            "mllp.allow_plaintext: true");
    }
    for (int i = 0; i < m.allowed_networks_size(); ++i) {
      absl::StatusOr<hl7v2::IpAllowList> one =
          hl7v2::IpAllowList::Parse({m.allowed_networks(i)});
      if (!one.ok()) {
        v.Add(absl::StrCat("mllp.allowed_networks[", i, "]"),
              one.status().message());
      }
    }
    for (int i = 0; i < m.trusts_size(); ++i) {
      const std::string path = absl::StrCat("mllp.trusts[", i, "]");
      if (!domain::ValidateOdsCode(m.trusts(i).sending_facility()).ok()) {
        v.Add(path + ".sending_facility", "must be an ODS code");
      }
      if (!m.trusts(i).service_ods_code().empty() &&
          !domain::ValidateOdsCode(m.trusts(i).service_ods_code()).ok()) {
        v.Add(path + ".service_ods_code", "must be an ODS code");
      }
      const v1::MllpTrustConfig& t = m.trusts(i);
      if (!t.outbound_address().empty()) {
        const size_t colon = t.outbound_address().rfind(':');
        int port = 0;
        if (colon == std::string::npos || colon == 0 ||
            !absl::SimpleAtoi(t.outbound_address().substr(colon + 1), &port) ||
            port < 1 || port > 65535) {
          v.Add(path + ".outbound_address", "must be host:port");
        }
        if (t.has_outbound_tls()) {
          if (t.outbound_tls().client_ca_file().empty()) {
            v.Add(path + ".outbound_tls.client_ca_file",
                  "is required: the CA that signs the trust's certificate");
          }
          if (t.outbound_tls().cert_file().empty() !=
              t.outbound_tls().key_file().empty()) {
            v.Add(path + ".outbound_tls.cert_file",
                  "cert_file and key_file go together");
          }
        } else if (!m.allow_plaintext()) {
          v.Add(path + ".outbound_tls",
                "is required (TLS to the trust); for development only, set "
                "mllp.allow_plaintext: true");
        }
      }
    }
  }
  if (c.has_fhir()) ValidateFhir(c.fhir(), v);
  const v1::DeliveryConfig& d = c.delivery();
  if (d.max_attempts() < 1 || d.max_attempts() > 1000) {
    v.Add("delivery.max_attempts", "must be between 1 and 1000");
  }
  if (d.initial_backoff_ms() < 1) {
    v.Add("delivery.initial_backoff_ms", "must be positive");
  }
  if (d.max_backoff_ms() < d.initial_backoff_ms()) {
    v.Add("delivery.max_backoff_ms", "must be at least initial_backoff_ms");
  }
  if (d.max_in_flight_per_destination() < 1) {
    v.Add("delivery.max_in_flight_per_destination", "must be positive");
  }
  if (d.workers() < 1 || d.workers() > 256) {
    v.Add("delivery.workers", "must be between 1 and 256");
  }
  if (d.poll_interval_ms() < 1) {
    v.Add("delivery.poll_interval_ms", "must be positive");
  }
  if (d.mllp_ack_timeout_ms() < 1) {
    v.Add("delivery.mllp_ack_timeout_ms", "must be positive");
  }
  if (d.delivered_retention_days() < 1) {
    v.Add("delivery.delivered_retention_days", "must be positive");
  }
  if (c.formulary().empty()) {
    v.Add("formulary", "needs at least one product");
  }
  for (const auto& violation : domain::GetFieldViolations(
           domain::DeadlinePolicy::FromConfig(c.deadlines()).status())) {
    v.Add(violation.field, violation.description);
  }
  for (const auto& violation : domain::GetFieldViolations(
           domain::Formulary::FromConfig(c.formulary()).status())) {
    v.Add(violation.field, violation.description);
  }
  return v.ToStatus("invalid gateway configuration");
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

}  // namespace

absl::StatusOr<v1::GatewayConfig> ParseConfig(absl::string_view text, bool json,
                                              const std::string& base_dir) {
  v1::GatewayConfig config;
  if (json) {
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
  ApplyDefaults(config);
  // TLS files, like the data folder, are relative to the config file.
  for (v1::TlsConfig* tls :
       {config.grpc().has_tls() ? config.mutable_grpc()->mutable_tls()
                                : nullptr,
        config.mllp().has_tls() ? config.mutable_mllp()->mutable_tls()
                                : nullptr}) {
    if (tls == nullptr) continue;
    ResolvePaths(*tls, base_dir);
  }
  if (config.has_mllp()) {
    for (v1::MllpTrustConfig& trust :
         *config.mutable_mllp()->mutable_trusts()) {
      if (trust.has_outbound_tls()) {
        ResolvePaths(*trust.mutable_outbound_tls(), base_dir);
      }
    }
  }
  ResolvePath(*config.mutable_store()->mutable_data_dir(), base_dir);
  if (config.has_fhir()) {
    // TLS files, like data_dir, are relative to the config file.
    auto* fhir = config.mutable_fhir();
    for (std::string* path :
         {fhir->mutable_tls_cert_path(), fhir->mutable_tls_key_path(),
          fhir->mutable_ca_cert_path(), fhir->mutable_client_ca_file(),
          fhir->mutable_crl_directory(), fhir->mutable_client_cert_path(),
          fhir->mutable_client_key_path()}) {
      ResolvePath(*path, base_dir);
    }
  }
  RETURN_IF_ERROR(Validate(config));
  return config;
}

absl::StatusOr<v1::GatewayConfig> LoadConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read config file ", path));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string base_dir =
      std::filesystem::absolute(path).parent_path().string();
  return ParseConfig(buffer.str(), absl::EndsWith(path, ".json"), base_dir);
}

}  // namespace nhs::tobacco::server
