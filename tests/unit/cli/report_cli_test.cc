// reports (issue 14): `tobaccoctl report` argument parsing through the real
// command table, the progress line, and the command against a fake
// ReportService on an in-process channel.
#include "gateway/cli/report_cli.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gateway/cli/commands.h"
#include "gmock/gmock.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "nhs/tobacco/v1/report_service.grpc.pb.h"

namespace nhs::tobacco::cli {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

absl::StatusOr<Invocation> Parse(std::vector<std::string> argv) {
  return ParseInvocation(argv);
}

ParsedArgs ArgsFor(std::vector<std::string> argv) {
  absl::StatusOr<Invocation> invocation = Parse(argv);
  EXPECT_TRUE(invocation.ok()) << invocation.status();
  return invocation.ok() ? invocation->args : ParsedArgs();
}

std::vector<int> ByOf(const v1::ReportRequest& r) {
  return std::vector<int>(r.by().begin(), r.by().end());
}

TEST(ReportCliTest, BuildsTheRequestWithBreakdownsInTheOrderGiven) {
  auto r = BuildReportRequest(
      ArgsFor({"report", "outcomes", "--from", "2026-04-01", "--to",
               "2026-06-30", "--by", "icb,quarter", "--by", " source ,route"}));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->from(), "2026-04-01");
  EXPECT_EQ(r->to(), "2026-06-30");
  EXPECT_THAT(
      ByOf(*r),
      ElementsAre(v1::REPORT_BREAKDOWN_ICB, v1::REPORT_BREAKDOWN_QUARTER,
                  v1::REPORT_BREAKDOWN_SOURCE, v1::REPORT_BREAKDOWN_ROUTE));
  EXPECT_EQ(r->disclosure(), v1::DISCLOSURE_UNSPECIFIED);  // = CONTROLLED
  auto none = BuildReportRequest(ArgsFor(
      {"report", "pathway", "--from", "2026-04-01", "--to", "2026-04-01"}));
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->by().empty());
}

TEST(ReportCliTest, EveryBreakdownNameIsAccepted) {
  auto r = BuildReportRequest(
      ArgsFor({"report", "outcomes", "--from", "2026-04-01", "--to",
               "2026-06-30", "--by",
               "source,smi,diagnosis,route,product_kind,gp_practice,pharmacy,"
               "service,icb,quarter"}));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->by_size(), 10);
}

// The error message of a request that must not build.
std::string BuildError(std::vector<std::string> argv) {
  auto r = BuildReportRequest(ArgsFor(std::move(argv)));
  EXPECT_FALSE(r.ok());
  return std::string(r.status().message());
}

template <typename T>
std::string Message(const absl::StatusOr<T>& result) {
  return std::string(result.status().message());
}

TEST(ReportCliTest, BadArgumentsNameTheFlag) {
  const std::string from = "2026-04-01", to = "2026-06-30";
  EXPECT_THAT(
      BuildError({"report", "outcomes", "--from", from, "--to", to, "--by",
                  "source,gp"}),
      AllOf(StartsWith("--by: unknown breakdown \"gp\"; valid: source, smi,"),
            HasSubstr("gp_practice")));
  EXPECT_THAT(BuildError({"report", "outcomes", "--from", from, "--to", to,
                          "--by", "Source"}),
              HasSubstr("unknown breakdown \"Source\""));
  EXPECT_EQ(BuildError({"report", "outcomes", "--from", from, "--to", to,
                        "--by", "route", "--by", "route"}),
            "--by: \"route\" given twice");
  EXPECT_THAT(BuildError({"report", "outcomes", "--from", from, "--to", to,
                          "--by", "route,"}),
              StartsWith("--by: empty breakdown name"));
  EXPECT_EQ(BuildError({"report", "outcomes", "--to", to}),
            "--from: required (YYYY-MM-DD)");
  EXPECT_EQ(BuildError({"report", "outcomes", "--from", from}),
            "--to: required (YYYY-MM-DD)");
  EXPECT_EQ(
      BuildError({"report", "outcomes", "--from", "2026-02-30", "--to", to}),
      "--from: \"2026-02-30\" is not a date (YYYY-MM-DD)");
  EXPECT_EQ(BuildError({"report", "outcomes", "--from", from, "--to", "30/06"}),
            "--to: \"30/06\" is not a date (YYYY-MM-DD)");
  EXPECT_EQ(BuildError({"report", "outcomes", "--from", to, "--to", from}),
            "--to: 2026-04-01 is before --from 2026-06-30");
}

TEST(ReportCliTest, FormatDefaultsToTableAndJsonMayComeFromEitherFlag) {
  auto table = ParseReportOptions(ArgsFor({"report", "outcomes"}),
                                  ReportKind::kOutcomes, false);
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->format, ReportFormat::kTable);
  auto csv =
      ParseReportOptions(ArgsFor({"report", "outcomes", "--format", "csv"}),
                         ReportKind::kOutcomes, false);
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(csv->format, ReportFormat::kCsv);
  auto json = ParseReportOptions(ArgsFor({"report", "outcomes"}),
                                 ReportKind::kOutcomes, true);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(json->format, ReportFormat::kJson);
  auto clash =
      ParseReportOptions(ArgsFor({"report", "outcomes", "--format", "csv"}),
                         ReportKind::kOutcomes, true);
  EXPECT_EQ(Message(clash), "--format: csv conflicts with --json");
  auto bad =
      ParseReportOptions(ArgsFor({"report", "outcomes", "--format", "xlsx"}),
                         ReportKind::kOutcomes, false);
  EXPECT_EQ(Message(bad),
            "--format: unknown format \"xlsx\"; valid: table, csv, json");
}

TEST(ReportCliTest, SectionIsForThePathwayCsvOnly) {
  auto overdue = ParseReportOptions(
      ArgsFor({"report", "pathway", "--format", "csv", "--section", "overdue"}),
      ReportKind::kPathway, false);
  ASSERT_TRUE(overdue.ok()) << overdue.status();
  EXPECT_EQ(overdue->section, PathwaySection::kOverdue);
  auto in_table =
      ParseReportOptions(ArgsFor({"report", "pathway", "--section", "overdue"}),
                         ReportKind::kPathway, false);
  EXPECT_THAT(Message(in_table),
              StartsWith("--section: only with --format csv"));
  // The outcome return has no such flag at all.
  EXPECT_FALSE(Parse({"report", "outcomes", "--section", "rows"}).ok());
  auto unknown = ParseReportOptions(
      ArgsFor({"report", "pathway", "--format", "csv", "--section", "x"}),
      ReportKind::kPathway, false);
  EXPECT_THAT(Message(unknown), StartsWith("--section: unknown section \"x\""));
}

// A clock that moves 400 ms each time it is read, lets the call finish once
// it has read past `finish_after`, and stands still from then on: the call
// "takes" that long whatever the machine's load.
struct SteppingClock {
  absl::Time now = absl::UnixEpoch();
  absl::Duration finish_after;
  absl::Notification* release;
  std::mutex mu;
  absl::Time Read() {
    std::lock_guard<std::mutex> lock(mu);
    if (release->HasBeenNotified()) return now;
    now += absl::Milliseconds(400);
    if (now - absl::UnixEpoch() > finish_after && !release->HasBeenNotified()) {
      release->Notify();
    }
    return now;
  }
};

ProgressSettings Settings(bool terminal, SteppingClock* clock) {
  ProgressSettings s;
  s.is_terminal = [terminal] { return terminal; };
  s.now = [clock] { return clock->Read(); };
  s.tick = absl::Milliseconds(1);
  return s;
}

TEST(ReportProgressTest, OnATerminalASlowCallShowsElapsedSecondsThenClears) {
  absl::Notification release;
  // Read at 0.4 s (the start), 0.8, 1.2, 1.6 (1 s shown), 2.0, 2.4 (2 s),
  // 2.8, 3.2, 3.6 (3 s; the call may finish).
  SteppingClock clock{.finish_after = absl::Milliseconds(3500),
                      .release = &release};
  std::ostringstream err;
  bool called = false;
  RunWithProgress(
      [&] {
        release.WaitForNotification();
        called = true;
      },
      err, Settings(true, &clock));
  EXPECT_TRUE(called);
  const std::string line = ProgressLine(1);
  EXPECT_EQ(line, "waiting for the report... 1 s");
  const std::string blank = std::string(line.size(), ' ');
  // Each second redrawn over the last, then the line blanked and the cursor
  // back at its start.
  EXPECT_EQ(err.str(), "\r" + line + "\r" + ProgressLine(2) + "\r" +
                           ProgressLine(3) + "\r" + blank + "\r");
}

TEST(ReportProgressTest, NothingBeforeTheFirstSecond) {
  absl::Notification release;
  // Released at the second reading (800 ms): under the one-second delay.
  SteppingClock clock{.finish_after = absl::Milliseconds(700),
                      .release = &release};
  std::ostringstream err;
  RunWithProgress([&] { release.WaitForNotification(); }, err,
                  Settings(true, &clock));
  EXPECT_EQ(err.str(), "");
}

TEST(ReportProgressTest, NotATerminalNothingAtAllAndNoThread) {
  absl::Notification release;
  SteppingClock clock{.finish_after = absl::Seconds(3), .release = &release};
  std::ostringstream err;
  bool called = false;
  RunWithProgress([&] { called = true; }, err, Settings(false, &clock));
  EXPECT_TRUE(called);
  EXPECT_EQ(err.str(), "");
  EXPECT_FALSE(release.HasBeenNotified()) << "the clock was never read";
}

// ReportService answering with a fixed total, remembering what it was asked;
// it can wait (for the progress line) or refuse.
class FakeReports final : public v1::ReportService::Service {
 public:
  grpc::Status GetOutcomeReport(grpc::ServerContext*,
                                const v1::ReportRequest* request,
                                v1::OutcomeReport* response) override {
    ++calls_;
    {
      std::lock_guard<std::mutex> lock(mu_);
      last_ = *request;
    }
    if (hold_ != nullptr) hold_->WaitForNotification();
    if (deny_) {
      return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                          "reports need a service, GP practice or ICB role");
    }
    v1::ReportHeader* h = response->mutable_header();
    h->set_from(request->from());
    h->set_to(request->to());
    *h->mutable_by() = request->by();
    v1::OutcomeReportRow* t = response->add_rows();
    t->set_period_start(request->from());
    t->set_period_end(request->to());
    t->set_total(true);
    t->mutable_referrals_received()->set_value(35);
    t->mutable_quit_dates_set()->set_suppressed(true);
    return grpc::Status::OK;
  }
  grpc::Status GetPathwayReport(grpc::ServerContext*,
                                const v1::ReportRequest* request,
                                v1::PathwayReport* response) override {
    ++calls_;
    *response->mutable_header()->mutable_by() = request->by();
    v1::OrganisationCount* o = response->add_overdue_by_organisation();
    o->set_ods_code("Y90001");
    o->set_display("Riverside Surgery");
    o->mutable_count()->set_value(10);
    return grpc::Status::OK;
  }

  std::atomic<int> calls_{0};
  std::mutex mu_;
  v1::ReportRequest last_;
  bool deny_ = false;
  absl::Notification* hold_ = nullptr;
};

class ReportCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.RegisterService(&reports_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    env_.progress.is_terminal = [] { return false; };
  }
  void TearDown() override { server_->Shutdown(); }

  int Run(std::vector<std::string> argv) {
    out_.str("");
    err_.str("");
    return RunTobaccoctl(
        argv, out_, err_,
        [this](const ConnectionOptions&)
            -> absl::StatusOr<std::shared_ptr<grpc::Channel>> {
          return server_->InProcessChannel(grpc::ChannelArguments());
        },
        env_);
  }

  FakeReports reports_;
  std::unique_ptr<grpc::Server> server_;
  Environment env_;
  std::ostringstream out_, err_;
};

TEST_F(ReportCommandTest, CsvOfTheOutcomeReturnSendsTheBreakdowns) {
  ASSERT_EQ(Run({"report", "outcomes", "--from", "2026-04-01", "--to",
                 "2026-06-30", "--by", "icb", "--format", "csv"}),
            kExitOk)
      << err_.str();
  EXPECT_EQ(reports_.last_.from(), "2026-04-01");
  EXPECT_THAT(ByOf(reports_.last_), ElementsAre(v1::REPORT_BREAKDOWN_ICB));
  EXPECT_EQ(out_.str(),
            "period_start,period_end,icb,referrals_received,quit_dates_set,"
            "quit_4wk_self_reported,quit_4wk_co_verified,not_quit_4wk,"
            "lost_to_follow_up_4wk,quit_12wk,quit_52wk,quit_rate_4wk,"
            "co_verified_share\r\n"
            "2026-04-01,2026-06-30,total,35,*,0,0,0,0,0,0,0.000,0.000\r\n");
  EXPECT_EQ(err_.str(), "");
}

TEST_F(ReportCommandTest, UnknownBreakdownIsRefusedBeforeAnyCall) {
  EXPECT_EQ(Run({"report", "outcomes", "--from", "2026-04-01", "--to",
                 "2026-06-30", "--by", "source,ccg"}),
            kExitUsage);
  EXPECT_THAT(err_.str(),
              AllOf(HasSubstr("error: --by: unknown breakdown \"ccg\"; valid: "
                              "source, smi, diagnosis, route, product_kind, "
                              "gp_practice, pharmacy, service, icb, quarter"),
                    HasSubstr("tobaccoctl help report outcomes")));
  EXPECT_EQ(reports_.calls_, 0);
  EXPECT_EQ(Run({"report", "pathway", "--from", "2026-04-01", "--to",
                 "2026-06-30", "--section", "overdue"}),
            kExitUsage);
  EXPECT_EQ(reports_.calls_, 0);
}

TEST_F(ReportCommandTest, JsonAndTheOverdueSection) {
  ASSERT_EQ(Run({"--json", "report", "outcomes", "--from", "2026-04-01", "--to",
                 "2026-06-30"}),
            kExitOk);
  EXPECT_THAT(out_.str(), AllOf(HasSubstr("\"referralsReceived\""),
                                HasSubstr("\"value\": \"35\"")));
  ASSERT_EQ(Run({"report", "pathway", "--from", "2026-04-01", "--to",
                 "2026-06-30", "--format", "csv", "--section", "overdue"}),
            kExitOk);
  EXPECT_EQ(out_.str(),
            "ods_code,display,went_overdue\r\nY90001,Riverside Surgery,10\r\n");
}

TEST_F(ReportCommandTest, RefusalExitsOneWithTheServersWords) {
  reports_.deny_ = true;
  EXPECT_EQ(
      Run({"report", "outcomes", "--from", "2026-04-01", "--to", "2026-06-30"}),
      kExitRpcError);
  EXPECT_THAT(err_.str(), HasSubstr("PERMISSION_DENIED"));
  EXPECT_EQ(out_.str(), "");
}

TEST_F(ReportCommandTest, ASlowReportShowsProgressOnATerminalOnly) {
  absl::Notification release;
  reports_.hold_ = &release;
  SteppingClock clock{.finish_after = absl::Seconds(2), .release = &release};
  env_.progress = Settings(true, &clock);
  ASSERT_EQ(Run({"report", "outcomes", "--from", "2026-04-01", "--to",
                 "2026-06-30", "--format", "csv"}),
            kExitOk);
  EXPECT_THAT(err_.str(), HasSubstr(ProgressLine(1)));
  EXPECT_THAT(out_.str(), StartsWith("period_start,"));
  EXPECT_THAT(out_.str(), Not(HasSubstr("waiting")));

  absl::Notification release_again;
  reports_.hold_ = &release_again;
  SteppingClock piped{.finish_after = absl::Seconds(2),
                      .release = &release_again};
  env_.progress = Settings(false, &piped);
  // Not a terminal: nobody reads the clock, so release the call ourselves.
  release_again.Notify();
  ASSERT_EQ(Run({"report", "outcomes", "--from", "2026-04-01", "--to",
                 "2026-06-30", "--format", "csv"}),
            kExitOk);
  EXPECT_EQ(err_.str(), "");
}

}  // namespace
}  // namespace nhs::tobacco::cli
