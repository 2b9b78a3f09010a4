#include "gateway/metrics/gateway_metrics.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gateway/common/build_info.h"
#include "nhs/tobacco/v1/delivery.pb.h"
#include "nhs/tobacco/v1/prescription.pb.h"
#include "prometheus/text_serializer.h"

namespace nhs::tobacco::metrics {
namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;
using prometheus::Histogram;

std::string Name(absl::string_view suffix) {
  return absl::StrCat(kPrefix, suffix);
}

// "DELIVERY_CHANNEL_HL7V2_MLLP" -> "hl7v2_mllp".
std::string EnumLabel(const std::string& name, absl::string_view prefix) {
  return absl::AsciiStrToLower(absl::StripPrefix(name, prefix));
}

// gRPC latencies: 1 ms to 10 s (a durable write is a few ms; a stream's
// call is long and lands in +Inf).
Histogram::BucketBoundaries RpcBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
          0.25,  0.5,    1,     2.5,  5,     10};
}

}  // namespace

GatewayMetrics::GatewayMetrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      rpcs_(BuildCounter()
                .Name(Name("grpc_server_handled_total"))
                .Help("gRPC calls completed, by full method and status code")
                .Register(*registry_)),
      rpc_seconds_(BuildHistogram()
                       .Name(Name("grpc_server_handling_seconds"))
                       .Help("Time from a gRPC call's arrival to its status, "
                             "by full method")
                       .Register(*registry_)),
      hl7_in_(BuildCounter()
                  .Name(Name("hl7_messages_received_total"))
                  .Help("HL7 v2 messages received over MLLP, by MSH-9 "
                        "message type and trigger and by the MSA-1 code of "
                        "the acknowledgement sent")
                  .Register(*registry_)),
      fhir_in_(BuildCounter()
                   .Name(Name("fhir_messages_received_total"))
                   .Help("FHIR $process-message requests, by message event "
                         "and HTTP status answered")
                   .Register(*registry_)),
      commit_seconds_(
          BuildHistogram()
              .Name(Name("store_commit_seconds"))
              .Help("One group commit from BEGIN to COMMIT on the writer "
                    "thread (the WAL fsync follows on the reply thread)")
              .Register(*registry_)
              .Add({}, Histogram::BucketBoundaries{0.0005, 0.001, 0.0025, 0.005,
                                                   0.01, 0.025, 0.05, 0.1, 0.25,
                                                   0.5, 1, 5})),
      commit_batch_size_(
          BuildHistogram()
              .Name(Name("store_commit_batch_size"))
              .Help("Writes committed together in one group commit")
              .Register(*registry_)
              .Add({}, Histogram::BucketBoundaries{1, 2, 4, 8, 16, 32, 64, 128,
                                                   256, 1024})) {
  BuildGauge()
      .Name(Name("build_info"))
      .Help("Always 1; the labels name the version and git commit built")
      .Register(*registry_)
      .Add({{"version", std::string(BuildVersion())},
            {"git_commit", std::string(BuildCommit())}})
      .Set(1);
}

void GatewayMetrics::RecordRpc(absl::string_view method, absl::string_view code,
                               absl::Duration latency) {
  const std::string m(method);
  rpcs_.Add({{"method", m}, {"code", std::string(code)}}).Increment();
  rpc_seconds_.Add({{"method", m}}, RpcBuckets())
      .Observe(absl::ToDoubleSeconds(latency));
}

void GatewayMetrics::RecordHl7Inbound(const std::string& trigger,
                                      const std::string& ack_code) {
  hl7_in_.Add({{"trigger", trigger}, {"ack_code", ack_code}}).Increment();
}

void GatewayMetrics::RecordFhirInbound(absl::string_view event,
                                       int http_status) {
  fhir_in_
      .Add({{"event", std::string(event)},
            {"status", absl::StrCat(http_status)}})
      .Increment();
}

void GatewayMetrics::RecordCommit(absl::Duration took, int batch_size) {
  commit_seconds_.Observe(absl::ToDoubleSeconds(took));
  commit_batch_size_.Observe(batch_size);
}

std::string GatewayMetrics::Exposition(const ScrapeInputs& inputs) const {
  // The scrape-time gauges live in a registry of their own, made for this
  // scrape: a destination or status that disappeared leaves no stale
  // series behind.
  prometheus::Registry now;
  auto& read_ok = BuildGauge()
                      .Name(Name("operations_snapshot_ok"))
                      .Help(
                          "1 when this scrape read the outbox and "
                          "prescription figures from the store, 0 when "
                          "the store did not answer (those gauges are "
                          "then absent)")
                      .Register(now);
  read_ok.Add({}).Set(inputs.snapshot.ok() ? 1 : 0);
  if (inputs.snapshot.ok()) {
    const pathway::OperationsSnapshot& s = *inputs.snapshot;
    auto& pending = BuildGauge()
                        .Name(Name("outbox_pending"))
                        .Help(
                            "Outbox messages waiting to be delivered, by "
                            "destination ODS code and channel")
                        .Register(now);
    auto& oldest = BuildGauge()
                       .Name(Name("outbox_oldest_pending_age_seconds"))
                       .Help(
                           "Age of the oldest pending outbox message, by "
                           "destination and channel (0 when none)")
                       .Register(now);
    auto& dead = BuildGauge()
                     .Name(Name("outbox_dead_letters"))
                     .Help(
                         "Outbox messages in dead letters (gave up after "
                         "the last try), by destination and channel")
                     .Register(now);
    // MESH (issue 17): handed over, the receiver's acknowledgements due.
    auto& awaiting = BuildGauge()
                         .Name(Name("outbox_awaiting_acknowledgement"))
                         .Help(
                             "Outbox messages MESH took whose receiver has "
                             "not yet acknowledged them (ITK3), by "
                             "destination and channel")
                         .Register(now);
    for (const v1::DestinationStats& d : s.destinations) {
      const prometheus::Labels labels{
          {"destination", d.destination_ods()},
          {"channel", EnumLabel(v1::DeliveryChannel_Name(d.channel()),
                                "DELIVERY_CHANNEL_")}};
      pending.Add(labels).Set(static_cast<double>(d.pending()));
      oldest.Add(labels).Set(d.oldest_pending_age_seconds());
      dead.Add(labels).Set(static_cast<double>(d.dead_letters()));
      awaiting.Add(labels).Set(
          static_cast<double>(d.awaiting_acknowledgement()));
    }
    if (s.prescriptions.has_value()) {
      auto& by_status = BuildGauge()
                            .Name(Name("prescriptions"))
                            .Help("Prescription requests, by status")
                            .Register(now);
      // Every status, zero included: an alert on a status that has no
      // request yet still has a series to read.
      for (int i = v1::PrescriptionStatus_MIN + 1;
           i <= v1::PrescriptionStatus_MAX; ++i) {
        if (!v1::PrescriptionStatus_IsValid(i)) continue;
        const auto status = static_cast<v1::PrescriptionStatus>(i);
        int64_t count = 0;
        for (const auto& [counted, n] : s.prescriptions->by_status) {
          if (counted == status) count = n;
        }
        by_status
            .Add({{"status", EnumLabel(v1::PrescriptionStatus_Name(status),
                                       "PRESCRIPTION_STATUS_")}})
            .Set(static_cast<double>(count));
      }
      BuildGauge()
          .Name(Name("prescriptions_overdue"))
          .Help("Prescription requests not yet final that missed a deadline")
          .Register(now)
          .Add({})
          .Set(static_cast<double>(s.prescriptions->overdue_open));
    }
    BuildCounter()
        .Name(Name("store_commits_total"))
        .Help("Group commits since the gateway started")
        .Register(now)
        .Add({})
        .Increment(static_cast<double>(s.store.commits));
    BuildCounter()
        .Name(Name("store_writes_total"))
        .Help("Writes committed since the gateway started")
        .Register(now)
        .Add({})
        .Increment(static_cast<double>(s.store.writes));
    BuildGauge()
        .Name(Name("store_write_queue_depth"))
        .Help("Writes waiting for the store's writer thread")
        .Register(now)
        .Add({})
        .Set(static_cast<double>(s.store.queued_writes));
  }
  if (!inputs.readiness.empty()) {
    bool all = true;
    auto& check = BuildGauge()
                      .Name(Name("readiness_check_ok"))
                      .Help("1 when the /readyz check passes, by check")
                      .Register(now);
    for (const auto& [name, ok] : inputs.readiness) {
      check.Add({{"check", name}}).Set(ok ? 1 : 0);
      all = all && ok;
    }
    BuildGauge()
        .Name(Name("ready"))
        .Help("1 when /readyz would answer 200 (every check passes)")
        .Register(now)
        .Add({})
        .Set(all ? 1 : 0);
  }
  auto& expiry = BuildGauge()
                     .Name(Name("certificate_expiry_seconds"))
                     .Help(
                         "Seconds until the certificate loaded from path "
                         "expires (negative once expired), by listener")
                     .Register(now);
  for (const auto& [file, not_after] : inputs.certificates) {
    if (!not_after.ok()) continue;
    expiry.Add({{"listener", file.listener}, {"path", file.path}})
        .Set(absl::ToDoubleSeconds(*not_after - inputs.now));
  }

  std::vector<prometheus::MetricFamily> families = registry_->Collect();
  for (prometheus::MetricFamily& family : now.Collect()) {
    families.push_back(std::move(family));
  }
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace nhs::tobacco::metrics
