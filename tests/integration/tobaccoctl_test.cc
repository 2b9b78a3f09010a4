// tobaccoctl against the real gateway over a real socket: the commands a
// newcomer types, their tables, their JSON and their errors.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gateway/cli/channel.h"
#include "gateway/cli/commands.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "nhs/tobacco/v1/admin_service.pb.h"
#include "tests/testing/dev_certs.h"
#include "tests/testing/dev_mutual_tls.h"
#include "tests/testing/sample_requests.h"
#include "tests/testing/test_gateway.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::Clients;
using ::nhs::tobacco::testing::Ctx;
using ::nhs::tobacco::testing::DevCerts;
using ::nhs::tobacco::testing::FreshDataDir;
using ::nhs::tobacco::testing::SampleConfig;
using ::nhs::tobacco::testing::SampleReferralRequest;
using ::nhs::tobacco::testing::UseDevMutualTls;
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
    StartGateway(SampleConfig(dir_));
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  void StartGateway(const v1::GatewayConfig& config) {
    auto server = server::GatewayServer::Start(config);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    connection_ = {"--target", absl::StrCat("127.0.0.1:", server_->port())};
  }

  Outcome Run(std::vector<std::string> args) {
    args.insert(args.begin(), connection_.begin(), connection_.end());
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
  // Global flags every Run starts with.
  std::vector<std::string> connection_;
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

// A gateway whose referring trust takes HL7 v2 at an address where nothing
// listens, and which gives up after one try: the RRI^I12 that accepting a
// referral queues is a dead letter within milliseconds.
class TobaccoctlDeliveriesTest : public TobaccoctlTest {
 protected:
  void SetUp() override {
    dir_ = FreshDataDir();
    // Bound but never listening: connecting is refused at once, and no other
    // test can take the port while this one holds it.
    silent_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(silent_fd_, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    ASSERT_EQ(::bind(silent_fd_, reinterpret_cast<sockaddr*>(&addr), len), 0);
    ASSERT_EQ(
        ::getsockname(silent_fd_, reinterpret_cast<sockaddr*>(&addr), &len), 0);

    v1::GatewayConfig config = SampleConfig(dir_);
    v1::MllpListenerConfig* mllp = config.mutable_mllp();
    mllp->set_address("127.0.0.1:0");
    mllp->set_allow_plaintext(true);
    testing::ClearMllpTrusts(config);
    v1::MllpTrustConfig* trust = mllp->add_trusts();
    trust->set_sending_facility(referrer_);
    trust->set_service_ods_code("TDS01");
    trust->set_outbound_address(
        absl::StrCat("127.0.0.1:", ntohs(addr.sin_port)));
    v1::DeliveryConfig* delivery = config.mutable_delivery();
    delivery->set_max_attempts(1);
    delivery->set_initial_backoff_ms(10);
    delivery->set_poll_interval_ms(20);
    StartGateway(config);
  }
  void TearDown() override {
    TobaccoctlTest::TearDown();
    if (silent_fd_ >= 0) ::close(silent_fd_);
  }

  // Creates the sample referral and accepts it, over gRPC.
  void AcceptReferral() {
    Clients clients(server_->port());
    v1::Referral referral;
    grpc::Status s = clients.referrals->CreateReferral(
        Ctx().get(), SampleReferralRequest("create-1"), &referral);
    ASSERT_TRUE(s.ok()) << s.error_message();
    referral_id_ = referral.referral_id();
    v1::UpdateReferralStatusRequest accept;
    accept.set_request_id("accept-1");
    accept.set_referral_id(referral_id_);
    accept.set_status(v1::REFERRAL_STATUS_ACCEPTED);
    accept.mutable_actor()->mutable_organisation()->set_ods_code("TDS01");
    s = clients.referrals->UpdateReferralStatus(Ctx().get(), accept, &referral);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  // Polls `deliveries show` until the message is in `state`.
  v1::Delivery WaitForState(const std::string& message_id,
                            v1::DeliveryState state) {
    v1::Delivery d;
    const absl::Time deadline = absl::Now() + absl::Seconds(20);
    while (absl::Now() < deadline) {
      d = RunJson<v1::Delivery>({"deliveries", "show", message_id});
      if (d.state() == state) return d;
      absl::SleepFor(absl::Milliseconds(20));
    }
    ADD_FAILURE() << "still " << v1::DeliveryState_Name(d.state());
    return d;
  }

  // The one dead letter, once the worker has given up on it.
  std::string WaitForDeadLetter() {
    const absl::Time deadline = absl::Now() + absl::Seconds(20);
    while (absl::Now() < deadline) {
      auto listed = RunJson<v1::ListDeliveriesResponse>(
          {"deliveries", "list", "--state", "dead"});
      if (listed.deliveries_size() > 0) {
        return listed.deliveries(0).message_id();
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
    ADD_FAILURE() << "no dead letter after 20 s";
    return "";
  }

  const std::string referrer_ =
      SampleReferralRequest("").referral().referrer().ods_code();
  int silent_fd_ = -1;
  std::string referral_id_;
};

TEST_F(TobaccoctlDeliveriesTest,
       DeadLetterIsListedShownCountedReplayedAndDiscarded) {
  AcceptReferral();
  const std::string id = WaitForDeadLetter();
  ASSERT_FALSE(id.empty());

  Outcome listed = Run({"deliveries", "list", "--state", "dead"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(
      listed.out,
      AllOf(HasSubstr("MESSAGE ID"), HasSubstr("LAST ERROR"), HasSubstr(id),
            HasSubstr("REFERRAL_RESPONSE"), HasSubstr(referrer_),
            HasSubstr("HL7V2_MLLP"), HasSubstr("DEAD_LETTER")));
  Outcome pending = Run({"deliveries", "list", "--state", "pending"});
  EXPECT_EQ(pending.out, "no outbound messages\n");

  Outcome shown = Run({"deliveries", "show", id});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_THAT(shown.out,
              AllOf(HasSubstr("State         DEAD_LETTER\n"),
                    HasSubstr("Attempts      1\n"),
                    HasSubstr(absl::StrCat("Referral      ", referral_id_))));
  EXPECT_THAT(shown.out, Not(HasSubstr("Last error    -\n")));

  auto stats = RunJson<v1::GetDeliveryStatsResponse>({"deliveries", "stats"});
  ASSERT_EQ(stats.destinations_size(), 1);
  EXPECT_EQ(stats.destinations(0).destination_ods(), referrer_);
  EXPECT_EQ(stats.destinations(0).dead_letters(), 1);
  EXPECT_EQ(stats.destinations(0).pending(), 0);
  Outcome stats_table = Run({"deliveries", "stats"});
  EXPECT_THAT(stats_table.out,
              AllOf(HasSubstr("DEAD LETTERS"), HasSubstr(referrer_)));

  // Nobody listens still, so the replayed message dies again.
  Outcome replayed = Run({"deliveries", "replay", id});
  ASSERT_EQ(replayed.exit_code, 0) << replayed.err;
  EXPECT_THAT(replayed.out, AllOf(HasSubstr("State         PENDING\n"),
                                  HasSubstr("Attempts      0\n")));
  EXPECT_EQ(WaitForState(id, v1::DELIVERY_STATE_DEAD_LETTER).attempts(), 1);

  Outcome no_reason = Run({"deliveries", "discard", id});
  EXPECT_EQ(no_reason.exit_code, cli::kExitUsage);
  EXPECT_THAT(no_reason.err, HasSubstr("error: --reason: required"));
  EXPECT_EQ(RunJson<v1::Delivery>({"deliveries", "show", id}).state(),
            v1::DELIVERY_STATE_DEAD_LETTER);

  Outcome discarded = Run({"deliveries", "discard", id, "--reason",
                           "trust engine decommissioned; phoned instead"});
  ASSERT_EQ(discarded.exit_code, 0) << discarded.err;
  EXPECT_THAT(discarded.out,
              AllOf(HasSubstr("State         DISCARDED\n"),
                    HasSubstr("trust engine decommissioned; phoned instead")));
  auto now_discarded = RunJson<v1::ListDeliveriesResponse>(
      {"deliveries", "list", "--state", "discarded"});
  ASSERT_EQ(now_discarded.deliveries_size(), 1);
  EXPECT_EQ(now_discarded.deliveries(0).message_id(), id);

  // Discarded is final until replayed: a second discard is refused.
  Outcome again = Run({"deliveries", "discard", id, "--reason", "once more"});
  EXPECT_EQ(again.exit_code, cli::kExitRpcError);
  EXPECT_THAT(again.err,
              AllOf(HasSubstr("FAILED_PRECONDITION"), HasSubstr("DISCARDED")));
}

TEST_F(TobaccoctlDeliveriesTest, UnknownMessageIsNotFound) {
  Outcome o = Run({"deliveries", "show", "no-such-message"});
  EXPECT_EQ(o.exit_code, cli::kExitRpcError);
  EXPECT_THAT(o.err, HasSubstr("error: NOT_FOUND:"));
}

// The outbox commands on mutual TLS: the admin certificate is let in, an
// organisation's certificate is refused.
class TobaccoctlMtlsTest : public TobaccoctlTest {
 protected:
  void SetUp() override {
    dir_ = FreshDataDir();
    v1::GatewayConfig config = SampleConfig(dir_);
    UseDevMutualTls(*config.mutable_grpc());
    StartGateway(config);
  }

  // Global flags presenting the development certificate `name`.
  void As(const std::string& name) {
    connection_ = {"--target", absl::StrCat("localhost:", server_->port()),
                   "--ca",     (DevCerts() / "ca.pem").string(),
                   "--cert",   (DevCerts() / (name + ".pem")).string(),
                   "--key",    (DevCerts() / (name + ".key")).string()};
  }
};

TEST_F(TobaccoctlMtlsTest, DeliveriesNeedTheAdminCertificate) {
  As("trust-rx9");
  for (std::vector<std::string> command :
       {std::vector<std::string>{"deliveries", "list"},
        {"deliveries", "stats"},
        {"deliveries", "show", "m-1"},
        {"deliveries", "replay", "m-1"},
        {"deliveries", "discard", "m-1", "--reason", "x"}}) {
    Outcome o = Run(command);
    EXPECT_EQ(o.exit_code, cli::kExitRpcError) << command[1];
    EXPECT_THAT(o.err, HasSubstr("error: PERMISSION_DENIED")) << command[1];
  }
  As("admin-ops");
  Outcome o = Run({"deliveries", "list"});
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(o.out, "no outbound messages\n");
}

}  // namespace
}  // namespace nhs::tobacco
