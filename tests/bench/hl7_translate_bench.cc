// HL7 v2 figures for the README (ARCHITECTURE section 9):
//  1. parse + translate REF^I12 messages per second on one core, with
//     python3-hl7's parse rate of the same message measured in the same run;
//  2. MLLP end to end with commit before ACK (the whole gateway in process,
//     SQLite, synchronous=FULL): messages per second and p50/p99 latency at
//     each --connections count, each connection sending one message at a
//     time and waiting for its ACK, as integration engines do.
// Reports numbers; never fails on speed.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "adapters/hl7v2/mllp_client.h"
#include "adapters/hl7v2/parser.h"
#include "adapters/mental_health/ref_i12_translator.h"
#include "gateway/server/config_loader.h"
#include "gateway/server/gateway_server.h"

ABSL_FLAG(double, seconds, 2, "duration of each measurement");
ABSL_FLAG(std::string, connections, "1,32", "MLLP connection counts");
ABSL_FLAG(std::string, python, "/usr/bin/python3",
          "interpreter with python3-hl7 for the peer figure; empty to skip");

namespace nhs::tobacco {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void TranslateRate(const std::string& name, const std::string& message,
                   absl::Duration duration) {
  int64_t count = 0;
  const absl::Time start = absl::Now();
  absl::Time now = start;
  while (now - start < duration) {
    for (int i = 0; i < 200; ++i) {
      auto parsed = hl7v2::ParseEr7(message);
      auto request = mental_health::TranslateRefI12(*parsed);
      if (!request.ok()) {
        std::cerr << request.status() << "\n";
        return;
      }
    }
    count += 200;
    now = absl::Now();
  }
  const double rate = count / absl::ToDoubleSeconds(now - start);
  std::printf("parse+translate %s (%zu bytes): %.0f msg/s on one core\n",
              name.c_str(), message.size(), rate);
}

void PythonPeer(const std::string& file, absl::Duration duration) {
  const std::string python = absl::GetFlag(FLAGS_python);
  if (python.empty()) return;
  const std::string command = absl::StrCat(
      python, " ", TOBACCO_SOURCE_DIR, "/tests/bench/hl7_parse_peer.py ", file,
      " ", absl::ToDoubleSeconds(duration), " 2>&1");
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return;
  char line[256];
  while (std::fgets(line, sizeof(line), pipe) != nullptr) {
    std::printf("  peer %s", line);
  }
  ::pclose(pipe);
}

void MllpEndToEnd(const std::string& message, int connections,
                  absl::Duration duration) {
  auto config = server::LoadConfig(std::string(TOBACCO_SOURCE_DIR) +
                                   "/deploy/config/gateway.textproto");
  if (!config.ok()) {
    std::cerr << config.status() << "\n";
    return;
  }
  const std::string dir =
      absl::StrCat("/tmp/hl7_bench_", ::getpid(), "_", connections);
  std::system(absl::StrCat("rm -rf ", dir).c_str());
  config->mutable_grpc()->set_address("127.0.0.1:0");
  // Never the admin listener's well-known port (another run may hold it).
  config->mutable_admin()->set_address("127.0.0.1:0");
  // gRPC is not measured here: development mode needs no certificates.
  config->mutable_grpc()->clear_tls();
  config->mutable_grpc()->set_allow_insecure(true);
  config->mutable_store()->set_data_dir(dir);
  config->mutable_mllp()->set_address("127.0.0.1:0");
  config->mutable_mllp()->set_max_connections(connections + 8);
  // Inbound only: no FHIR listener on its fixed port, nothing sent out.
  config->clear_fhir();
  // Nor MESH (it needs a MESH server and secrets).
  config->clear_mesh();
  for (auto& organisation : *config->mutable_organisations()) {
    if (organisation.has_mllp()) {
      organisation.mutable_mllp()->clear_outbound_address();
    }
    organisation.clear_mesh();
  }
  auto server = server::GatewayServer::Start(*config);
  if (!server.ok()) {
    std::cerr << server.status() << "\n";
    return;
  }
  const std::string address =
      absl::StrCat("127.0.0.1:", (*server)->mllp_port());
  std::vector<std::vector<double>> latencies(connections);
  std::atomic<int> errors{0};
  const absl::Time start = absl::Now();
  const absl::Time end = start + duration;
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      hl7v2::MllpClientOptions options;
      options.address = address;
      hl7v2::MllpClient client(options);
      for (int i = 0; absl::Now() < end; ++i) {
        const std::string control = absl::StrCat("B", c, "-", i);
        const std::string m =
            absl::StrReplaceAll(message, {{"MSG000101", control}});
        const absl::Time t0 = absl::Now();
        auto ack = client.Send(m);
        if (!ack.ok() || ack->find("MSA|AA") == std::string::npos) {
          ++errors;
          continue;
        }
        latencies[c].push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
      }
    });
  }
  for (auto& t : threads) t.join();
  const double elapsed = absl::ToDoubleSeconds(absl::Now() - start);
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0.0
                       : all[std::min(all.size() - 1,
                                      static_cast<size_t>(p * all.size()))];
  };
  std::printf(
      "MLLP end to end, commit before ACK, %d connection(s): %.0f msg/s, "
      "p50 %.2f ms, p99 %.2f ms (%zu ACKed, %d errors)\n",
      connections, all.size() / elapsed, pct(0.50), pct(0.99), all.size(),
      errors.load());
  (*server)->Shutdown();
  server->reset();
  std::system(absl::StrCat("rm -rf ", dir).c_str());
}

}  // namespace
}  // namespace nhs::tobacco

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const absl::Duration duration = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  const std::string dir =
      std::string(TOBACCO_SOURCE_DIR) + "/tests/testdata/hl7v2/";
  for (const char* name : {"ref_i12_basic.hl7", "ref_i12_custom_delims.hl7"}) {
    std::string message = absl::StrReplaceAll(
        nhs::tobacco::ReadFile(dir + name), {{"\r\n", "\r"}, {"\n", "\r"}});
    nhs::tobacco::TranslateRate(name, message, duration);
    nhs::tobacco::PythonPeer(dir + name, duration);
  }
  // Original acknowledgement mode, so each answer is an AA.
  const std::string basic =
      absl::StrReplaceAll(nhs::tobacco::ReadFile(dir + "ref_i12_basic.hl7"),
                          {{"|P|2.5.1|||AL|AL", "|P|2.5.1"}});
  for (absl::string_view n :
       absl::StrSplit(absl::GetFlag(FLAGS_connections), ',')) {
    int connections = 0;
    if (absl::SimpleAtoi(n, &connections) && connections > 0) {
      nhs::tobacco::MllpEndToEnd(basic, connections, duration);
    }
  }
  return 0;
}
