// reports (issue 14): the real tobaccoctl binary against a real gateway
// over a real socket: `report outcomes|pathway` as CSV (the header and known
// figures after disclosure control), as a table, quiet on stderr when it is
// not a terminal, and an unknown breakdown refused before any call.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gateway/domain/london_day.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/dev_certs.h"
#include "tests/testing/dev_mutual_tls.h"
#include "tests/testing/grpc_as.h"
#include "tests/testing/sample_requests.h"
#include "tests/testing/test_gateway.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::Clients;
using ::nhs::tobacco::testing::Ctx;
using ::nhs::tobacco::testing::DevCerts;
using ::nhs::tobacco::testing::FreshDataDir;
using ::nhs::tobacco::testing::GrpcAs;
using ::nhs::tobacco::testing::SampleConfig;
using ::nhs::tobacco::testing::SampleRecommendation;
using ::nhs::tobacco::testing::SampleReferralRequest;
using ::nhs::tobacco::testing::UseDevMutualTls;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;

struct CtlRun {
  int exit_code;
  std::string out;
  std::string err;
};

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The n-th valid test-range NHS number (999 prefix, Modulus 11 check digit;
// bases whose check digit would be 10 are skipped).
std::string NhsNumber(int n) {
  for (int base = 999000001;; ++base) {
    const std::string digits = absl::StrCat(base);
    int sum = 0;
    for (int i = 0; i < 9; ++i) sum += (digits[i] - '0') * (10 - i);
    int check = 11 - sum % 11;
    if (check == 11) check = 0;
    if (check == 10) continue;
    if (n-- == 0) return absl::StrCat(digits, check);
  }
}

class TobaccoctlReportTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(false); }

  // The sample gateway; on mutual TLS with the development PKI when `mtls`.
  void Start(bool mtls) {
    mtls_ = mtls;
    dir_ = FreshDataDir();
    v1::GatewayConfig config = SampleConfig(dir_);
    if (mtls) {
      UseDevMutualTls(*config.mutable_grpc());
    }
    // The defaults, stated: counts 1-7 withheld, the rest rounded to 5.
    config.mutable_reporting()->set_suppress_up_to(7);
    config.mutable_reporting()->set_secondary(
        v1::ReportingConfig::SECONDARY_ROUNDING);
    config.mutable_reporting()->set_rounding_base(5);
    auto server = server::GatewayServer::Start(config);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    connection_ = {"--target", absl::StrCat("127.0.0.1:", server_->port())};
    if (mtls) {
      connection_ = {"--target", absl::StrCat("localhost:", server_->port()),
                     "--ca", (DevCerts() / "ca.pem").string()};
    }
  }

  // Global flags presenting the development certificate `name`.
  std::vector<std::string> As(const std::string& name) {
    std::vector<std::string> flags = connection_;
    for (const std::string& f :
         {std::string("--cert"), (DevCerts() / (name + ".pem")).string(),
          std::string("--key"), (DevCerts() / (name + ".key")).string()}) {
      flags.push_back(f);
    }
    return flags;
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Runs the real binary; stdout through a pipe, stderr into a file (so
  // neither is a terminal, as in a script or a cron job).
  // `global` replaces the connection flags (a certificate to present).
  CtlRun Tobaccoctl(const std::vector<std::string>& args,
                    const std::vector<std::string>& global = {}) {
    const std::filesystem::path err_file = dir_ / "tobaccoctl.err";
    std::string command = absl::StrCat(TOBACCOCTL_BIN, " --timeout 60");
    for (const std::string& a : global.empty() ? connection_ : global) {
      absl::StrAppend(&command, " '", a, "'");
    }
    for (const std::string& a : args) absl::StrAppend(&command, " '", a, "'");
    absl::StrAppend(&command, " 2>'", err_file.string(), "'");
    FILE* pipe = popen(command.c_str(), "r");
    EXPECT_NE(pipe, nullptr);
    std::string out;
    char buffer[4096];
    size_t n = 0;
    while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
      out.append(buffer, n);
    }
    const int status = pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out,
            ReadText(err_file)};
  }

  // `count` referrals from `source` (sent by RX9 for service TDS01, GP
  // Y90001: all mapped to ICB QE1), each with a GP-route recommendation when
  // `recommend`. On mutual TLS the referring trust sends them.
  void CreateReferrals(int count, v1::ReferralSource source, bool recommend) {
    std::unique_ptr<Clients> plain;
    std::unique_ptr<GrpcAs> tls;
    v1::ReferralService::Stub* referrals = nullptr;
    v1::PrescriptionService::Stub* prescriptions = nullptr;
    if (mtls_) {
      tls = std::make_unique<GrpcAs>(server_->port(), "trust-rx9");
      referrals = tls->referrals.get();
      prescriptions = tls->prescriptions.get();
    } else {
      plain = std::make_unique<Clients>(server_->port());
      referrals = plain->referrals.get();
      prescriptions = plain->prescriptions.get();
    }
    for (int i = 0; i < count; ++i) {
      const int n = made_++;
      v1::CreateReferralRequest request =
          SampleReferralRequest(absl::StrCat("report-ref-", n));
      request.mutable_referral()->mutable_patient()->set_nhs_number(
          NhsNumber(n));
      request.mutable_referral()->set_source(source);
      v1::Referral referral;
      grpc::Status s =
          referrals->CreateReferral(Ctx().get(), request, &referral);
      ASSERT_TRUE(s.ok()) << s.error_message();
      if (!recommend) continue;
      v1::PrescriptionRequest prescription;
      s = prescriptions->RecommendPrescription(
          Ctx().get(),
          SampleRecommendation(absl::StrCat("report-rx-", n),
                               referral.referral_id(), "varenicline-1mg",
                               v1::ROUTE_GP_PRESCRIPTION, ""),
          &prescription);
      ASSERT_TRUE(s.ok()) << s.error_message();
    }
  }

  // Yesterday to today (Europe/London): covers referrals made just now even
  // if midnight passed meanwhile.
  std::vector<std::string> Period() {
    const absl::CivilDay today = domain::LondonDay(absl::Now());
    return {"--from", domain::IsoDay(today - 1), "--to", domain::IsoDay(today)};
  }

  std::vector<std::string> Lines(const std::string& csv) {
    std::vector<std::string> lines = absl::StrSplit(csv, "\r\n");
    EXPECT_EQ(lines.back(), "") << csv;
    lines.pop_back();
    return lines;
  }

  std::filesystem::path dir_;
  std::unique_ptr<server::GatewayServer> server_;
  bool mtls_ = false;
  std::vector<std::string> connection_;
  int made_ = 0;
};

TEST_F(TobaccoctlReportTest, OutcomeReturnCsvHasTheHeaderAndKnownFigures) {
  CreateReferrals(10, v1::REFERRAL_SOURCE_COMMUNITY_MENTAL_HEALTH, false);
  CreateReferrals(2, v1::REFERRAL_SOURCE_TALKING_THERAPIES, false);
  std::vector<std::string> args = {"report", "outcomes"};
  for (const std::string& a : Period()) args.push_back(a);
  for (const char* a : {"--by", "source", "--format", "csv"}) {
    args.push_back(a);
  }
  CtlRun run = Tobaccoctl(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "") << "no progress line when stderr is not a terminal";
  std::vector<std::string> lines = Lines(run.out);
  ASSERT_EQ(lines.size(), 4u) << run.out;
  EXPECT_EQ(lines[0],
            "period_start,period_end,source,referrals_received,quit_dates_set,"
            "quit_4wk_self_reported,quit_4wk_co_verified,not_quit_4wk,"
            "lost_to_follow_up_4wk,quit_12wk,quit_52wk,quit_rate_4wk,"
            "co_verified_share");
  const std::string period = absl::StrCat(args[3], ",", args[5], ",");
  // 10 received, no quit dates: the rates have no denominator (empty).
  EXPECT_THAT(lines,
              Contains(absl::StrCat(
                  period, "COMMUNITY_MENTAL_HEALTH,10,0,0,0,0,0,0,0,,")));
  // 2 is a small number: withheld.
  EXPECT_THAT(lines, Contains(::testing::StartsWith(
                         absl::StrCat(period, "TALKING_THERAPIES,*,"))));
  // The total (12) is rounded to the nearest 5.
  EXPECT_EQ(lines[3], absl::StrCat(period, "total,10,0,0,0,0,0,0,0,,"));
}

TEST_F(TobaccoctlReportTest, PathwayCsvAndTheTableForPeople) {
  CreateReferrals(10, v1::REFERRAL_SOURCE_COMMUNITY_MENTAL_HEALTH, true);
  std::vector<std::string> args = {"report", "pathway"};
  for (const std::string& a : Period()) args.push_back(a);
  std::vector<std::string> csv_args = args;
  for (const char* a : {"--by", "route", "--format", "csv"}) {
    csv_args.push_back(a);
  }
  CtlRun csv = Tobaccoctl(csv_args);
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.err, "");
  std::vector<std::string> lines = Lines(csv.out);
  ASSERT_EQ(lines.size(), 3u) << csv.out;
  EXPECT_TRUE(absl::StartsWith(
      lines[0],
      "period_start,period_end,route,requests,status_recommended,status_sent,"))
      << lines[0];
  EXPECT_TRUE(absl::EndsWith(lines[0], ",not_supplied_rate,went_overdue"));
  // Ten GP-route requests, all still RECOMMENDED.
  EXPECT_THAT(lines[1],
              ::testing::StartsWith(absl::StrCat(args[3], ",", args[5],
                                                 ",GP_PRESCRIPTION,10,10,0,")));
  EXPECT_THAT(lines[2], ::testing::StartsWith(absl::StrCat(
                            args[3], ",", args[5], ",total,10,10,0,")));

  std::vector<std::string> table_args = args;
  table_args.push_back("--by");
  table_args.push_back("route");
  CtlRun table = Tobaccoctl(table_args);
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out,
              AllOf(HasSubstr("Pathway performance"), HasSubstr("ROUTE"),
                    HasSubstr("REQUESTS"), HasSubstr("Requests by status now"),
                    HasSubstr("RECOMMENDED"), HasSubstr("Total")));
}

TEST_F(TobaccoctlReportTest, UnknownBreakdownExitsTwoListingTheValidOnes) {
  std::vector<std::string> args = {"report", "outcomes"};
  for (const std::string& a : Period()) args.push_back(a);
  args.push_back("--by");
  args.push_back("source,ccg");
  CtlRun run = Tobaccoctl(args);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_THAT(
      run.err,
      HasSubstr("error: --by: unknown breakdown \"ccg\"; valid: source, "
                "smi, diagnosis, route, product_kind, gp_practice, "
                "pharmacy, service, icb, quarter"));
}

// The README's example: a commissioner's quarterly return for their ICB as
// CSV from one command, on mutual TLS with the icb-qe1 certificate; the
// admin certificate gets no figures.
class TobaccoctlReportMtlsTest : public TobaccoctlReportTest {
 protected:
  void SetUp() override { Start(true); }
};

// "2026-27 Q3" for a day in October to December 2026.
std::string FinancialQuarter(absl::CivilDay day) {
  const int month = day.month();
  const int64_t start_year = month >= 4 ? day.year() : day.year() - 1;
  const int quarter = (month + 8) % 12 / 3 + 1;
  return absl::StrCat(start_year, "-", (start_year + 1) % 100 < 10 ? "0" : "",
                      (start_year + 1) % 100, " Q", quarter);
}

TEST_F(TobaccoctlReportMtlsTest, CommissionerGetsTheQuarterlyReturnAsCsv) {
  CreateReferrals(10, v1::REFERRAL_SOURCE_COMMUNITY_MENTAL_HEALTH, false);
  std::vector<std::string> args = {"report", "outcomes"};
  for (const std::string& a : Period()) args.push_back(a);
  for (const char* a : {"--by", "quarter,source", "--format", "csv"}) {
    args.push_back(a);
  }
  CtlRun run = Tobaccoctl(args, As("icb-qe1"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  std::vector<std::string> lines = Lines(run.out);
  ASSERT_GE(lines.size(), 2u) << run.out;
  EXPECT_TRUE(absl::StartsWith(
      lines[0], "period_start,period_end,quarter,source,referrals_received,"))
      << lines[0];
  const std::string quarter = FinancialQuarter(domain::LondonDay(absl::Now()));
  EXPECT_THAT(run.out, HasSubstr(absl::StrCat(",", quarter,
                                              ",COMMUNITY_MENTAL_HEALTH,10,")));
  EXPECT_TRUE(absl::StartsWith(
      lines.back(), absl::StrCat(args[3], ",", args[5], ",total,total,10,")))
      << lines.back();

  CtlRun admin = Tobaccoctl(args, As("admin-ops"));
  EXPECT_EQ(admin.exit_code, 1);
  EXPECT_EQ(admin.out, "");
  EXPECT_THAT(admin.err, HasSubstr("PERMISSION_DENIED"));
}

}  // namespace
}  // namespace nhs::tobacco
