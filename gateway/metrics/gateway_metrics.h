#ifndef GATEWAY_METRICS_GATEWAY_METRICS_H_
#define GATEWAY_METRICS_GATEWAY_METRICS_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/metrics/certificate_expiry.h"
#include "gateway/pathway/operations_snapshot.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace nhs::tobacco::metrics {

// Every metric name starts with this (README "Admin endpoint").
inline constexpr char kPrefix[] = "tobacco_gateway_";

// What a scrape reads at that moment, beside the counters already counted:
// the operations snapshot (outbox, prescriptions, store) and each loaded
// certificate's expiry.
struct ScrapeInputs {
  absl::StatusOr<pathway::OperationsSnapshot> snapshot =
      absl::UnavailableError("not read");
  std::vector<std::pair<CertificateFile, absl::StatusOr<absl::Time>>>
      certificates;
  // /readyz's checks by name and whether each passes (empty: not
  // reported), so Prometheus can alert on readiness it scrapes, not probes.
  std::vector<std::pair<std::string, bool>> readiness;
  absl::Time now;
};

// The gateway's metrics: counters and histograms the edges record into as
// things happen (gRPC calls, HL7 and FHIR messages, store commits), kept
// in one prometheus-cpp registry, and the gauges computed afresh from
// ScrapeInputs at every scrape (so an outbox gauge is never stale and no
// thread polls the store between scrapes). Exposition() renders both in the
// Prometheus text format. Labels are bounded sets chosen by the gateway
// (method names it serves, codes, events, destinations it is configured
// with), never a peer's free text. Thread-safe.
class GatewayMetrics {
 public:
  GatewayMetrics();

  // `method` is the full gRPC method, e.g.
  // "nhs.tobacco.v1.ReferralService/CreateReferral"; `code` the status code
  // name, e.g. "OK", "FAILED_PRECONDITION".
  void RecordRpc(absl::string_view method, absl::string_view code,
                 absl::Duration latency);
  // `trigger` and `ack_code` as hl7_labels.h makes them.
  void RecordHl7Inbound(const std::string& trigger,
                        const std::string& ack_code);
  void RecordFhirInbound(absl::string_view event, int http_status);
  // One group commit (store::StoreMetricsSource::CommitObserver).
  void RecordCommit(absl::Duration took, int batch_size);

  std::string Exposition(const ScrapeInputs& inputs) const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& rpcs_;
  prometheus::Family<prometheus::Histogram>& rpc_seconds_;
  prometheus::Family<prometheus::Counter>& hl7_in_;
  prometheus::Family<prometheus::Counter>& fhir_in_;
  prometheus::Histogram& commit_seconds_;
  prometheus::Histogram& commit_batch_size_;
};

}  // namespace nhs::tobacco::metrics

#endif  // GATEWAY_METRICS_GATEWAY_METRICS_H_
