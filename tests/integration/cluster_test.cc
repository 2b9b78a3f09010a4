// The cluster test (issue 16): deploy/cluster.sh starts PostgreSQL with a
// synchronous standby, three gateway instances and nginx passing TLS through
// (PROXY v1 to MLLP and HTTPS); clients drive whole pathways through the
// balancer over all three protocols (a trust's REF^I12 over MLLP, the
// service's steps over gRPC, the GP's and pharmacy's messages over FHIR
// HTTPS) while one instance at a time is killed with kill -9 and restarted,
// five times. A call that fails because its instance died is retried with
// the same id (MSH-10, request_id, Bundle.id). Then:
//   - every acknowledged call is stored exactly once (one referral per
//     control id, two requests and one outcome per referral, retries
//     answered as the first time);
//   - every outbox message was delivered, the receivers (in this process)
//     got exactly the delivered ids, duplicates only under the same id;
//   - the deadline scan, run by whichever instance holds its lease, raised
//     each CYP1A2 safety alert OVERDUE exactly once (acknowledge_within_
//     seconds: prescription deadlines count in hours, too long for a test);
//   - a Watch stream held on the instance never killed saw every event, in
//     order, with no gap against a replay from the start at the end;
//   - the audit chain, sealed by three writers, verifies.
// It prints what it measured: calls and retries per protocol, the kill and
// restart times, the longest a caller waited for a retry to succeed.
//
// Runs beside other tests: its own folder, a free block of 100 loopback
// ports (CLUSTER_PORT_BASE), its own receivers; a watchdog process stops the
// cluster however the test ends (ctest's timeout included).
#include <arpa/inet.h>
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "adapters/fhir/https_client.h"
#include "adapters/fhir/https_listener.h"
#include "adapters/hl7v2/ack.h"
#include "adapters/hl7v2/mllp_client.h"
#include "adapters/hl7v2/mllp_listener.h"
#include "adapters/hl7v2/parser.h"
#include "adapters/hl7v2/writer.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "nhs/tobacco/v1/admin_service.grpc.pb.h"
#include "nhs/tobacco/v1/config.pb.h"
#include "nhs/tobacco/v1/outcome_service.grpc.pb.h"
#include "nhs/tobacco/v1/prescription_service.grpc.pb.h"
#include "nhs/tobacco/v1/referral_service.grpc.pb.h"
#include "nhs/tobacco/v1/safety_alert_service.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "tests/testing/dev_certs.h"
#include "tests/testing/sample_requests.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::DevCerts;
using ::nhs::tobacco::testing::DevPem;
using ::nhs::tobacco::testing::ReadFile;
using Json = nlohmann::json;

constexpr int kInstances = 3;
// Never killed: the Watch stream is held on it.
constexpr int kWatched = kInstances;
constexpr int kKills = 5;
constexpr int kWorkers = 4;
// The safety alert's acknowledgement window and the deadline scan's pass.
constexpr int kAcknowledgeWithinSeconds = 5;
constexpr int kScanIntervalSeconds = 1;

// --- the cluster ----------------------------------------------------------

bool LoopbackPortFree(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool free =
      bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return free;
}

// A block of 100 free ports below the ephemeral range (other tests'
// FreeLoopbackPort() and outgoing connections take those).
int PickPortBase() {
  std::mt19937 rng(static_cast<unsigned>(getpid()) ^
                   static_cast<unsigned>(absl::ToUnixNanos(absl::Now())));
  for (int tries = 0; tries < 100; ++tries) {
    const int base = 20000 + static_cast<int>(rng() % 120) * 100;
    bool free = true;
    for (int p = base; p < base + 100 && free; ++p) free = LoopbackPortFree(p);
    if (free) return base;
  }
  return 0;
}

struct Timed {
  int exit_code = -1;
  absl::Duration took;
};

class Cluster {
 public:
  Cluster() {
    dir_ = std::filesystem::path("/tmp") /
           absl::StrCat("tobacco_cluster_", getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    base_ = PickPortBase();
  }
  ~Cluster() {
    Stop();
    DropData();
  }

  int base() const { return base_; }
  int grpc_port() const { return base_; }
  int mllp_port() const { return base_ + 1; }
  int https_port() const { return base_ + 2; }
  int receivers_mllp_port() const { return base_ + 5; }
  int receivers_fhir_port() const { return base_ + 6; }
  int instance_grpc_port(int i) const { return base_ + 10 * i; }
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path cluster_dir() const { return dir_ / "cluster"; }

  // Stops the cluster when this process is gone, whatever ends it: a
  // process of its own session, which ctest's kill of the test does not
  // reach, waits for this one and runs cluster.sh --stop.
  void StartWatchdog() {
    const pid_t test = getpid();
    // (A folder gone means the test ended and stopped the cluster itself.)
    const std::string command = absl::StrCat(
        "while kill -0 ", test, " 2>/dev/null; do sleep 0.5; done; if [ -d ",
        dir_.string(), " ]; then ", Env(), " ", TOBACCO_SOURCE_DIR,
        "/deploy/cluster.sh --stop >>", (dir_ / "watchdog.log").string(),
        " 2>&1; ", DropDataCommand(), "; fi");
    const pid_t pid = fork();
    if (pid == 0) {
      setsid();
      // A grandchild, so nobody needs to reap it; its output goes to
      // watchdog.log, not to ctest's pipes (which ctest drains to the end).
      if (fork() == 0) {
        const int null = open("/dev/null", O_RDWR);
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        execl("/bin/bash", "bash", "-c", command.c_str(),
              static_cast<char*>(nullptr));
      }
      _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
  }

  // Writes the instances' base config: the sample's, with what a test of
  // this length needs (see the comments), laid out as cluster.sh expects.
  void WriteBaseConfig() {
    v1::GatewayConfig config;
    const std::string sample = ReadFile(std::string(TOBACCO_SOURCE_DIR) +
                                        "/deploy/config/gateway.textproto");
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(sample, &config));
    // MESH needs a sandbox and secrets; cluster.sh drops it too.
    config.clear_mesh();
    for (v1::OrganisationConfig& o : *config.mutable_organisations()) {
      o.clear_mesh();
    }
    // No rate limits: four clients through one balancer address are one
    // caller per certificate.
    config.mutable_grpc()->set_per_principal_rate_limit(0);
    config.mutable_mllp()->set_per_principal_rate_limit(0);
    config.mutable_fhir()->set_per_principal_rate_limit(0);
    config.mutable_fhir()->set_json_api_rate_limit(0);
    // An outbox claim lapses after the longest send (+5 s): short timeouts
    // so a killed instance's claims are taken over within the test.
    config.mutable_fhir()->set_connect_timeout_ms(1000);
    config.mutable_fhir()->set_request_timeout_ms(3000);
    v1::DeliveryConfig* delivery = config.mutable_delivery();
    delivery->set_initial_backoff_ms(100);
    delivery->set_max_backoff_ms(1000);
    delivery->set_poll_interval_ms(50);
    delivery->set_mllp_ack_timeout_ms(2000);
    delivery->set_max_attempts(100);
    // The deadline scan every second (its lease lapses after 30 s when its
    // holder dies); a safety alert goes OVERDUE 5 s after it was raised.
    config.mutable_deadlines()->set_scan_interval_seconds(kScanIntervalSeconds);
    config.mutable_safety()->set_acknowledge_within_hours(0);
    config.mutable_safety()->set_acknowledge_within_seconds(
        kAcknowledgeWithinSeconds);
    std::string text;
    ASSERT_TRUE(google::protobuf::TextFormat::PrintToString(config, &text));
    std::ofstream(dir_ / "base.textproto") << text;
  }

  // cluster.sh ARGS with this cluster's environment, output to cluster.log.
  Timed Run(const std::string& args) {
    const absl::Time start = absl::Now();
    const std::string command =
        absl::StrCat(Env(), " ", TOBACCO_SOURCE_DIR, "/deploy/cluster.sh ",
                     args, " >>", (dir_ / "cluster.log").string(), " 2>&1");
    const int status = std::system(command.c_str());
    Timed t;
    t.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    t.took = absl::Now() - start;
    return t;
  }

  // Stops it (once: the watchdog only finds nothing left to stop).
  Timed Stop() {
    if (stopped_) return Timed{0, absl::ZeroDuration()};
    stopped_ = true;
    return Run("--stop");
  }

  // What a failed run keeps is the logs: the databases (about 200 MB)
  // go.
  std::string DropDataCommand() const {
    const std::string pg = (cluster_dir() / "pg").string();
    return absl::StrCat("rm -rf ", pg, "/primary ", pg, "/standby ", pg,
                        "/archive");
  }
  void DropData() {
    const int ignored = std::system(DropDataCommand().c_str());
    (void)ignored;
  }

  // The instance holding the deadline scan's lease (job_leases.holder is
  // host/pid/start), read with psql as the gateways' role; 0 when no
  // lease is current, -1 when a killed instance's is (until it lapses).
  int ScanLeaseHolder() const {
    const std::filesystem::path c = cluster_dir();
    const std::string command = absl::StrCat(
        "PGPASSWORD=$(cat ", (c / "secrets" / "gateway.password").string(),
        ") /usr/lib/postgresql/15/bin/psql -XAtq \"host=127.0.0.1 port=",
        base_ + 3, " dbname=tobacco user=gateway sslmode=verify-full ",
        "sslrootcert=", (c / "pg" / "tls" / "ca.pem").string(),
        " connect_timeout=5\" -c \"SELECT holder FROM job_leases WHERE ",
        "job = 'deadline_scan' AND expires_us > ",
        absl::ToUnixMicros(absl::Now()), "\" 2>/dev/null");
    std::string out;
    if (FILE* p = popen(command.c_str(), "r"); p != nullptr) {
      char buffer[512];
      while (fgets(buffer, sizeof(buffer), p) != nullptr) out += buffer;
      pclose(p);
    }
    // host/pid/start
    const size_t first = out.find('/');
    const size_t second = out.find('/', first + 1);
    if (first == std::string::npos || second == std::string::npos) return 0;
    const std::string pid = out.substr(first + 1, second - first - 1);
    for (int i = 1; i <= kInstances; ++i) {
      std::string file = ReadFile(c / absl::StrCat("gw", i) / "gateway.pid");
      file.erase(std::remove(file.begin(), file.end(), '\n'), file.end());
      if (file == pid) return i;
    }
    return -1;
  }

  std::string Log() const { return ReadFile(dir_ / "cluster.log"); }
  std::string GatewayLog(int i) const {
    return ReadFile(cluster_dir() / absl::StrCat("gw", i) / "gateway.log");
  }

 private:
  std::string Env() const {
    return absl::StrCat(
        "CLUSTER_DIR=", cluster_dir().string(), " CLUSTER_PORT_BASE=", base_,
        " CLUSTER_CONFIG=", (dir_ / "base.textproto").string(),
        " CLUSTER_CERTS=", DevCerts().string(), " CLUSTER_RECEIVERS=0",
        " GATEWAY_BIN=", TOBACCO_GATEWAY_BIN);
  }

  std::filesystem::path dir_;
  int base_ = 0;
  bool stopped_ = false;
};

// --- the receivers (the trust's engine, the GP's and pharmacy's and the
// service's FHIR endpoints) ---------------------------------------------

class Received {
 public:
  void Add(const std::string& id) {
    absl::MutexLock lock(&mu_);
    ++counts_[id];
  }
  std::map<std::string, int> counts() {
    absl::MutexLock lock(&mu_);
    return counts_;
  }

 private:
  absl::Mutex mu_;
  std::map<std::string, int> counts_ ABSL_GUARDED_BY(mu_);
};

std::unique_ptr<hl7v2::MllpListener> StartMllpPeer(int port,
                                                   Received& received) {
  hl7v2::MllpListenerOptions options;
  options.address = absl::StrCat("127.0.0.1:", port);
  options.log_warning = [](const std::string&) {};  // peers vanish on kill
  auto listener = hl7v2::MllpListener::Start(
      options, [&received](const std::string& payload,
                           std::function<void(std::string)> reply) {
        absl::StatusOr<hl7v2::Message> request = hl7v2::ParseEr7(payload);
        if (!request.ok()) return;
        received.Add(request->Get("MSH-10").value_or(""));
        hl7v2::AckOutcome outcome;
        outcome.code = hl7v2::AckCode::kAccept;
        outcome.kind = hl7v2::AckKind::kApplication;
        outcome.control_id = "PEERACK";
        outcome.timestamp = absl::Now();
        absl::StatusOr<hl7v2::Message> ack = hl7v2::BuildAck(*request, outcome);
        if (ack.ok()) reply(hl7v2::WriteEr7(*ack));
      });
  EXPECT_TRUE(listener.ok()) << listener.status();
  return listener.ok() ? *std::move(listener) : nullptr;
}

std::string StringAt(const Json& json, const char* pointer) {
  const Json::json_pointer at(pointer);
  if (!json.contains(at) || !json.at(at).is_string()) return "";
  return json.at(at).get<std::string>();
}

// Records MessageHeader.id, the message id (= Bundle.identifier.value).
std::unique_ptr<fhir::HttpsListener> StartFhirPeer(int port,
                                                   Received& received) {
  fhir::HttpsListenerOptions options;
  options.address = absl::StrCat("127.0.0.1:", port);
  options.tls_cert_path = (DevCerts() / "server.pem").string();
  options.tls_key_path = (DevCerts() / "server.key").string();
  options.client_ca_path = (DevCerts() / "ca.pem").string();
  auto listener = fhir::HttpsListener::Start(
      options,
      [&received](const fhir::InboundMessage& message, fhir::Respond respond) {
        const Json bundle = Json::parse(message.body.begin(),
                                        message.body.end(), nullptr, false);
        const std::string id = StringAt(bundle, "/entry/0/resource/id");
        if (id.empty() || StringAt(bundle, "/identifier/value") != id) {
          respond({400, R"({"resourceType":"OperationOutcome"})"});
          return;
        }
        received.Add(id);
        respond({200,
                 R"({"resourceType":"OperationOutcome","issue":[)"
                 R"({"severity":"information","code":"informational"}]})"});
      });
  EXPECT_TRUE(listener.ok()) << listener.status();
  return listener.ok() ? *std::move(listener) : nullptr;
}

// --- clients ---------------------------------------------------------------

// gRPC stubs on a channel of their own (a connection of its own through
// the balancer, so the clients spread over the instances), reconnecting
// fast after the instance behind it died.
struct Grpc {
  Grpc(int port, const std::string& cert) {
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = DevPem("ca.pem");
    tls.pem_cert_chain = DevPem(cert + ".pem");
    tls.pem_private_key = DevPem(cert + ".key");
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("localhost");
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
    channel = grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port),
                                        grpc::SslCredentials(tls), args);
    referrals = v1::ReferralService::NewStub(channel);
    prescriptions = v1::PrescriptionService::NewStub(channel);
    outcomes = v1::OutcomeService::NewStub(channel);
    admin = v1::AdminService::NewStub(channel);
    alerts = v1::SafetyAlertService::NewStub(channel);
  }
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::ReferralService::Stub> referrals;
  std::unique_ptr<v1::PrescriptionService::Stub> prescriptions;
  std::unique_ptr<v1::OutcomeService::Stub> outcomes;
  std::unique_ptr<v1::AdminService::Stub> admin;
  std::unique_ptr<v1::SafetyAlertService::Stub> alerts;
};

std::unique_ptr<grpc::ClientContext> Ctx(
    absl::Duration timeout = absl::Seconds(5)) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return ctx;
}

enum class Verdict { kOk, kRetry, kFail };
struct Attempt {
  Verdict verdict;
  std::string detail;
};

Attempt FromGrpc(const grpc::Status& s) {
  if (s.ok()) return {Verdict::kOk, ""};
  const std::string detail =
      absl::StrCat("gRPC ", s.error_code(), " ", s.error_message());
  switch (s.error_code()) {
    // What a call cut by a dying instance (or the balancer's reconnect)
    // gets; the gateway's own "retry" answer is UNAVAILABLE too.
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return {Verdict::kRetry, detail};
    default:
      return {Verdict::kFail, detail};
  }
}

// What the test measures.
struct Protocol {
  std::string name;
  std::atomic<int64_t> calls{0};
  std::atomic<int64_t> acknowledged{0};
  std::atomic<int64_t> retries{0};
};

struct Episode {  // a call that failed at `start` and succeeded at `end`
  absl::Time start;
  absl::Time end;
  std::string first_error;
};

class Measure {
 public:
  Protocol grpc{"gRPC"}, mllp{"HL7 v2 MLLP"}, fhir{"FHIR HTTPS"};
  std::atomic<int64_t> reads{0};

  void AddEpisode(absl::Time start, absl::Time end, const std::string& error) {
    absl::MutexLock lock(&mu_);
    episodes_.push_back({start, end, error});
  }
  void Error(const std::string& protocol, const std::string& detail) {
    absl::MutexLock lock(&mu_);
    ++errors_[absl::StrCat(protocol, ": ", detail.substr(0, 90))];
  }
  std::vector<Episode> episodes() {
    absl::MutexLock lock(&mu_);
    return episodes_;
  }
  std::map<std::string, int> errors() {
    absl::MutexLock lock(&mu_);
    return errors_;
  }

 private:
  absl::Mutex mu_;
  std::vector<Episode> episodes_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int> errors_ ABSL_GUARDED_BY(mu_);
};

// Runs `attempt` until it succeeds (each retry with the same ids); false,
// with a test failure, on an answer no retry changes or after 90 s.
bool Persist(Measure& m, Protocol& protocol, const std::string& what,
             const std::function<Attempt()>& attempt, bool acknowledged = true,
             int max_refusals = 0) {
  absl::Time first_failure = absl::InfiniteFuture();
  std::string first_error;
  const absl::Time give_up = absl::Now() + absl::Seconds(90);
  int refusals = 0;
  while (true) {
    if (acknowledged)
      ++protocol.calls;
    else
      ++m.reads;
    const Attempt a = attempt();
    if (a.verdict == Verdict::kOk) {
      if (acknowledged) ++protocol.acknowledged;
      if (first_failure != absl::InfiniteFuture()) {
        m.AddEpisode(first_failure, absl::Now(), first_error);
      }
      return true;
    }
    m.Error(protocol.name, a.detail);
    if (a.verdict == Verdict::kFail && ++refusals > max_refusals) {
      ADD_FAILURE() << what << ": " << a.detail;
      return false;
    }
    if (absl::Now() > give_up) {
      ADD_FAILURE() << what << ": still failing after 90 s: " << a.detail;
      return false;
    }
    if (acknowledged) ++protocol.retries;
    if (first_failure == absl::InfiniteFuture()) {
      first_failure = absl::Now();
      first_error = a.detail;
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
}

// --- the pathway -----------------------------------------------------------

struct Flow {
  std::string key;
  std::string control_id;  // MSH-10 of the REF^I12
  std::string referral_id;
  std::string gp_id;
  std::string pharmacy_id;
  std::string outcome_id;
  bool complete = false;
};

struct Samples {
  std::string ref_i12;
  Json decision;
  Json dispense;
  std::string quit_date;
  std::string recorded_on;
};

Samples LoadSamples() {
  Samples s;
  const std::string data = std::string(TOBACCO_SOURCE_DIR) + "/tests/testdata";
  s.ref_i12 = absl::StrReplaceAll(ReadFile(data + "/hl7v2/ref_i12_basic.hl7"),
                                  {{"\r\n", "\r"}, {"\n", "\r"}});
  // The registered GP, and consent to share with the GP, pharmacies and
  // the mental health team (every message back to the trust needs it).
  s.ref_i12 = absl::StrReplaceAll(
      s.ref_i12,
      {{"\rDG1|", "\rPD1|||Sample Surgery^^^^^^^^^Y90001\rDG1|"},
       {"\rNTE|",
        "\rOBX|6|CE|CONSENT^Consent to share^L||GP^GP~PHARMACY^Pharmacy~"
        "MHT^Mental health team^L||||||F\rNTE|"}});
  s.decision =
      Json::parse(ReadFile(data + "/fhir/gp_decision_prescribed_bundle.json"));
  s.dispense =
      Json::parse(ReadFile(data + "/fhir/pharmacy_dispense_bundle.json"));
  const absl::CivilDay today =
      absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  s.quit_date = absl::FormatCivilTime(today - 30);
  s.recorded_on = absl::FormatCivilTime(today - 1);
  return s;
}

class Driver {
 public:
  Driver(Cluster& cluster, const Samples& samples, Measure& m)
      : cluster_(cluster),
        samples_(samples),
        m_(m),
        service_(cluster.grpc_port(), "service-tds01") {
    hl7v2::MllpClientOptions options;
    options.address = absl::StrCat("127.0.0.1:", cluster.mllp_port());
    options.connect_timeout = absl::Seconds(2);
    options.io_timeout = absl::Seconds(5);
    options.attempts = 1;
    mllp_ = std::make_unique<hl7v2::MllpClient>(options);
  }

  // The whole pathway of `flow`, each step persisted; false when one could
  // not be completed (a test failure says why).
  bool Run(Flow& flow) {
    return Refer(flow) && FindReferral(flow) && Accept(flow) &&
           Recommend(flow) && AwaitAcknowledged(flow.gp_id) &&
           AwaitAcknowledged(flow.pharmacy_id) && GpPrescribes(flow) &&
           PharmacyDispenses(flow) && QuitDateAndOutcome(flow) &&
           (flow.complete = true);
  }

 private:
  // Keeps the first answer; a retry must answer the same.
  static void Answered(const Flow& flow, std::string& kept,
                       const std::string& got, const char* step) {
    EXPECT_TRUE(kept.empty() || kept == got)
        << flow.key << " " << step << ": a retry answered " << got
        << ", the first time " << kept;
    if (kept.empty()) kept = got;
  }

  // 1. The trust refers over MLLP (enhanced mode: CA once stored).
  bool Refer(Flow& flow) {
    const std::string message = absl::StrReplaceAll(
        samples_.ref_i12,
        {{"MSG000101", flow.control_id},
         {"CMHT-REF-000123", absl::StrCat("CMHT-", flow.key)}});
    int errors = 0;
    return Persist(m_, m_.mllp, flow.key + " REF^I12", [&]() -> Attempt {
      absl::StatusOr<std::string> ack = mllp_->Send(message);
      if (!ack.ok()) {
        mllp_->Close();
        return {Verdict::kRetry, std::string(ack.status().message())};
      }
      if (absl::StrContains(*ack, absl::StrCat("MSA|CA|", flow.control_id)) ||
          absl::StrContains(*ack, absl::StrCat("MSA|AA|", flow.control_id))) {
        return {Verdict::kOk, ""};
      }
      // AE/CE: the gateway could not store it now (e.g. its database
      // connection broke); a few are retried, then it is a failure.
      const bool retry = (absl::StrContains(*ack, "MSA|CE|") ||
                          absl::StrContains(*ack, "MSA|AE|")) &&
                         ++errors <= 5;
      return {retry ? Verdict::kRetry : Verdict::kFail,
              absl::StrReplaceAll(ack->substr(0, 300), {{"\r", " | "}})};
    });
  }

  // 2. The service finds it among the referrals it received.
  bool FindReferral(Flow& flow) {
    const std::string external = absl::StrCat("CMHT-", flow.key);
    const absl::Time give_up = absl::Now() + absl::Seconds(30);
    while (absl::Now() < give_up) {
      v1::ListReferralsRequest list;
      list.set_ods_code("TDS01");
      list.set_status(v1::REFERRAL_STATUS_RECEIVED);
      list.set_page_size(500);
      v1::ListReferralsResponse page;
      bool ok = Persist(
          m_, m_.grpc, flow.key + " list",
          [&] {
            page.Clear();
            return FromGrpc(
                service_.referrals->ListReferrals(Ctx().get(), list, &page));
          },
          /*acknowledged=*/false);
      if (!ok) return false;
      for (const v1::Referral& r : page.referrals()) {
        if (r.external_referral_id() == external) {
          flow.referral_id = r.referral_id();
          return true;
        }
      }
      absl::SleepFor(absl::Milliseconds(50));
    }
    ADD_FAILURE() << flow.key << ": its acknowledged referral is not listed";
    return false;
  }

  // 3. Accepted (RRI^I12 to the trust).
  bool Accept(Flow& flow) {
    v1::UpdateReferralStatusRequest accept;
    accept.set_request_id(absl::StrCat(flow.key, "-accept"));
    accept.set_referral_id(flow.referral_id);
    accept.set_status(v1::REFERRAL_STATUS_ACCEPTED);
    accept.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
    return Persist(m_, m_.grpc, flow.key + " accept", [&] {
      v1::Referral out;
      return FromGrpc(
          service_.referrals->UpdateReferralStatus(Ctx().get(), accept, &out));
    });
  }

  // 4. Varenicline for the GP to prescribe, a vape kit from the pharmacy
  // (each to its FHIR endpoint; the first raises the CYP1A2 alert).
  bool Recommend(Flow& flow) {
    const auto recommend = [&](v1::RecommendPrescriptionRequest r,
                               std::string& kept, const char* step) {
      return Persist(m_, m_.grpc, absl::StrCat(flow.key, " ", step), [&] {
        v1::PrescriptionRequest out;
        grpc::Status s =
            service_.prescriptions->RecommendPrescription(Ctx().get(), r, &out);
        if (s.ok()) Answered(flow, kept, out.prescription_id(), step);
        return FromGrpc(s);
      });
    };
    return recommend(testing::SampleRecommendation(
                         absl::StrCat(flow.key, "-gp"), flow.referral_id,
                         "varenicline-1mg", v1::ROUTE_GP_PRESCRIPTION),
                     flow.gp_id, "recommend GP") &&
           recommend(
               testing::SampleRecommendation(
                   absl::StrCat(flow.key, "-pharmacy"), flow.referral_id,
                   "vape-starter-kit", v1::ROUTE_PHARMACY_SUPPLY, "FZZ99"),
               flow.pharmacy_id, "recommend pharmacy");
  }

  // 5. The outbox delivered it and the receiver's 200 moved it on.
  bool AwaitAcknowledged(const std::string& id) {
    const absl::Time give_up = absl::Now() + absl::Seconds(60);
    while (absl::Now() < give_up) {
      v1::GetPrescriptionRequest get;
      get.set_prescription_id(id);
      v1::PrescriptionRequest p;
      if (!Persist(
              m_, m_.grpc, id + " get",
              [&] {
                return FromGrpc(service_.prescriptions->GetPrescription(
                    Ctx().get(), get, &p));
              },
              /*acknowledged=*/false)) {
        return false;
      }
      if (p.status() == v1::PRESCRIPTION_STATUS_ACKNOWLEDGED) return true;
      absl::SleepFor(absl::Milliseconds(100));
    }
    ADD_FAILURE() << id << " was never delivered and acknowledged";
    return false;
  }

  bool PostFhir(const std::string& what, const std::string& cert,
                const std::string& body) {
    fhir::HttpsClientOptions options;
    options.ca_cert_path = (DevCerts() / "ca.pem").string();
    options.client_cert_path = (DevCerts() / (cert + ".pem")).string();
    options.client_key_path = (DevCerts() / (cert + ".key")).string();
    options.connect_timeout = absl::Seconds(2);
    options.io_timeout = absl::Seconds(5);
    const std::string url = absl::StrCat(
        "https://localhost:", cluster_.https_port(), "/fhir/$process-message");
    return Persist(m_, m_.fhir, what, [&]() -> Attempt {
      absl::StatusOr<fhir::HttpResponse> r =
          fhir::PostMessage(url, body, options);
      if (!r.ok()) return {Verdict::kRetry, std::string(r.status().message())};
      if (r->status == 200) return {Verdict::kOk, ""};
      const std::string detail =
          absl::StrCat("HTTP ", r->status, " ", r->body.substr(0, 300));
      const bool retry = r->status == 429 || r->status >= 500;
      return {retry ? Verdict::kRetry : Verdict::kFail, detail};
    });
  }

  // 6. The GP prescribes (FHIR).
  bool GpPrescribes(Flow& flow) {
    Json j = samples_.decision;
    j["id"] = absl::StrCat(flow.key, "-decision");
    j["entry"][1]["resource"]["basedOn"][0]["identifier"]["value"] = flow.gp_id;
    return PostFhir(flow.key + " GP decision", "gp-y90001", j.dump());
  }

  // 7. The pharmacy dispenses the GP's prescription and supplies the kit.
  bool PharmacyDispenses(Flow& flow) {
    const auto report = [&](const std::string& id, const std::string& tag) {
      Json j = samples_.dispense;
      j["id"] = absl::StrCat(flow.key, "-", tag);
      Json ours;
      ours["identifier"]["system"] =
          "https://example.org/fhir/Id/td-prescription-request";
      ours["identifier"]["value"] = id;
      j["entry"][1]["resource"]["authorizingPrescription"].push_back(ours);
      return PostFhir(absl::StrCat(flow.key, " ", tag), "pharmacy-fzz99",
                      j.dump());
    };
    return report(flow.gp_id, "dispense") && report(flow.pharmacy_id, "supply");
  }

  // 8. The quit date (the second alert), then a CO-verified 4-week quit
  // (ORU^R01 to the trust, an Observation to the GP).
  bool QuitDateAndOutcome(Flow& flow) {
    v1::SetQuitDateRequest quit;
    quit.set_request_id(absl::StrCat(flow.key, "-quit"));
    quit.set_referral_id(flow.referral_id);
    quit.set_quit_date(samples_.quit_date);
    quit.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
    if (!Persist(m_, m_.grpc, flow.key + " quit date", [&] {
          v1::Referral out;
          return FromGrpc(
              service_.referrals->SetQuitDate(Ctx().get(), quit, &out));
        })) {
      return false;
    }
    v1::RecordOutcomeRequest outcome;
    outcome.set_request_id(absl::StrCat(flow.key, "-outcome"));
    v1::Outcome* o = outcome.mutable_outcome();
    o->set_referral_id(flow.referral_id);
    o->set_follow_up(v1::FOLLOW_UP_POINT_WEEK_4);
    o->set_status(v1::OUTCOME_STATUS_QUIT_CO_VERIFIED);
    o->set_co_reading_ppm(4);
    o->set_quit_date(samples_.quit_date);
    o->set_recorded_on(samples_.recorded_on);
    o->mutable_recorded_by()->mutable_organisation()->set_ods_code("TDS01");
    return Persist(m_, m_.grpc, flow.key + " outcome", [&] {
      v1::Outcome out;
      grpc::Status s =
          service_.outcomes->RecordOutcome(Ctx().get(), outcome, &out);
      if (s.ok()) Answered(flow, flow.outcome_id, out.outcome_id(), "outcome");
      return FromGrpc(s);
    });
  }

  Cluster& cluster_;
  const Samples& samples_;
  Measure& m_;
  Grpc service_;
  std::unique_ptr<hl7v2::MllpClient> mllp_;
};

// Every event a stream gives, read on a thread of its own.
class EventReader {
 public:
  EventReader(int port, int64_t after)
      : client_(port, "service-tds01"), thread_([this, after] {
          v1::WatchEventsRequest request;
          request.set_after_sequence(after);
          auto reader = client_.prescriptions->WatchEvents(&ctx_, request);
          v1::TimelineEvent e;
          while (reader->Read(&e)) {
            absl::MutexLock lock(&mu_);
            events_.push_back(e);
            last_ = absl::Now();
          }
          status_ = reader->Finish();
          ended_ = true;
        }) {}
  ~EventReader() {
    ctx_.TryCancel();
    thread_.join();
  }
  std::vector<v1::TimelineEvent> events() {
    absl::MutexLock lock(&mu_);
    return events_;
  }
  size_t size() {
    absl::MutexLock lock(&mu_);
    return events_.size();
  }
  absl::Time last() {
    absl::MutexLock lock(&mu_);
    return last_;
  }
  bool ended() const { return ended_; }
  grpc::Status status() const { return status_; }

 private:
  Grpc client_;
  grpc::ClientContext ctx_;
  absl::Mutex mu_;
  std::vector<v1::TimelineEvent> events_ ABSL_GUARDED_BY(mu_);
  absl::Time last_ ABSL_GUARDED_BY(mu_) = absl::Now();
  std::atomic<bool> ended_{false};
  grpc::Status status_;
  std::thread thread_;
};

std::string Seconds(absl::Duration d) {
  return absl::StrFormat("%.2f s", absl::ToDoubleSeconds(d));
}

TEST(ClusterTest, KillNineFiveTimesUnderLoadOverEveryProtocol) {
  const absl::Time test_start = absl::Now();
  Cluster cluster;
  ASSERT_GT(cluster.base(), 0) << "no block of 100 free loopback ports";
  cluster.StartWatchdog();
  cluster.WriteBaseConfig();
  if (HasFatalFailure()) return;

  Received hl7_received;
  Received fhir_received;
  std::unique_ptr<hl7v2::MllpListener> trust =
      StartMllpPeer(cluster.receivers_mllp_port(), hl7_received);
  std::unique_ptr<fhir::HttpsListener> endpoints =
      StartFhirPeer(cluster.receivers_fhir_port(), fhir_received);
  ASSERT_NE(trust, nullptr);
  ASSERT_NE(endpoints, nullptr);

  const Timed started = cluster.Run(absl::StrCat("--instances ", kInstances));
  ASSERT_EQ(started.exit_code, 0) << cluster.Log();
  std::cout << "cluster: ports from " << cluster.base() << " in "
            << cluster.dir() << "; started (PostgreSQL primary + synchronous "
            << "standby, " << kInstances << " gateways, nginx) in "
            << Seconds(started.took) << "\n";

  // The stream held on the instance that is never killed, from the start.
  auto held =
      std::make_unique<EventReader>(cluster.instance_grpc_port(kWatched), 0);

  const Samples samples = LoadSamples();
  Measure measure;
  absl::Mutex mu;
  std::vector<Flow> flows;
  std::atomic<bool> stop{false};
  std::vector<std::thread> workers;
  const std::string run = absl::StrCat(getpid() % 100000);
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&, w] {
      Driver driver(cluster, samples, measure);
      for (int i = 0; !stop.load() && i < 10000; ++i) {
        Flow flow;
        flow.key = absl::StrCat("c", run, "w", w, "n", i);
        flow.control_id = absl::StrCat("CL", run, "W", w, "N", i);
        const bool done = driver.Run(flow);
        absl::MutexLock lock(&mu);
        flows.push_back(flow);
        if (!done) return;  // the failure is reported
      }
    });
  }

  // Five kills, one instance at a time, never the watched one: the holder
  // of the deadline scan's lease when it can be, else 1 and 2 in turn.

  struct Kill {
    int instance;
    int lease_holder;
    absl::Time at;
    absl::Duration kill_took;
    absl::Duration restart_took;
  };
  std::vector<Kill> kills;
  std::mt19937 rng(20261202);
  for (int k = 0; k < kKills && !HasFailure(); ++k) {
    absl::SleepFor(absl::Milliseconds(3000 + rng() % 3000));
    Kill kill;
    // The deadline scan's lease holder when it is not the watched one (so
    // the lease is handed over at least once), else the next in turn.
    kill.lease_holder = cluster.ScanLeaseHolder();
    kill.instance = kill.lease_holder > 0 && kill.lease_holder != kWatched
                        ? kill.lease_holder
                        : 1 + k % (kInstances - 1);
    kill.at = absl::Now();
    const Timed killed =
        cluster.Run(absl::StrCat("--kill-instance ", kill.instance));
    EXPECT_EQ(killed.exit_code, 0) << cluster.Log();
    kill.kill_took = killed.took;
    // Down for a while: the balancer sends everything to the others.
    absl::SleepFor(absl::Milliseconds(1500 + rng() % 1500));
    const Timed restarted =
        cluster.Run(absl::StrCat("--start-instance ", kill.instance));
    EXPECT_EQ(restarted.exit_code, 0) << cluster.Log();
    kill.restart_took = restarted.took;
    kills.push_back(kill);
  }
  absl::SleepFor(absl::Seconds(2));
  stop = true;
  for (std::thread& t : workers) t.join();
  const absl::Time load_end = absl::Now();
  ASSERT_FALSE(HasFailure()) << "see above; logs in " << cluster.cluster_dir();
  ASSERT_GT(flows.size(), 20u) << "the load never got going";

  // (Closed before the cluster stops: a gateway's drain waits for open
  // connections.)
  auto service_client =
      std::make_unique<Grpc>(cluster.grpc_port(), "service-tds01");
  auto admin_client = std::make_unique<Grpc>(cluster.grpc_port(), "admin-ops");
  Grpc& service = *service_client;
  Grpc& admin = *admin_client;

  // The outbox drains (nothing pending, no dead letters) and every alert
  // goes OVERDUE (within the lease's 30 s if its holder was killed last).
  const absl::Time settle_start = absl::Now();
  std::map<std::string, std::vector<v1::SafetyAlert>> alerts;  // referral
  int64_t pending = -1;
  int64_t dead_letters = -1;
  while (true) {
    v1::GetDeliveryStatsResponse stats;
    grpc::Status s = admin.admin->GetDeliveryStats(
        Ctx().get(), v1::GetDeliveryStatsRequest(), &stats);
    if (s.ok()) {
      pending = 0;
      dead_letters = 0;
      for (const v1::DestinationStats& d : stats.destinations()) {
        pending += d.pending();
        dead_letters += d.dead_letters();
      }
    }
    bool all_overdue = true;
    for (const Flow& f : flows) {
      std::vector<v1::SafetyAlert>& mine = alerts[f.referral_id];
      if (!mine.empty() &&
          std::all_of(mine.begin(), mine.end(), [](const v1::SafetyAlert& a) {
            return a.state() == v1::SAFETY_ALERT_STATE_OVERDUE;
          })) {
        continue;
      }
      v1::ListSafetyAlertsRequest list;
      list.set_referral_id(f.referral_id);
      list.set_page_size(100);
      v1::ListSafetyAlertsResponse page;
      if (service.alerts->ListSafetyAlerts(Ctx().get(), list, &page).ok()) {
        mine.assign(page.alerts().begin(), page.alerts().end());
      }
      all_overdue = false;
    }
    if (s.ok() && pending == 0 && all_overdue) break;
    ASSERT_LT(absl::Now() - settle_start, absl::Seconds(120))
        << pending << " messages pending, alerts not all OVERDUE";
    absl::SleepFor(absl::Milliseconds(500));
  }
  const absl::Duration settle = absl::Now() - settle_start;
  EXPECT_EQ(dead_letters, 0);

  // Everything, replayed from the start through the balancer: read until
  // quiet. The held stream must have seen exactly this, in order.
  std::vector<v1::TimelineEvent> all;
  {
    EventReader replay(cluster.grpc_port(), 0);
    while (absl::Now() - replay.last() < absl::Seconds(2) && !replay.ended()) {
      absl::SleepFor(absl::Milliseconds(100));
    }
    all = replay.events();
    EXPECT_FALSE(replay.ended()) << replay.status().error_message();
  }
  const absl::Time held_wait = absl::Now() + absl::Seconds(15);
  while (held->size() < all.size() && absl::Now() < held_wait) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_FALSE(held->ended())
      << "the held Watch stream ended: " << held->status().error_message();
  const std::vector<v1::TimelineEvent> seen = held->events();
  held.reset();
  std::vector<int64_t> seen_sequences, all_sequences;
  for (const auto& e : seen) seen_sequences.push_back(e.sequence());
  for (const auto& e : all) all_sequences.push_back(e.sequence());
  EXPECT_TRUE(std::adjacent_find(seen_sequences.begin(), seen_sequences.end(),
                                 std::greater_equal<int64_t>()) ==
              seen_sequences.end())
      << "the held stream's sequences are not strictly increasing";
  EXPECT_TRUE(std::adjacent_find(all_sequences.begin(), all_sequences.end(),
                                 std::greater_equal<int64_t>()) ==
              all_sequences.end());
  EXPECT_EQ(seen_sequences.size(), all_sequences.size());
  if (seen_sequences != all_sequences) {
    std::vector<int64_t> missed, extra;
    std::set_difference(all_sequences.begin(), all_sequences.end(),
                        seen_sequences.begin(), seen_sequences.end(),
                        std::back_inserter(missed));
    std::set_difference(seen_sequences.begin(), seen_sequences.end(),
                        all_sequences.begin(), all_sequences.end(),
                        std::back_inserter(extra));
    ADD_FAILURE() << "the held stream differs from the replay: missed "
                  << missed.size() << " (first "
                  << (missed.empty() ? 0 : missed[0]) << "), extra "
                  << extra.size();
  }

  // Exactly once in the store.
  std::set<std::string> referral_ids;
  for (const Flow& f : flows) {
    EXPECT_TRUE(f.complete) << f.key;
    referral_ids.insert(f.referral_id);
  }
  EXPECT_EQ(referral_ids.size(), flows.size()) << "two flows, one referral";
  std::map<std::string, int> by_external;
  {
    std::string token;
    do {
      v1::ListReferralsRequest list;
      list.set_page_size(500);
      list.set_page_token(token);
      v1::ListReferralsResponse page;
      grpc::Status s =
          service.referrals->ListReferrals(Ctx().get(), list, &page);
      ASSERT_TRUE(s.ok()) << s.error_message();
      for (const v1::Referral& r : page.referrals()) {
        ++by_external[r.external_referral_id()];
      }
      token = page.next_page_token();
    } while (!token.empty());
  }
  for (const Flow& f : flows) {
    EXPECT_EQ(by_external[absl::StrCat("CMHT-", f.key)], 1)
        << f.key << ": its REF^I12 stored other than once";
  }
  for (const Flow& f : flows) {
    v1::ListPrescriptionsRequest list;
    list.set_referral_id(f.referral_id);
    v1::ListPrescriptionsResponse listed;
    ASSERT_TRUE(
        service.prescriptions->ListPrescriptions(Ctx().get(), list, &listed)
            .ok());
    std::map<std::string, v1::PrescriptionStatus> status;
    for (const auto& p : listed.prescriptions()) {
      status[p.prescription_id()] = p.status();
    }
    EXPECT_EQ(status.size(), 2u) << f.key;
    EXPECT_EQ(status[f.gp_id], v1::PRESCRIPTION_STATUS_DISPENSED) << f.key;
    EXPECT_EQ(status[f.pharmacy_id], v1::PRESCRIPTION_STATUS_SUPPLIED) << f.key;
    v1::ListOutcomesRequest outcomes_request;
    outcomes_request.set_referral_id(f.referral_id);
    v1::ListOutcomesResponse outcomes;
    ASSERT_TRUE(
        service.outcomes->ListOutcomes(Ctx().get(), outcomes_request, &outcomes)
            .ok());
    EXPECT_EQ(outcomes.outcomes_size(), 1) << f.key;
  }
  // Each step once on the timelines: one creation per referral, each status
  // change of each request once.
  std::map<std::string, int> created;  // referral
  std::map<std::tuple<std::string, int, int>, int> steps;
  std::map<std::string, int> alert_overdue;  // alert id
  int prescription_overdue = 0;
  std::map<std::string, int> once;
  for (const v1::TimelineEvent& e : all) {
    if (e.type() == v1::EVENT_TYPE_REFERRAL_CREATED) ++created[e.referral_id()];
    if (e.type() == v1::EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED ||
        e.type() == v1::EVENT_TYPE_PRESCRIPTION_RECOMMENDED) {
      ++steps[{e.prescription_id(), e.from_status(), e.to_status()}];
    }
    if (e.type() == v1::EVENT_TYPE_SAFETY_ALERT_OVERDUE) {
      ++alert_overdue[e.safety_alert_id()];
    }
    if (e.type() == v1::EVENT_TYPE_OVERDUE) ++prescription_overdue;
    // Steps that happen once however often their call or message was
    // retried or resent.
    std::string message_id;
    for (const v1::ExternalId& x : e.external_ids()) {
      if (x.system() == "https://example.org/fhir/Id/td-message") {
        message_id = x.value();
      }
    }
    switch (e.type()) {
      case v1::EVENT_TYPE_REFERRAL_STATUS_CHANGED:
      case v1::EVENT_TYPE_QUIT_DATE_SET:
      case v1::EVENT_TYPE_OUTCOME_RECORDED:
      case v1::EVENT_TYPE_SAFETY_ALERT:
      case v1::EVENT_TYPE_SAFETY_ALERT_SENT:
      case v1::EVENT_TYPE_MESSAGE_ACKNOWLEDGED:
        ++once[absl::StrCat(v1::EventType_Name(e.type()), " ", e.referral_id(),
                            " ", e.prescription_id(), " ", e.safety_alert_id(),
                            " ", e.referral_status(), " ", message_id)];
        break;
      default:
        break;
    }
  }
  for (const auto& [what, n] : once) EXPECT_EQ(n, 1) << what;
  for (const Flow& f : flows) {
    EXPECT_EQ(created[f.referral_id], 1) << f.key;
  }
  for (const auto& [step, n] : steps) {
    EXPECT_EQ(n, 1)
        << std::get<0>(step) << " "
        << v1::PrescriptionStatus_Name(
               static_cast<v1::PrescriptionStatus>(std::get<1>(step)))
        << " -> "
        << v1::PrescriptionStatus_Name(
               static_cast<v1::PrescriptionStatus>(std::get<2>(step)));
  }
  // GP route: RECOMMENDED, SENT, ACKNOWLEDGED, PRESCRIBED, DISPENSED;
  // pharmacy route: RECOMMENDED, SENT, ACKNOWLEDGED, SUPPLIED.
  EXPECT_EQ(steps.size(), flows.size() * (5 + 4));
  // The deadline scan: each alert OVERDUE exactly once.
  size_t alert_count = 0;
  for (const Flow& f : flows) {
    EXPECT_FALSE(alerts[f.referral_id].empty()) << f.key << ": no alert";
    for (const v1::SafetyAlert& a : alerts[f.referral_id]) {
      ++alert_count;
      EXPECT_EQ(a.state(), v1::SAFETY_ALERT_STATE_OVERDUE) << a.alert_id();
      EXPECT_EQ(alert_overdue[a.alert_id()], 1)
          << f.key << " alert " << a.alert_id()
          << ": SAFETY_ALERT_OVERDUE events";
    }
  }
  EXPECT_EQ(alert_overdue.size(), alert_count);
  EXPECT_EQ(prescription_overdue, 0) << "no request's deadline has passed";

  // Every message delivered; the receivers got exactly those ids.
  std::vector<v1::Delivery> deliveries;
  {
    std::string token;
    do {
      v1::ListDeliveriesRequest list;
      list.set_page_size(500);
      list.set_page_token(token);
      v1::ListDeliveriesResponse page;
      grpc::Status s = admin.admin->ListDeliveries(Ctx().get(), list, &page);
      ASSERT_TRUE(s.ok()) << s.error_message();
      for (const v1::Delivery& d : page.deliveries()) deliveries.push_back(d);
      token = page.next_page_token();
    } while (!token.empty());
  }
  std::set<std::string> delivered_fhir, delivered_hl7;
  std::map<std::string, int> by_kind;
  int max_attempts = 0;
  for (const v1::Delivery& d : deliveries) {
    EXPECT_EQ(d.state(), v1::DELIVERY_STATE_DELIVERED)
        << d.message_id() << " " << v1::MessageKind_Name(d.kind()) << ": "
        << d.last_error();
    ++by_kind[v1::MessageKind_Name(d.kind())];
    max_attempts = std::max(max_attempts, d.attempts());
    if (d.channel() == v1::DELIVERY_CHANNEL_HL7V2_MLLP) {
      // MSH-10: the message id's first 20 hex digits (delivery.proto).
      const std::string control =
          absl::StrReplaceAll(d.message_id(), {{"-", ""}}).substr(0, 20);
      EXPECT_TRUE(delivered_hl7.insert(control).second)
          << "two messages share MSH-10 " << control;
    } else {
      delivered_fhir.insert(d.message_id());
    }
  }
  int receipts = 0;
  int duplicates = 0;
  std::set<std::string> received_fhir, received_hl7;
  for (const auto& [id, n] : fhir_received.counts()) {
    received_fhir.insert(id);
    receipts += n;
    duplicates += n - 1;
  }
  for (const auto& [id, n] : hl7_received.counts()) {
    received_hl7.insert(id);
    receipts += n;
    duplicates += n - 1;
  }
  EXPECT_EQ(received_fhir, delivered_fhir);
  EXPECT_EQ(received_hl7, delivered_hl7);

  // One audit chain, sealed by every instance, verifies.
  v1::VerifyAuditChainResponse verified;
  grpc::Status vs = admin.admin->VerifyAuditChain(
      Ctx(absl::Seconds(60)).get(), v1::VerifyAuditChainRequest(), &verified);
  EXPECT_TRUE(vs.ok()) << vs.error_message();
  EXPECT_TRUE(verified.intact()) << verified.ShortDebugString();

  // What was measured.
  std::vector<Episode> episodes = measure.episodes();
  absl::Duration longest;
  for (const Episode& e : episodes)
    longest = std::max(longest, e.end - e.start);
  std::ostringstream report;
  report << "cluster test: " << flows.size() << " whole pathways by "
         << kWorkers << " clients through the balancer in "
         << Seconds(load_end - test_start - started.took) << " of load\n";
  for (Protocol* p : {&measure.mllp, &measure.grpc, &measure.fhir}) {
    report << absl::StrFormat(
        "  %-12s %6d calls, %6d acknowledged, %4d retries\n", p->name,
        p->calls.load(), p->acknowledged.load(), p->retries.load());
  }
  report << "  + " << measure.reads.load() << " gRPC reads (lookups, polls)\n";
  for (size_t k = 0; k < kills.size(); ++k) {
    const Kill& kill = kills[k];
    absl::Duration recovered;
    int cut = 0;
    const absl::Time window_end =
        k + 1 < kills.size() ? kills[k + 1].at : load_end;
    for (const Episode& e : episodes) {
      if (e.start >= kill.at - absl::Milliseconds(200) &&
          e.start < window_end) {
        ++cut;
        recovered = std::max(recovered, e.end - kill.at);
      }
    }
    report << "  kill " << k + 1 << ": instance " << kill.instance
           << " (the scan's lease: "
           << (kill.lease_holder > 0
                   ? absl::StrCat("instance ", kill.lease_holder)
               : kill.lease_holder < 0 ? "a killed one's, until it lapses"
                                       : "none")
           << ")"
           << ", kill -9 took " << Seconds(kill.kill_took)
           << ", restart to /readyz " << Seconds(kill.restart_took) << "; "
           << cut << " calls retried, all through " << Seconds(recovered)
           << " after the kill\n";
  }
  // Each retried call: when its first try failed, after which kill, why.
  report << "  retried calls (first failure after the kill before it):\n";
  for (const Episode& e : episodes) {
    int k = static_cast<int>(kills.size()) - 1;
    while (k >= 0 && kills[k].at > e.start + absl::Milliseconds(200)) --k;
    report << "    "
           << (k < 0 ? std::string("before any kill")
                     : absl::StrCat("+", Seconds(e.start - kills[k].at),
                                    " after kill ", k + 1))
           << ", waited " << Seconds(e.end - e.start) << ": "
           << e.first_error.substr(0, 100) << "\n";
  }
  report << "  longest wait for a retried call: " << Seconds(longest) << "\n";
  report << "  outbox: " << deliveries.size() << " messages ("
         << delivered_hl7.size() << " HL7, " << delivered_fhir.size()
         << " FHIR; ";
  for (const auto& [kind, n] : by_kind) report << kind << " " << n << " ";
  report << "), " << receipts << " receipts, " << duplicates
         << " same-id duplicates, most tries " << max_attempts
         << "; drained and every alert OVERDUE " << Seconds(settle)
         << " after the load\n";
  report << "  " << alert_count << " safety alerts, each OVERDUE once; "
         << all.size() << " events, the held stream saw " << seen.size()
         << "\n";
  report << "  the scan's lease at the end: instance "
         << cluster.ScanLeaseHolder() << "\n";
  // Which instances ran the deadline scan (each pass that changed
  // something logs "scan: N ..."): the lease moves when its holder dies.
  report << "  deadline scan passes that raised something, per instance:";
  for (int i = 1; i <= kInstances; ++i) {
    const std::string log = cluster.GatewayLog(i);
    int passes = 0;
    for (size_t at = log.find("scan: "); at != std::string::npos;
         at = log.find("scan: ", at + 1)) {
      ++passes;
    }
    report << " gateway " << i << " " << passes;
  }
  report << "\n  errors the clients saw:\n";
  for (const auto& [what, n] : measure.errors()) {
    report << "    " << n << " x " << what << "\n";
  }
  std::cout << report.str();

  service_client.reset();
  admin_client.reset();
  const Timed stopped = cluster.Stop();
  EXPECT_EQ(stopped.exit_code, 0);
  std::cout << "  cluster stopped in " << Seconds(stopped.took) << "; "
            << Seconds(absl::Now() - test_start) << " in all\n";
  trust->Stop();
  endpoints->Stop();
  // No patient identifier in any instance's log, across all their lives.
  for (int i = 1; i <= kInstances; ++i) {
    const std::string log = cluster.GatewayLog(i);
    EXPECT_FALSE(log.empty()) << i;
    EXPECT_EQ(log.find("9990000018"), std::string::npos) << "gateway " << i;
    EXPECT_EQ(log.find("19840512"), std::string::npos) << "gateway " << i;
  }
  // TOBACCO_KEEP_CLUSTER=1 keeps the folder (logs, configs, data) anyway.
  const char* keep = std::getenv("TOBACCO_KEEP_CLUSTER");
  if (!HasFailure() && (keep == nullptr || std::string(keep) != "1")) {
    std::error_code ignored;
    std::filesystem::remove_all(cluster.dir(), ignored);
  } else {
    std::cout << "kept for a look (logs and configs): " << cluster.dir()
              << "\n";
  }
}

}  // namespace
}  // namespace nhs::tobacco
