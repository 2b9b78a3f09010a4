// Durable CreateReferral / RecommendPrescription throughput against a no-op
// unary call on the same gRPC server stack, at 1 and 64 concurrent callers.
// Prints calls/s, p50, p99 and the durable/no-op ratio. A report, not a
// test: it never fails on speed.
//
//   grpc_throughput_bench [--seconds=3] [--callers=1,64]
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gateway/server/config_loader.h"
#include "gateway/server/gateway_server.h"
#include "nhs/tobacco/bench/noop.grpc.pb.h"
#include "nhs/tobacco/v1/prescription_service.grpc.pb.h"
#include "nhs/tobacco/v1/referral_service.grpc.pb.h"
#include "tests/testing/sample_requests.h"

ABSL_FLAG(double, seconds, 3.0, "Measured seconds per scenario");
ABSL_FLAG(std::string, callers, "1,64", "Comma list of concurrent callers");

namespace nhs::tobacco::bench {
namespace {

class NoopService final : public Noop::CallbackService {
  grpc::ServerUnaryReactor* Ping(grpc::CallbackServerContext* context,
                                 const google::protobuf::Empty*,
                                 google::protobuf::Empty*) override {
    auto* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

struct Result {
  double calls_per_second = 0;
  double p50_us = 0;
  double p99_us = 0;
  int64_t errors = 0;
};

// Starts one call and invokes `done(ok)` when it completes.
using IssueFn = std::function<void(int64_t seq, std::function<void(bool)>)>;

// `callers` closed loops, each issuing its next call when the last returns.
Result RunLoad(int callers, absl::Duration duration, const IssueFn& issue) {
  absl::Mutex mu;
  std::vector<double> latencies;
  std::atomic<int64_t> seq{0}, errors{0};
  std::atomic<int> running{callers};
  absl::Notification finished;
  const absl::Time start = absl::Now();
  const absl::Time end = start + duration;
  std::function<void()> loop_step;
  struct Loop {
    std::function<void()> next;
  };
  std::vector<std::unique_ptr<Loop>> loops;
  for (int c = 0; c < callers; ++c) {
    loops.push_back(std::make_unique<Loop>());
    Loop* loop = loops.back().get();
    loop->next = [&, loop] {
      if (absl::Now() >= end) {
        if (running.fetch_sub(1) == 1) finished.Notify();
        return;
      }
      const absl::Time t0 = absl::Now();
      issue(seq.fetch_add(1), [&, loop, t0](bool ok) {
        const double us = absl::ToDoubleMicroseconds(absl::Now() - t0);
        if (!ok) errors.fetch_add(1);
        {
          absl::MutexLock lock(&mu);
          latencies.push_back(us);
        }
        loop->next();
      });
    };
  }
  for (auto& loop : loops) loop->next();
  finished.WaitForNotification();
  const double elapsed = absl::ToDoubleSeconds(absl::Now() - start);
  Result r;
  absl::MutexLock lock(&mu);
  std::sort(latencies.begin(), latencies.end());
  r.calls_per_second = latencies.size() / elapsed;
  if (!latencies.empty()) {
    r.p50_us = latencies[latencies.size() / 2];
    r.p99_us =
        latencies[std::min(latencies.size() - 1, latencies.size() * 99 / 100)];
  }
  r.errors = errors.load();
  return r;
}

int Main() {
  const auto dir = std::filesystem::temp_directory_path() /
                   absl::StrCat("tobacco_bench_", ::getpid());
  std::filesystem::remove_all(dir);
  auto config = server::LoadConfig(std::string(TOBACCO_SOURCE_DIR) +
                                   "/deploy/config/gateway.textproto");
  if (!config.ok()) {
    std::fprintf(stderr, "%s\n", config.status().ToString().c_str());
    return 1;
  }
  config->mutable_grpc()->set_address("127.0.0.1:0");
  // Never the admin listener's well-known port (another run may hold it).
  config->mutable_admin()->set_address("127.0.0.1:0");
  // The bare cost of the server stack: plaintext development mode, so the
  // ratio compares like with like (TLS would weigh on both sides equally).
  config->mutable_grpc()->clear_tls();
  config->mutable_grpc()->set_allow_insecure(true);
  if (config->has_mllp()) config->mutable_mllp()->set_address("127.0.0.1:0");
  // gRPC alone: no FHIR listener on its fixed port, nothing sent out.
  config->clear_fhir();
  for (auto& organisation : *config->mutable_organisations()) {
    if (organisation.has_mllp()) {
      organisation.mutable_mllp()->clear_outbound_address();
    }
  }
  config->mutable_store()->set_data_dir(dir.string());
  NoopService noop;
  server::GatewayServerOptions options;
  options.extra_services.push_back(&noop);
  auto server = server::GatewayServer::Start(*config, options);
  if (!server.ok()) {
    std::fprintf(stderr, "%s\n", server.status().ToString().c_str());
    return 1;
  }
  const std::string target = absl::StrCat("127.0.0.1:", (*server)->port());
  // Several channels so 64 callers are not all on one HTTP/2 connection.
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < 4; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("bench_channel", i);  // distinct args -> distinct connection
    channels.push_back(grpc::CreateCustomChannel(
        target, grpc::InsecureChannelCredentials(), args));
  }
  std::vector<std::unique_ptr<Noop::Stub>> noop_stubs;
  std::vector<std::unique_ptr<v1::ReferralService::Stub>> referral_stubs;
  std::vector<std::unique_ptr<v1::PrescriptionService::Stub>> rx_stubs;
  for (auto& ch : channels) {
    noop_stubs.push_back(Noop::NewStub(ch));
    referral_stubs.push_back(v1::ReferralService::NewStub(ch));
    rx_stubs.push_back(v1::PrescriptionService::NewStub(ch));
  }

  // One referral to recommend against.
  v1::Referral referral;
  {
    grpc::ClientContext ctx;
    grpc::Status s = referral_stubs[0]->CreateReferral(
        &ctx, testing::SampleReferralRequest("bench-seed"), &referral);
    if (!s.ok()) {
      std::fprintf(stderr, "seed referral: %s\n", s.error_message().c_str());
      return 1;
    }
  }

  const absl::Duration duration = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  std::vector<int> caller_counts;
  for (absl::string_view c :
       absl::StrSplit(absl::GetFlag(FLAGS_callers), ',')) {
    int n;
    if (absl::SimpleAtoi(c, &n) && n > 0) caller_counts.push_back(n);
  }

  int run = 0;
  auto noop_call = [&](int64_t seq, std::function<void(bool)> done) {
    auto ctx = std::make_shared<grpc::ClientContext>();
    auto req = std::make_shared<google::protobuf::Empty>();
    auto resp = std::make_shared<google::protobuf::Empty>();
    noop_stubs[seq % noop_stubs.size()]->async()->Ping(
        ctx.get(), req.get(), resp.get(),
        [ctx, req, resp, done](grpc::Status s) { done(s.ok()); });
  };
  auto referral_call = [&](int64_t seq, std::function<void(bool)> done) {
    auto ctx = std::make_shared<grpc::ClientContext>();
    auto req = std::make_shared<v1::CreateReferralRequest>(
        testing::SampleReferralRequest(
            absl::StrCat("bench-ref-", run, "-", seq)));
    auto resp = std::make_shared<v1::Referral>();
    referral_stubs[seq % referral_stubs.size()]->async()->CreateReferral(
        ctx.get(), req.get(), resp.get(),
        [ctx, req, resp, done](grpc::Status s) { done(s.ok()); });
  };
  auto recommend_call = [&](int64_t seq, std::function<void(bool)> done) {
    auto ctx = std::make_shared<grpc::ClientContext>();
    auto req = std::make_shared<v1::RecommendPrescriptionRequest>();
    req->set_request_id(absl::StrCat("bench-rx-", run, "-", seq));
    req->set_referral_id(referral.referral_id());
    req->set_product_id("nrt-patch-21mg-24h");
    req->set_dose_text("Apply one patch every 24 hours");
    req->mutable_quantity()->set_value(28);
    req->mutable_quantity()->set_unit("patch");
    req->set_duration_days(28);
    req->set_route(v1::ROUTE_GP_PRESCRIPTION);
    req->mutable_recommended_by()->set_identifier("12A3456B");
    auto resp = std::make_shared<v1::PrescriptionRequest>();
    rx_stubs[seq % rx_stubs.size()]->async()->RecommendPrescription(
        ctx.get(), req.get(), resp.get(),
        [ctx, req, resp, done](grpc::Status s) { done(s.ok()); });
  };

  std::printf("%-24s %8s %12s %10s %10s %8s %7s\n", "call", "callers",
              "calls/s", "p50 us", "p99 us", "ratio", "errors");
  for (int callers : caller_counts) {
    ++run;
    RunLoad(callers, absl::Milliseconds(300), noop_call);  // warm up
    Result base = RunLoad(callers, duration, noop_call);
    std::printf("%-24s %8d %12.0f %10.0f %10.0f %8s %7lld\n", "no-op Ping",
                callers, base.calls_per_second, base.p50_us, base.p99_us,
                "1.00", static_cast<long long>(base.errors));
    for (auto& [name, fn] : std::vector<std::pair<std::string, IssueFn>>{
             {"CreateReferral", referral_call},
             {"RecommendPrescription", recommend_call}}) {
      ++run;
      const store::StoreStats before = (*server)->store().stats();
      Result r = RunLoad(callers, duration, fn);
      const store::StoreStats after = (*server)->store().stats();
      const double per_commit = after.commits > before.commits
                                    ? double(after.writes - before.writes) /
                                          double(after.commits - before.commits)
                                    : 0;
      std::printf(
          "%-24s %8d %12.0f %10.0f %10.0f %8.2f %7lld  (%.1f writes/commit)\n",
          name.c_str(), callers, r.calls_per_second, r.p50_us, r.p99_us,
          r.calls_per_second / base.calls_per_second,
          static_cast<long long>(r.errors), per_commit);
    }
  }
  std::fflush(stdout);
  (*server)->Shutdown(absl::Seconds(5));
  server->reset();
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace nhs::tobacco::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return nhs::tobacco::bench::Main();
}
