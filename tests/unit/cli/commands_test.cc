// Runs tobaccoctl commands against fake services on an in-process channel:
// the request each command sends, what it prints, and its exit code.

#include "gateway/cli/commands.h"

#include <deque>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "nhs/tobacco/v1/admin_service.grpc.pb.h"
#include "nhs/tobacco/v1/outcome_service.grpc.pb.h"
#include "nhs/tobacco/v1/prescription_service.grpc.pb.h"
#include "nhs/tobacco/v1/referral_service.grpc.pb.h"

namespace nhs::tobacco::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class FakeReferrals final : public v1::ReferralService::Service {
 public:
  grpc::Status CreateReferral(grpc::ServerContext* context,
                              const v1::CreateReferralRequest* request,
                              v1::Referral* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    last_create_ = *request;
    deadline_ = context->deadline();
    if (!fail_with_.ok()) return fail_with_;
    *response = request->referral();
    response->set_referral_id("R-1");
    response->set_status(v1::REFERRAL_STATUS_RECEIVED);
    return grpc::Status::OK;
  }
  grpc::Status GetReferral(grpc::ServerContext*,
                           const v1::GetReferralRequest* request,
                           v1::Referral* response) override {
    response->set_referral_id(request->referral_id());
    response->mutable_patient()->set_nhs_number("9990001118");
    return grpc::Status::OK;
  }

  std::mutex mu_;
  v1::CreateReferralRequest last_create_;
  std::chrono::system_clock::time_point deadline_;
  grpc::Status fail_with_ = grpc::Status::OK;
};

// One scripted Watch connection: events to send, then the status to end on.
struct WatchScript {
  std::vector<int64_t> sequences;
  grpc::Status end = grpc::Status::OK;
};

class FakePrescriptions final : public v1::PrescriptionService::Service {
 public:
  grpc::Status Decline(grpc::ServerContext*,
                       const v1::ReasonedTransitionRequest* request,
                       v1::PrescriptionRequest* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    last_decline_ = *request;
    response->set_prescription_id(request->prescription_id());
    response->set_status(v1::PRESCRIPTION_STATUS_DECLINED);
    response->set_status_reason(request->reason_code());
    return grpc::Status::OK;
  }
  grpc::Status MarkSent(grpc::ServerContext*,
                        const v1::TransitionRequest* request,
                        v1::PrescriptionRequest* response) override {
    response->set_prescription_id(request->prescription_id());
    response->set_status(v1::PRESCRIPTION_STATUS_SENT);
    return grpc::Status::OK;
  }
  grpc::Status Dispense(grpc::ServerContext*, const v1::TransitionRequest*,
                        v1::PrescriptionRequest*) override {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        "DISPENSED cannot follow ACKNOWLEDGED");
  }
  grpc::Status ListPrescriptions(
      grpc::ServerContext*, const v1::ListPrescriptionsRequest* request,
      v1::ListPrescriptionsResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    last_list_ = *request;
    v1::PrescriptionRequest* p = response->add_prescriptions();
    p->set_prescription_id("P-1");
    p->mutable_patient()->set_nhs_number("9990001118");
    p->set_status(v1::PRESCRIPTION_STATUS_PRESCRIBED);
    p->set_route(v1::ROUTE_GP_PRESCRIPTION);
    return grpc::Status::OK;
  }
  grpc::Status WatchEvents(
      grpc::ServerContext*, const v1::WatchEventsRequest* request,
      grpc::ServerWriter<v1::TimelineEvent>* writer) override {
    WatchScript script;
    {
      std::lock_guard<std::mutex> lock(mu_);
      watch_cursors_.push_back(request->after_sequence());
      if (scripts_.empty()) {
        return grpc::Status(grpc::StatusCode::INTERNAL, "test has no script");
      }
      script = scripts_.front();
      scripts_.pop_front();
    }
    for (int64_t sequence : script.sequences) {
      v1::TimelineEvent event;
      event.set_sequence(sequence);
      event.set_type(v1::EVENT_TYPE_PRESCRIPTION_STATUS_CHANGED);
      event.set_prescription_id("P-1");
      if (!writer->Write(event)) return grpc::Status::CANCELLED;
    }
    return script.end;
  }

  std::mutex mu_;
  v1::ReasonedTransitionRequest last_decline_;
  v1::ListPrescriptionsRequest last_list_;
  std::deque<WatchScript> scripts_;
  std::vector<int64_t> watch_cursors_;
};

class FakeOutcomes final : public v1::OutcomeService::Service {
 public:
  grpc::Status RecordOutcome(grpc::ServerContext*,
                             const v1::RecordOutcomeRequest* request,
                             v1::Outcome* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    last_record_ = *request;
    *response = request->outcome();
    response->set_outcome_id("O-1");
    return grpc::Status::OK;
  }
  std::mutex mu_;
  v1::RecordOutcomeRequest last_record_;
};

// The outbox RPCs: one dead letter M-1; replay and discard remember what
// they were sent. `deny_` answers every call as a non-admin would get it.
class FakeAdmin final : public v1::AdminService::Service {
 public:
  grpc::Status ListDeliveries(grpc::ServerContext*,
                              const v1::ListDeliveriesRequest* request,
                              v1::ListDeliveriesResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    last_list_ = *request;
    if (deny_) return Denied();
    *response->add_deliveries() = DeadLetter();
    return grpc::Status::OK;
  }
  grpc::Status ReplayDelivery(grpc::ServerContext*,
                              const v1::ReplayDeliveryRequest* request,
                              v1::Delivery* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    replayed_.push_back(request->message_id());
    *response = DeadLetter();
    response->set_state(v1::DELIVERY_STATE_PENDING);
    response->set_attempts(0);
    return grpc::Status::OK;
  }
  grpc::Status DiscardDelivery(grpc::ServerContext*,
                               const v1::DiscardDeliveryRequest* request,
                               v1::Delivery* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    discards_.push_back(*request);
    *response = DeadLetter();
    response->set_state(v1::DELIVERY_STATE_DISCARDED);
    return grpc::Status::OK;
  }
  grpc::Status GetDeliveryStats(
      grpc::ServerContext*, const v1::GetDeliveryStatsRequest*,
      v1::GetDeliveryStatsResponse* response) override {
    v1::DestinationStats* s = response->add_destinations();
    s->set_destination_ods("RX9");
    s->set_channel(v1::DELIVERY_CHANNEL_HL7V2_MLLP);
    s->set_dead_letters(1);
    return grpc::Status::OK;
  }

  static v1::Delivery DeadLetter() {
    v1::Delivery d;
    d.set_message_id("M-1");
    d.set_kind(v1::MESSAGE_KIND_REFERRAL_RESPONSE);
    d.set_channel(v1::DELIVERY_CHANNEL_HL7V2_MLLP);
    d.set_destination_ods("RX9");
    d.set_state(v1::DELIVERY_STATE_DEAD_LETTER);
    d.set_attempts(12);
    d.set_last_error("connection refused");
    return d;
  }
  static grpc::Status Denied() {
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                        "admin role required");
  }

  std::mutex mu_;
  bool deny_ = false;
  v1::ListDeliveriesRequest last_list_;
  std::vector<std::string> replayed_;
  std::vector<v1::DiscardDeliveryRequest> discards_;
};

class CommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.RegisterService(&referrals_);
    builder.RegisterService(&prescriptions_);
    builder.RegisterService(&outcomes_);
    builder.RegisterService(&admin_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    channel_ = server_->InProcessChannel(grpc::ChannelArguments());
    env_.new_request_id = [] { return std::string("generated-id"); };
    env_.sleep = [this](absl::Duration d) { sleeps_.push_back(d); };
  }
  void TearDown() override { server_->Shutdown(); }

  int Run(std::vector<std::string> argv) {
    out_.str("");
    err_.str("");
    return RunTobaccoctl(
        argv, out_, err_,
        [this](const ConnectionOptions&)
            -> absl::StatusOr<std::shared_ptr<grpc::Channel>> {
          return channel_;
        },
        env_);
  }

  FakeReferrals referrals_;
  FakePrescriptions prescriptions_;
  FakeOutcomes outcomes_;
  FakeAdmin admin_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  Environment env_;
  std::vector<absl::Duration> sleeps_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(CommandsTest, CreateSendsGeneratedRequestIdAndPrintsTheReferral) {
  EXPECT_EQ(Run({"referrals", "create", "--nhs-number", "9990001118", "--goal",
                 "quit_now"}),
            kExitOk)
      << err_.str();
  EXPECT_EQ(referrals_.last_create_.request_id(), "generated-id");
  EXPECT_EQ(referrals_.last_create_.referral().goal(), v1::QUIT_GOAL_QUIT_NOW);
  EXPECT_THAT(out_.str(), HasSubstr("Referral     R-1\n"));
  EXPECT_THAT(out_.str(), HasSubstr("999 *** **18"));
  EXPECT_THAT(out_.str(), Not(HasSubstr("9990001118")));
  EXPECT_EQ(err_.str(), "");
}

TEST_F(CommandsTest, GivenRequestIdIsSentAndVerbosePrintsIt) {
  EXPECT_EQ(
      Run({"--verbose", "referrals", "create", "--request-id", "retry-me"}),
      kExitOk);
  EXPECT_EQ(referrals_.last_create_.request_id(), "retry-me");
  EXPECT_THAT(err_.str(), HasSubstr("request_id: retry-me\n"));
}

TEST_F(CommandsTest, VerbosePrintsGeneratedRequestId) {
  EXPECT_EQ(Run({"referrals", "create", "--verbose"}), kExitOk);
  EXPECT_THAT(err_.str(), HasSubstr("request_id: generated-id\n"));
}

TEST_F(CommandsTest, TimeoutBecomesTheCallDeadline) {
  auto before = std::chrono::system_clock::now();
  EXPECT_EQ(Run({"referrals", "create", "--timeout", "5"}), kExitOk);
  auto remaining = referrals_.deadline_ - before;
  EXPECT_GT(remaining, std::chrono::seconds(0));
  EXPECT_LE(remaining, std::chrono::seconds(6));
}

TEST_F(CommandsTest, JsonPrintsTheFullNhsNumber) {
  EXPECT_EQ(Run({"--json", "referrals", "show", "R-7"}), kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr("\"nhsNumber\": \"9990001118\""));
  EXPECT_THAT(out_.str(), HasSubstr("\"referralId\": \"R-7\""));
}

TEST_F(CommandsTest, RpcErrorPrintsFieldViolationsAndExitsOne) {
  google::rpc::BadRequest bad_request;
  auto* violation = bad_request.add_field_violations();
  violation->set_field("referral.patient.nhs_number");
  violation->set_description("fails the Modulus 11 check");
  google::rpc::Status details;
  details.set_code(3);
  details.set_message("referral is invalid");
  details.add_details()->PackFrom(bad_request);
  referrals_.fail_with_ =
      grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "referral is invalid",
                   details.SerializeAsString());

  EXPECT_EQ(Run({"referrals", "create", "--nhs-number", "1234567890"}),
            kExitRpcError);
  EXPECT_EQ(err_.str(),
            "error: INVALID_ARGUMENT: referral is invalid\n"
            "  referral.patient.nhs_number: fails the Modulus 11 check\n");
  EXPECT_EQ(out_.str(), "");
}

TEST_F(CommandsTest, IllegalTransitionExitsOneWithTheServersMessage) {
  EXPECT_EQ(Run({"prescriptions", "dispense", "P-1"}), kExitRpcError);
  EXPECT_EQ(err_.str(),
            "error: FAILED_PRECONDITION: DISPENSED cannot follow "
            "ACKNOWLEDGED\n");
}

TEST_F(CommandsTest, DeclineSendsReasonAndPrintsNewStatus) {
  EXPECT_EQ(Run({"prescriptions", "decline", "P-9", "--reason",
                 "PATIENT_DECLINED", "--actor-ods", "Y12345"}),
            kExitOk)
      << err_.str();
  EXPECT_EQ(prescriptions_.last_decline_.prescription_id(), "P-9");
  EXPECT_EQ(prescriptions_.last_decline_.reason_code(), "PATIENT_DECLINED");
  EXPECT_EQ(prescriptions_.last_decline_.request_id(), "generated-id");
  EXPECT_THAT(out_.str(), HasSubstr("Status          DECLINED\n"));
}

TEST_F(CommandsTest, SentCallsMarkSent) {
  EXPECT_EQ(Run({"prescriptions", "sent", "P-2"}), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("Status          SENT\n"));
}

TEST_F(CommandsTest, ListPrintsATableWithMaskedNumbers) {
  EXPECT_EQ(
      Run({"prescriptions", "list", "--status", "PRESCRIBED", "--overdue"}),
      kExitOk);
  EXPECT_EQ(prescriptions_.last_list_.status(),
            v1::PRESCRIPTION_STATUS_PRESCRIBED);
  EXPECT_TRUE(prescriptions_.last_list_.overdue_only());
  EXPECT_THAT(out_.str(), HasSubstr("ID   STATUS      NHS NUMBER"));
  EXPECT_THAT(out_.str(), HasSubstr("P-1  PRESCRIBED  999 *** **18"));
}

TEST_F(CommandsTest, OutcomeRecordMapsFollowUpAndPrintsTheOutcome) {
  EXPECT_EQ(Run({"outcomes", "record", "--referral", "R-1", "--follow-up", "12",
                 "--status", "relapsed"}),
            kExitOk)
      << err_.str();
  EXPECT_EQ(outcomes_.last_record_.outcome().follow_up(),
            v1::FOLLOW_UP_POINT_WEEK_12);
  EXPECT_EQ(outcomes_.last_record_.request_id(), "generated-id");
  EXPECT_THAT(out_.str(), HasSubstr("Status       RELAPSED\n"));
}

TEST_F(CommandsTest, UnimplementedServiceIsAnRpcError) {
  EXPECT_EQ(Run({"outcomes", "list", "R-1"}), kExitRpcError);
  EXPECT_THAT(err_.str(), HasSubstr("error: UNIMPLEMENTED:"));
}

TEST_F(CommandsTest, BadEnumIsAUsageErrorNamingTheFlag) {
  EXPECT_EQ(Run({"prescriptions", "list", "--status", "lost"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("error: --status: unknown value \"lost\""));
  EXPECT_EQ(prescriptions_.last_list_.ByteSizeLong(), 0u);  // Nothing sent.
}

TEST_F(CommandsTest, MissingPositionalIsAUsageError) {
  EXPECT_EQ(Run({"prescriptions", "show"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("error: missing ID"));
}

TEST_F(CommandsTest, ExtraPositionalIsAUsageError) {
  EXPECT_EQ(Run({"prescriptions", "show", "P-1", "P-2"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("error: unexpected argument 'P-2'"));
}

TEST_F(CommandsTest, UnknownCommandIsAUsageError) {
  EXPECT_EQ(Run({"prescriptions", "teleport"}), kExitUsage);
  EXPECT_THAT(err_.str(),
              HasSubstr("error: unknown command 'prescriptions teleport'"));
}

TEST_F(CommandsTest, GroupAloneAsksForASubcommand) {
  EXPECT_EQ(Run({"outcomes"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("'outcomes' needs a subcommand"));
  EXPECT_THAT(err_.str(), HasSubstr("outcomes record"));
}

TEST_F(CommandsTest, NonPositiveTimeoutIsAUsageError) {
  EXPECT_EQ(Run({"--timeout", "0", "referrals", "show", "R"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--timeout: must be more than 0"));
}

TEST_F(CommandsTest, HelpForACommandListsItsFlags) {
  EXPECT_EQ(Run({"help", "prescriptions", "prescribe"}), kExitOk);
  EXPECT_THAT(out_.str(),
              HasSubstr("usage: tobaccoctl prescriptions prescribe ID"));
  EXPECT_THAT(out_.str(), HasSubstr("--eps-id"));
  EXPECT_THAT(out_.str(), HasSubstr("same --request-id"));
  EXPECT_EQ(Run({"events", "watch", "--help"}), kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr("--no-reconnect"));
  EXPECT_THAT(out_.str(), Not(HasSubstr("--request-id (shown")));
}

TEST_F(CommandsTest, NoArgumentsPrintsUsageAndExitsTwo) {
  EXPECT_EQ(Run({}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("usage: tobaccoctl"));
}

TEST_F(CommandsTest, ChannelFactoryErrorIsAUsageError) {
  std::vector<std::string> argv = {"--cert", "c.pem", "referrals", "show",
                                   "R-1"};
  int code = RunTobaccoctl(
      argv, out_, err_,
      [](const ConnectionOptions& options) {
        return MakeChannel(options, [](const std::string&) {
          return absl::StatusOr<std::string>("PEM");
        });
      },
      env_);
  EXPECT_EQ(code, kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("error: --key:"));
}

TEST_F(CommandsTest, WatchReconnectsFromTheLastSequenceSeen) {
  prescriptions_.scripts_ = {
      {{1, 2}, grpc::Status(grpc::StatusCode::UNAVAILABLE, "draining")},
      {{2, 3}, grpc::Status::OK},  // 2 again: a replay must not print twice.
  };
  EXPECT_EQ(Run({"events", "watch", "--limit", "3"}), kExitOk) << err_.str();
  EXPECT_THAT(prescriptions_.watch_cursors_, ElementsAre(0, 2));
  std::string out = out_.str();
  EXPECT_THAT(out, HasSubstr("SEQ"));
  // Header plus exactly three event lines.
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 4) << out;
  EXPECT_EQ(out.find("\n2 "), out.rfind("\n2 ")) << out;
  EXPECT_THAT(err_.str(), HasSubstr("UNAVAILABLE: draining"));
  EXPECT_THAT(err_.str(), HasSubstr("after sequence 2"));
  ASSERT_EQ(sleeps_.size(), 1u);
  EXPECT_GE(sleeps_[0], absl::Milliseconds(250));
  EXPECT_LE(sleeps_[0], absl::Milliseconds(500));
}

TEST_F(CommandsTest, WatchBacksOffExponentiallyWhileNothingArrives) {
  grpc::Status down(grpc::StatusCode::UNAVAILABLE, "down");
  prescriptions_.scripts_ = {{{}, down}, {{}, down}, {{}, down}, {{7}, down}};
  env_.initial_backoff = absl::Seconds(1);
  env_.max_backoff = absl::Seconds(3);
  EXPECT_EQ(Run({"events", "watch", "--after", "6", "--limit", "1"}), kExitOk);
  EXPECT_THAT(prescriptions_.watch_cursors_, ElementsAre(6, 6, 6, 6));
  ASSERT_EQ(sleeps_.size(), 3u);
  EXPECT_GE(sleeps_[0], absl::Milliseconds(500));
  EXPECT_LE(sleeps_[0], absl::Seconds(1));
  EXPECT_GE(sleeps_[1], absl::Seconds(1));
  EXPECT_LE(sleeps_[1], absl::Seconds(2));
  EXPECT_GE(sleeps_[2], absl::Milliseconds(1500));  // Capped at 3s.
  EXPECT_LE(sleeps_[2], absl::Seconds(3));
}

TEST_F(CommandsTest, WatchStopsOnAnErrorThatRetryingCannotFix) {
  prescriptions_.scripts_ = {
      {{1}, grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "not yours")}};
  EXPECT_EQ(Run({"events", "watch"}), kExitRpcError);
  EXPECT_THAT(err_.str(), HasSubstr("error: PERMISSION_DENIED: not yours"));
  EXPECT_EQ(prescriptions_.watch_cursors_.size(), 1u);
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(CommandsTest, WatchWithNoReconnectExitsOnStreamError) {
  prescriptions_.scripts_ = {
      {{1}, grpc::Status(grpc::StatusCode::UNAVAILABLE, "gone")}};
  // UNAVAILABLE is retryable: its own exit code (README "Exit codes").
  EXPECT_EQ(Run({"events", "watch", "--no-reconnect"}), kExitRetryable);
  EXPECT_THAT(err_.str(), HasSubstr("error: UNAVAILABLE: gone"));
  EXPECT_EQ(prescriptions_.watch_cursors_.size(), 1u);
}

TEST_F(CommandsTest, WatchJsonPrintsOneEventPerLine) {
  prescriptions_.scripts_ = {{{5, 6}, grpc::Status::OK}};
  EXPECT_EQ(Run({"--json", "events", "watch", "--no-reconnect"}), kExitOk);
  EXPECT_EQ(out_.str(),
            "{\"sequence\":\"5\",\"type\":\"EVENT_TYPE_PRESCRIPTION_STATUS_"
            "CHANGED\",\"prescriptionId\":\"P-1\"}\n"
            "{\"sequence\":\"6\",\"type\":\"EVENT_TYPE_PRESCRIPTION_STATUS_"
            "CHANGED\",\"prescriptionId\":\"P-1\"}\n");
}

TEST_F(CommandsTest, WatchLimitMustBePositive) {
  EXPECT_EQ(Run({"events", "watch", "--limit", "0"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--limit: must be at least 1"));
}

TEST_F(CommandsTest, DeliveriesListSendsItsFiltersAndPrintsATable) {
  EXPECT_EQ(Run({"deliveries", "list", "--state", "dead", "--destination",
                 "RX9", "--page-size", "5"}),
            kExitOk)
      << err_.str();
  EXPECT_EQ(admin_.last_list_.state(), v1::DELIVERY_STATE_DEAD_LETTER);
  EXPECT_EQ(admin_.last_list_.destination_ods(), "RX9");
  EXPECT_EQ(admin_.last_list_.page_size(), 5);
  EXPECT_THAT(out_.str(), HasSubstr("MESSAGE ID  KIND"));
  EXPECT_THAT(out_.str(),
              HasSubstr("M-1         REFERRAL_RESPONSE  RX9          "
                        "HL7V2_MLLP  DEAD_LETTER  12"));
  EXPECT_THAT(out_.str(), HasSubstr("connection refused"));
}

TEST_F(CommandsTest, DeliveriesListWithAnUnknownStateSendsNothing) {
  EXPECT_EQ(Run({"deliveries", "list", "--state", "stuck"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("error: --state: unknown value \"stuck\""));
  EXPECT_THAT(err_.str(), HasSubstr("tobaccoctl help deliveries list"));
  EXPECT_EQ(admin_.last_list_.ByteSizeLong(), 0u);
}

TEST_F(CommandsTest, DeliveriesReplaySendsTheIdAndPrintsThePendingMessage) {
  EXPECT_EQ(Run({"deliveries", "replay", "M-1"}), kExitOk) << err_.str();
  EXPECT_THAT(admin_.replayed_, ElementsAre("M-1"));
  EXPECT_THAT(out_.str(), HasSubstr("State         PENDING\n"));
  EXPECT_THAT(out_.str(), HasSubstr("Attempts      0\n"));
}

TEST_F(CommandsTest, DeliveriesDiscardSendsTheReason) {
  EXPECT_EQ(Run({"deliveries", "discard", "M-1", "--reason", "sent by hand"}),
            kExitOk)
      << err_.str();
  ASSERT_EQ(admin_.discards_.size(), 1u);
  EXPECT_EQ(admin_.discards_[0].message_id(), "M-1");
  EXPECT_EQ(admin_.discards_[0].reason(), "sent by hand");
  EXPECT_THAT(out_.str(), HasSubstr("State         DISCARDED\n"));
}

TEST_F(CommandsTest,
       DeliveriesDiscardWithoutAReasonIsAUsageErrorAndSendsNothing) {
  EXPECT_EQ(Run({"deliveries", "discard", "M-1"}), kExitUsage);
  EXPECT_EQ(err_.str(),
            "error: --reason: required\n"
            "run 'tobaccoctl help deliveries discard' for usage\n");
  EXPECT_TRUE(admin_.discards_.empty());
  EXPECT_EQ(Run({"deliveries", "discard", "--reason", "why"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("error: missing MESSAGE_ID"));
  EXPECT_TRUE(admin_.discards_.empty());
}

TEST_F(CommandsTest, DeliveriesStatsJsonIsProtoJson) {
  EXPECT_EQ(Run({"--json", "deliveries", "stats"}), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("\"destinationOds\": \"RX9\""));
  EXPECT_THAT(out_.str(), HasSubstr("\"deadLetters\": \"1\""));
  EXPECT_EQ(Run({"deliveries", "stats"}), kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr("DEAD LETTERS"));
}

TEST_F(CommandsTest, DeliveriesRefusalByTheServerExitsOne) {
  admin_.deny_ = true;
  EXPECT_EQ(Run({"deliveries", "list"}), kExitRpcError);
  EXPECT_EQ(err_.str(), "error: PERMISSION_DENIED: admin role required\n");
  EXPECT_EQ(out_.str(), "");
}

TEST_F(CommandsTest, HelpListsEveryDeliveriesCommand) {
  EXPECT_EQ(Run({"help", "deliveries"}), kExitOk);
  for (const char* command :
       {"deliveries list", "deliveries show MESSAGE_ID",
        "deliveries replay MESSAGE_ID", "deliveries discard MESSAGE_ID",
        "deliveries stats"}) {
    EXPECT_THAT(out_.str(), HasSubstr(command));
  }
  EXPECT_EQ(Run({"help", "deliveries", "discard"}), kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr("--reason X"));
  // No request id: the RPCs take none, so help must not promise one.
  EXPECT_THAT(out_.str(), Not(HasSubstr("same --request-id")));
}

}  // namespace
}  // namespace nhs::tobacco::cli
