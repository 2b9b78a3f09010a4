// tobaccoctl against the real gateway over a real socket: the commands a
// newcomer types, their tables, their JSON and their errors.
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gateway/cli/channel.h"
#include "gateway/cli/commands.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/testing/test_gateway.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::FreshDataDir;
using ::nhs::tobacco::testing::SampleConfig;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

struct Outcome {
  int exit_code;
  std::string out;
  std::string err;
};

class TobaccoctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshDataDir();
    auto server = server::GatewayServer::Start(SampleConfig(dir_));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  Outcome Run(std::vector<std::string> args) {
    args.insert(args.begin(),
                {"--target", absl::StrCat("127.0.0.1:", server_->port())});
    std::ostringstream out, err;
    cli::Environment env;
    int code = cli::RunTobaccoctl(
        args, out, err,
        [&env](const cli::ConnectionOptions& options) {
          return cli::MakeChannel(options, env.read_file);
        },
        env);
    return {code, out.str(), err.str()};
  }

  // Runs a --json command and returns one field of the printed message.
  template <typename Message>
  Message RunJson(std::vector<std::string> args) {
    args.insert(args.begin(), "--json");
    Outcome o = Run(args);
    EXPECT_EQ(o.exit_code, 0) << o.err;
    Message m;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(o.out, &m).ok())
        << o.out;
    return m;
  }

  std::string CreateReferral() {
    return RunJson<v1::Referral>(
               {"referrals", "create", "--nhs-number", "999 000 0018", "--dob",
                "1980-04-01", "--referrer-ods", "RX9", "--source",
                "community_mental_health", "--service-ods", "TDS01", "--gp-ods",
                "Y90001", "--medicines", "Clozapine 200mg tablets",
                "--share-with-gp", "--share-with-pharmacy"})
        .referral_id();
  }

  std::filesystem::path dir_;
  std::unique_ptr<server::GatewayServer> server_;
};

TEST_F(TobaccoctlTest, GpPathwayRunsAndTheTimelineTableTellsTheStory) {
  const std::string referral = CreateReferral();
  ASSERT_FALSE(referral.empty());
  const std::string rx =
      RunJson<v1::PrescriptionRequest>({"prescriptions",
                                        "recommend",
                                        "--referral",
                                        referral,
                                        "--product",
                                        "varenicline-1mg",
                                        "--dose",
                                        "1mg twice daily",
                                        "--quantity",
                                        "56",
                                        "--unit",
                                        "tablet",
                                        "--duration-days",
                                        "28",
                                        "--route",
                                        "gp_prescription",
                                        "--practitioner",
                                        "12A3456B",
                                        "--practitioner-register",
                                        "nmc"})
          .prescription_id();
  ASSERT_FALSE(rx.empty());
  EXPECT_EQ(
      Run({"prescriptions", "sent", rx, "--actor-ods", "TDS01"}).exit_code, 0);
  EXPECT_EQ(Run({"prescriptions", "acknowledge", rx, "--actor-ods", "Y90001"})
                .exit_code,
            0);
  EXPECT_EQ(Run({"prescriptions", "prescribe", rx, "--actor-ods", "Y90001",
                 "--eps-id", "24F5DA-A83008-7EFE6Z"})
                .exit_code,
            0);
  Outcome dispensed =
      Run({"prescriptions", "dispense", rx, "--actor-ods", "FZZ99"});
  EXPECT_EQ(dispensed.exit_code, 0) << dispensed.err;
  EXPECT_THAT(dispensed.out, HasSubstr("DISPENSED"));

  Outcome timeline = Run({"prescriptions", "timeline", rx});
  ASSERT_EQ(timeline.exit_code, 0) << timeline.err;
  EXPECT_THAT(timeline.out,
              AllOf(HasSubstr("RECOMMENDED"), HasSubstr("SENT"),
                    HasSubstr("ACKNOWLEDGED"), HasSubstr("PRESCRIBED"),
                    HasSubstr("DISPENSED"), HasSubstr("Y90001")));

  Outcome listed = Run({"prescriptions", "list", "--ods", "Y90001"});
  EXPECT_THAT(listed.out, AllOf(HasSubstr(rx), HasSubstr("DISPENSED")));
}

TEST_F(TobaccoctlTest, TablesMaskTheNhsNumberAndJsonCarriesIt) {
  const std::string referral = CreateReferral();
  Outcome table = Run({"referrals", "show", referral});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, Not(HasSubstr("9990000018")));
  EXPECT_THAT(table.out, Not(HasSubstr("999 000 0018")));
  Outcome json = Run({"--json", "referrals", "show", referral});
  EXPECT_THAT(json.out, HasSubstr("9990000018"));
}

TEST_F(TobaccoctlTest, IllegalStepExitsOneNamingBothStates) {
  const std::string referral = CreateReferral();
  const std::string rx =
      RunJson<v1::PrescriptionRequest>({"prescriptions",   "recommend",
                                        "--referral",      referral,
                                        "--product",       "vape-starter-kit",
                                        "--dose",          "as needed",
                                        "--quantity",      "1",
                                        "--unit",          "kit",
                                        "--duration-days", "28",
                                        "--route",         "pharmacy_supply",
                                        "--target-ods",    "FZZ99",
                                        "--practitioner",  "12A3456B"})
          .prescription_id();
  Outcome o = Run({"prescriptions", "dispense", rx, "--actor-ods", "FZZ99"});
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_THAT(
      o.err, AllOf(HasSubstr("FAILED_PRECONDITION"), HasSubstr("RECOMMENDED")));
}

TEST_F(TobaccoctlTest, BadReferralPrintsEveryViolatedField) {
  Outcome o = Run({"referrals", "create", "--nhs-number", "9990000019",
                   "--referrer-ods", "RX9", "--source", "gp", "--service-ods",
                   "TDS01"});
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_THAT(o.err, AllOf(HasSubstr("INVALID_ARGUMENT"),
                           HasSubstr("referral.patient.nhs_number"),
                           HasSubstr("referral.patient.date_of_birth")));
}

TEST_F(TobaccoctlTest, WatchPrintsCommittedEventsAndStopsAtTheLimit) {
  CreateReferral();
  Outcome o = Run({"events", "watch", "--after", "0", "--limit", "1"});
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_THAT(o.out, HasSubstr("REFERRAL_CREATED"));
}

}  // namespace
}  // namespace nhs::tobacco
