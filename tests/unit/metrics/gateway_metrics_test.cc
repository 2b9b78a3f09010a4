// The metrics module without a server: what the edges record and the
// scrape-time gauges, in the Prometheus text format, every name prefixed;
// the label helpers that keep series bounded; certificate expiry dates.
#include "gateway/metrics/gateway_metrics.h"

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gateway/common/build_info.h"
#include "gateway/metrics/certificate_expiry.h"
#include "gateway/metrics/grpc_metrics_interceptor.h"
#include "gateway/metrics/hl7_labels.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nhs/tobacco/v1/referral_service.grpc.pb.h"

namespace nhs::tobacco::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

pathway::OperationsSnapshot Snapshot() {
  pathway::OperationsSnapshot s;
  v1::DestinationStats& gp = s.destinations.emplace_back();
  gp.set_destination_ods("Y90001");
  gp.set_channel(v1::DELIVERY_CHANNEL_FHIR_HTTPS);
  gp.set_pending(3);
  gp.set_dead_letters(1);
  gp.set_oldest_pending_age_seconds(125.5);
  v1::DestinationStats& trust = s.destinations.emplace_back();
  trust.set_destination_ods("RX9");
  trust.set_channel(v1::DELIVERY_CHANNEL_HL7V2_MLLP);
  store::PrescriptionCounts counts;
  counts.by_status = {{v1::PRESCRIPTION_STATUS_RECOMMENDED, 4},
                      {v1::PRESCRIPTION_STATUS_SENT, 2}};
  counts.overdue_open = 1;
  s.prescriptions = counts;
  s.store.commits = 17;
  s.store.writes = 40;
  s.store.queued_writes = 5;
  return s;
}

TEST(GatewayMetricsTest, EveryMetricNameCarriesThePrefix) {
  GatewayMetrics metrics;
  metrics.RecordRpc("nhs.tobacco.v1.ReferralService/CreateReferral", "OK",
                    absl::Milliseconds(3));
  ScrapeInputs inputs;
  inputs.snapshot = Snapshot();
  const std::string text = metrics.Exposition(inputs);
  int samples = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty()) continue;
    if (absl::StartsWith(line, "# HELP ") ||
        absl::StartsWith(line, "# TYPE ")) {
      EXPECT_TRUE(absl::StartsWith(line.substr(7), "tobacco_gateway_")) << line;
      continue;
    }
    ++samples;
    EXPECT_TRUE(absl::StartsWith(line, "tobacco_gateway_")) << line;
  }
  EXPECT_GT(samples, 20);
}

TEST(GatewayMetricsTest, RpcsAreCountedByMethodAndCodeAndTimed) {
  GatewayMetrics metrics;
  const std::string m = "nhs.tobacco.v1.ReferralService/CreateReferral";
  metrics.RecordRpc(m, "OK", absl::Milliseconds(2));
  metrics.RecordRpc(m, "OK", absl::Milliseconds(30));
  metrics.RecordRpc(m, "INVALID_ARGUMENT", absl::Milliseconds(1));
  const std::string text = metrics.Exposition(ScrapeInputs());
  EXPECT_THAT(text, HasSubstr(absl::StrCat(
                        "tobacco_gateway_grpc_server_handled_total{code=\"OK\","
                        "method=\"",
                        m, "\"} 2")));
  EXPECT_THAT(text, HasSubstr(absl::StrCat(
                        "tobacco_gateway_grpc_server_handled_total{code=\""
                        "INVALID_ARGUMENT\",method=\"",
                        m, "\"} 1")));
  EXPECT_THAT(text, HasSubstr(absl::StrCat(
                        "tobacco_gateway_grpc_server_handling_seconds_count{"
                        "method=\"",
                        m, "\"} 3")));
  // 2 ms and 1 ms fall in the 5 ms bucket; 30 ms does not.
  EXPECT_THAT(text, HasSubstr(absl::StrCat(
                        "tobacco_gateway_grpc_server_handling_seconds_bucket{"
                        "method=\"",
                        m, "\",le=\"0.005\"} 2")));
}

TEST(GatewayMetricsTest, Hl7AndFhirMessagesAreCountedByTheirLabels) {
  GatewayMetrics metrics;
  metrics.RecordHl7Inbound("REF^I12", "AA");
  metrics.RecordHl7Inbound("REF^I12", "AA");
  metrics.RecordHl7Inbound("ADT^A03", "AE");
  metrics.RecordFhirInbound("dispense-notification", 200);
  metrics.RecordFhirInbound("prescription-decision", 409);
  const std::string text = metrics.Exposition(ScrapeInputs());
  EXPECT_THAT(text, HasSubstr("tobacco_gateway_hl7_messages_received_total{"
                              "ack_code=\"AA\",trigger=\"REF^I12\"} 2"));
  EXPECT_THAT(text, HasSubstr("tobacco_gateway_hl7_messages_received_total{"
                              "ack_code=\"AE\",trigger=\"ADT^A03\"} 1"));
  EXPECT_THAT(text, HasSubstr("tobacco_gateway_fhir_messages_received_total{"
                              "event=\"dispense-notification\",status=\"200\"}"
                              " 1"));
  EXPECT_THAT(text, HasSubstr("tobacco_gateway_fhir_messages_received_total{"
                              "event=\"prescription-decision\",status=\"409\"}"
                              " 1"));
}

TEST(GatewayMetricsTest,
     OutboxGaugesComeFromTheSnapshotPerDestinationAndChannel) {
  GatewayMetrics metrics;
  ScrapeInputs inputs;
  inputs.snapshot = Snapshot();
  const std::string text = metrics.Exposition(inputs);
  EXPECT_THAT(text, HasSubstr("tobacco_gateway_outbox_pending{channel=\"fhir_"
                              "https\",destination=\"Y90001\"} 3"));
  EXPECT_THAT(
      text, HasSubstr("tobacco_gateway_outbox_oldest_pending_age_seconds{"
                      "channel=\"fhir_https\",destination=\"Y90001\"} 125.5"));
  EXPECT_THAT(text, HasSubstr("tobacco_gateway_outbox_dead_letters{channel=\""
                              "fhir_https\",destination=\"Y90001\"} 1"));
  EXPECT_THAT(text, HasSubstr("tobacco_gateway_outbox_pending{channel=\"hl7v2_"
                              "mllp\",destination=\"RX9\"} 0"));
  EXPECT_THAT(text, HasSubstr("tobacco_gateway_operations_snapshot_ok 1"));
  EXPECT_THAT(text, HasSubstr("tobacco_gateway_store_commits_total 17"));
  EXPECT_THAT(text, HasSubstr("tobacco_gateway_store_writes_total 40"));
  EXPECT_THAT(text, HasSubstr("tobacco_gateway_store_write_queue_depth 5"));
}

TEST(GatewayMetricsTest, EveryPrescriptionStatusHasASeriesAndOverdueIsCounted) {
  GatewayMetrics metrics;
  ScrapeInputs inputs;
  inputs.snapshot = Snapshot();
  const std::string text = metrics.Exposition(inputs);
  EXPECT_THAT(
      text,
      HasSubstr("tobacco_gateway_prescriptions{status=\"recommended\"} 4"));
  EXPECT_THAT(text,
              HasSubstr("tobacco_gateway_prescriptions{status=\"sent\"} 2"));
  EXPECT_THAT(
      text, HasSubstr("tobacco_gateway_prescriptions{status=\"dispensed\"} 0"));
  EXPECT_THAT(text, HasSubstr("tobacco_gateway_prescriptions_overdue 1"));
  EXPECT_THAT(text, Not(HasSubstr("status=\"unspecified\"")));
}

TEST(GatewayMetricsTest, StoreThatDidNotAnswerLeavesItsGaugesOutAndSaysSo) {
  GatewayMetrics metrics;
  ScrapeInputs inputs;
  inputs.snapshot = absl::UnavailableError("database is locked");
  const std::string text = metrics.Exposition(inputs);
  EXPECT_THAT(text, HasSubstr("tobacco_gateway_operations_snapshot_ok 0"));
  EXPECT_THAT(text, Not(HasSubstr("tobacco_gateway_outbox_pending{")));
  EXPECT_THAT(text, Not(HasSubstr("tobacco_gateway_prescriptions{")));
}

TEST(GatewayMetricsTest, CommitsFeedTheLatencyAndBatchSizeHistograms) {
  GatewayMetrics metrics;
  metrics.RecordCommit(absl::Microseconds(800), 3);
  metrics.RecordCommit(absl::Milliseconds(20), 100);
  const std::string text = metrics.Exposition(ScrapeInputs());
  EXPECT_THAT(text, HasSubstr("tobacco_gateway_store_commit_seconds_count 2"));
  EXPECT_THAT(
      text,
      HasSubstr("tobacco_gateway_store_commit_seconds_bucket{le=\"0.001\"} 1"));
  EXPECT_THAT(text,
              HasSubstr("tobacco_gateway_store_commit_batch_size_sum 103"));
}

TEST(GatewayMetricsTest, BuildInfoNamesVersionAndCommit) {
  GatewayMetrics metrics;
  const std::string text = metrics.Exposition(ScrapeInputs());
  EXPECT_FALSE(BuildVersion().empty());
  EXPECT_FALSE(BuildCommit().empty());
  EXPECT_THAT(text,
              HasSubstr(absl::StrCat("tobacco_gateway_build_info{git_commit=\"",
                                     BuildCommit(), "\",version=\"",
                                     BuildVersion(), "\"} 1")));
}

TEST(GatewayMetricsTest, CertificateExpiryIsSecondsFromNowPerListener) {
  GatewayMetrics metrics;
  ScrapeInputs inputs;
  inputs.now = absl::FromUnixSeconds(1000);
  inputs.certificates.emplace_back(CertificateFile{"grpc", "/etc/a.pem"},
                                   absl::FromUnixSeconds(1000 + 86400));
  inputs.certificates.emplace_back(CertificateFile{"fhir", "/etc/b.pem"},
                                   absl::NotFoundError("cannot read"));
  const std::string text = metrics.Exposition(inputs);
  EXPECT_THAT(text, HasSubstr("tobacco_gateway_certificate_expiry_seconds{"
                              "listener=\"grpc\",path=\"/etc/a.pem\"} 86400"));
  EXPECT_THAT(text, Not(HasSubstr("path=\"/etc/b.pem\"")));
}

TEST(GatewayMetricsTest, ReadinessIsExportedPerCheckAndAsAWhole) {
  GatewayMetrics metrics;
  ScrapeInputs inputs;
  EXPECT_THAT(metrics.Exposition(inputs),
              Not(HasSubstr("tobacco_gateway_ready ")));
  inputs.readiness = {{"store", true}, {"draining", false}};
  const std::string text = metrics.Exposition(inputs);
  EXPECT_THAT(text, HasSubstr("tobacco_gateway_ready 0"));
  EXPECT_THAT(
      text,
      HasSubstr(R"(tobacco_gateway_readiness_check_ok{check="store"} 1)"));
  EXPECT_THAT(
      text,
      HasSubstr(R"(tobacco_gateway_readiness_check_ok{check="draining"} 0)"));
  inputs.readiness = {{"store", true}};
  EXPECT_THAT(metrics.Exposition(inputs), HasSubstr("tobacco_gateway_ready 1"));
}

TEST(CertificateNotAfterTest, ReadsTheDateOpenSslWrote) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      absl::StrCat("tobacco_cert_expiry_", ::getpid());
  std::filesystem::create_directories(dir);
  const std::string pem = (dir / "c.pem").string();
  const std::string command = absl::StrCat(
      "openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=t "
      "-keyout ",
      (dir / "c.key").string(), " -out ", pem, " 2>/dev/null");
  ASSERT_EQ(std::system(command.c_str()), 0);
  absl::StatusOr<absl::Time> not_after = CertificateNotAfter(pem);
  ASSERT_TRUE(not_after.ok()) << not_after.status();
  const absl::Duration left = *not_after - absl::Now();
  EXPECT_GT(left, absl::Hours(24 * 30) - absl::Minutes(5));
  EXPECT_LE(left, absl::Hours(24 * 30));
  EXPECT_EQ(CertificateNotAfter((dir / "missing.pem").string()).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(CertificateNotAfter((dir / "c.key").string()).status().code(),
            absl::StatusCode::kInvalidArgument);
  std::filesystem::remove_all(dir);
}

TEST(Hl7LabelsTest, TriggerComesFromMsh9AndOddValuesBecomeOther) {
  EXPECT_EQ(Hl7TriggerLabel("MSH|^~\\&|A|B|C|D|20240101||REF^I12^REF_I12|1|P|"
                            "2.4\rPID|1\r"),
            "REF^I12");
  EXPECT_EQ(Hl7TriggerLabel("MSH#^~\\&#A#B#C#D#20240101##ADT^A03#1#P#2.4\r"),
            "ADT^A03");
  EXPECT_EQ(Hl7TriggerLabel("MSH|^~\\&|A|B|C|D|1||anything goes here|1\r"),
            "other");
  EXPECT_EQ(Hl7TriggerLabel("not hl7"), "other");
}

TEST(Hl7LabelsTest, AckCodeComesFromMsa1) {
  EXPECT_EQ(Hl7AckCodeLabel("MSH|^~\\&|G|G|A|B|1||ACK^I12|2|P|2.4\rMSA|AA|1\r"),
            "AA");
  EXPECT_EQ(Hl7AckCodeLabel("MSH|^~\\&|G|G|A|B|1||ACK|2|P|2.4\rMSA|AR|1\rERR|"),
            "AR");
  EXPECT_EQ(Hl7AckCodeLabel("MSH|^~\\&|G|G|A|B|1||ACK|2|P|2.4\rMSA|XX|1\r"),
            "other");
  EXPECT_EQ(Hl7AckCodeLabel(""), "none");
}

TEST(GrpcMethodLabelTest, OnlyMethodsThisBinaryServesBecomeLabels) {
  EXPECT_EQ(GrpcMethodLabel("/grpc.health.v1.Health/Check"),
            "grpc.health.v1.Health/Check");
  // Using a message of the service links its descriptors into this test
  // binary, as registering the service does in the gateway.
  ASSERT_NE(v1::CreateReferralRequest::descriptor(), nullptr);
  EXPECT_EQ(
      GrpcMethodLabel(absl::StrCat(
          "/", v1::ReferralService::service_full_name(), "/CreateReferral")),
      "nhs.tobacco.v1.ReferralService/CreateReferral");
  EXPECT_EQ(GrpcMethodLabel("/nhs.tobacco.v1.Made/Up"), "unknown");
  EXPECT_EQ(GrpcMethodLabel(""), "unknown");
}

}  // namespace
}  // namespace nhs::tobacco::metrics
