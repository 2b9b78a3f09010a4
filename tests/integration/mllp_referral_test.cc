// HL7 v2 referrals over a real MLLP socket into a whole in-process gateway.
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "adapters/hl7v2/message.h"
#include "adapters/hl7v2/mllp_client.h"
#include "adapters/hl7v2/mllp_framer.h"
#include "adapters/hl7v2/parser.h"
#include "gateway/common/log.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/mllp_test_client.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_gateway.h"

namespace nhs::tobacco {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::RawMllpConnection;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Example(const std::string& name) {
  std::ifstream in(
      std::string(TOBACCO_SOURCE_DIR) + "/tests/testdata/hl7v2/" + name,
      std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The reference REF^I12 in original acknowledgement mode (no MSH-15/16).
std::string OriginalMode(std::string message) {
  return absl::StrReplaceAll(message, {{"|P|2.5.1|||AL|AL", "|P|2.5.1"}});
}

class MllpReferralTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = server::GatewayServer::Start(
        testing::SampleConfig(testing::FreshDataDir()));
    ASSERT_THAT(server, IsOk());
    server_ = *std::move(server);
    ASSERT_GT(server_->mllp_port(), 0);
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  hl7v2::MllpClient Client() {
    hl7v2::MllpClientOptions options;
    options.address = absl::StrCat("127.0.0.1:", server_->mllp_port());
    options.io_timeout = absl::Seconds(10);
    return hl7v2::MllpClient(options);
  }

  hl7v2::Message SendAndParse(hl7v2::MllpClient& client,
                              const std::string& message) {
    auto ack = client.Send(message);
    EXPECT_THAT(ack, IsOk());
    auto parsed = hl7v2::ParseEr7(ack.ok() ? *ack : "");
    EXPECT_THAT(parsed, IsOk());
    return parsed.ok() ? *parsed : hl7v2::Message();
  }

  int StoredReferrals() {
    auto list = server_->referrals().ListReferrals(testing::InspectorCaller(),
                                                   v1::ListReferralsRequest());
    EXPECT_THAT(list, IsOk());
    return list.ok() ? list->referrals_size() : -1;
  }

  std::unique_ptr<server::GatewayServer> server_;
};

TEST_F(MllpReferralTest, ReferenceReferralIsStoredAndCommitAccepted) {
  hl7v2::MllpClient client = Client();
  hl7v2::Message ack = SendAndParse(client, Example("ref_i12_basic.hl7"));
  // MSH-15/16 are valued: enhanced mode, so the commit ACK says CA.
  EXPECT_EQ(*ack.Get("MSA-1"), "CA");
  EXPECT_EQ(*ack.Get("MSA-2"), "MSG000101");
  EXPECT_EQ(*ack.Get("MSH-9.1"), "ACK");
  auto list = server_->referrals().ListReferrals(testing::InspectorCaller(),
                                                 v1::ListReferralsRequest());
  ASSERT_THAT(list, IsOk());
  ASSERT_EQ(list->referrals_size(), 1);
  const v1::Referral& r = list->referrals(0);
  EXPECT_EQ(r.patient().nhs_number(), "9990000018");
  EXPECT_EQ(r.external_referral_id(), "CMHT-REF-000123");
  ASSERT_EQ(r.mental_health().medicines_size(), 1);
  EXPECT_TRUE(r.mental_health().medicines(0).cyp1a2_sensitive());
}

// README "Logs": the accepted message's event, in JSON, names its sender,
// control id and the referral it made, and never the patient.
TEST_F(MllpReferralTest, AcceptedMessageIsLoggedWithItsIdsAndNoPatientData) {
  SetLogFormat(LogFormat::kJson);
  ::testing::internal::CaptureStderr();
  hl7v2::MllpClient client = Client();
  hl7v2::Message ack = SendAndParse(client, Example("ref_i12_basic.hl7"));
  // The event is written before the ACK is sent.
  const std::string log = ::testing::internal::GetCapturedStderr();
  SetLogFormat(LogFormat::kText);
  EXPECT_EQ(*ack.Get("MSA-1"), "CA");
  auto list = server_->referrals().ListReferrals(testing::InspectorCaller(),
                                                 v1::ListReferralsRequest());
  ASSERT_THAT(list, IsOk());
  ASSERT_EQ(list->referrals_size(), 1);
  std::string accepted;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (absl::StrContains(line, "\"message\":\"message accepted\"")) {
      accepted = std::string(line);
    }
  }
  EXPECT_THAT(accepted, HasSubstr("\"component\":\"hl7\""));
  EXPECT_THAT(accepted, HasSubstr("\"hl7_control_id\":\"MSG000101\""));
  EXPECT_THAT(accepted, HasSubstr("\"hl7_sender\":\"RX9\""));
  EXPECT_THAT(accepted, HasSubstr("\"hl7_message_type\":\"REF^I12^REF_I12\""));
  EXPECT_THAT(accepted,
              HasSubstr(absl::StrCat("\"referral_id\":\"",
                                     list->referrals(0).referral_id(), "\"")));
  EXPECT_THAT(log, Not(HasSubstr("9990000018")));
}

TEST_F(MllpReferralTest, ReferralCreatedEventNamesTheHl7v2Adapter) {
  hl7v2::MllpClient client = Client();
  SendAndParse(client, Example("ref_i12_basic.hl7"));
  auto list = server_->referrals().ListReferrals(testing::InspectorCaller(),
                                                 v1::ListReferralsRequest());
  ASSERT_THAT(list, IsOk());
  ASSERT_EQ(list->referrals_size(), 1);
  v1::WatchEventsRequest query;
  query.set_referral_id(list->referrals(0).referral_id());
  auto watch =
      server_->prescriptions().WatchEvents(testing::InspectorCaller(), query);
  ASSERT_THAT(watch, IsOk());
  auto batch = (*watch)->Next(0, 500);
  ASSERT_THAT(batch, IsOk());
  auto events = &batch->visible;
  ASSERT_FALSE(events->empty());
  EXPECT_EQ(events->front().type(), v1::EVENT_TYPE_REFERRAL_CREATED);
  EXPECT_EQ(events->front().actor().adapter(), "hl7v2");
}

TEST_F(MllpReferralTest, PriorityAndReasonFromRf1AreStored) {
  hl7v2::MllpClient client = Client();
  SendAndParse(client, Example("ref_i12_basic.hl7"));
  auto list = server_->referrals().ListReferrals(testing::InspectorCaller(),
                                                 v1::ListReferralsRequest());
  ASSERT_THAT(list, IsOk());
  ASSERT_EQ(list->referrals_size(), 1);
  EXPECT_EQ(list->referrals(0).priority(), v1::REFERRAL_PRIORITY_ROUTINE);
  EXPECT_EQ(list->referrals(0).reason(),
            v1::REFERRAL_REASON_PATIENT_PREFERENCE);
}

TEST_F(MllpReferralTest, OriginalModeGetsAa) {
  hl7v2::MllpClient client = Client();
  hl7v2::Message ack =
      SendAndParse(client, OriginalMode(Example("ref_i12_basic.hl7")));
  EXPECT_EQ(*ack.Get("MSA-1"), "AA");
}

TEST_F(MllpReferralTest, SeveralMessagesOnOneConnectionAreEachAcknowledged) {
  hl7v2::MllpClient client = Client();
  const std::string basic = OriginalMode(Example("ref_i12_basic.hl7"));
  for (int i = 0; i < 5; ++i) {
    hl7v2::Message ack = SendAndParse(
        client,
        absl::StrReplaceAll(basic, {{"MSG000101", absl::StrCat("M", i)}}));
    EXPECT_EQ(*ack.Get("MSA-1"), "AA");
    EXPECT_EQ(*ack.Get("MSA-2"), absl::StrCat("M", i));
  }
  hl7v2::Message custom =
      SendAndParse(client, Example("ref_i12_custom_delims.hl7"));
  EXPECT_EQ(*custom.Get("MSA-1"), "CA");
  EXPECT_EQ(StoredReferrals(), 6);
}

TEST_F(MllpReferralTest, PipelinedAndSplitFramesAreAnsweredInOrder) {
  RawMllpConnection c(server_->mllp_port());
  const std::string basic = OriginalMode(Example("ref_i12_basic.hl7"));
  std::string bytes;
  for (int i = 0; i < 3; ++i) {
    bytes += hl7v2::MllpFrame(
        absl::StrReplaceAll(basic, {{"MSG000101", absl::StrCat("P", i)}}));
  }
  for (size_t at = 0; at < bytes.size(); at += 97)
    c.Write(bytes.substr(at, 97));
  std::vector<std::string> acks = c.ReadFrames(3);
  ASSERT_EQ(acks.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_THAT(acks[i], HasSubstr(absl::StrCat("MSA|AA|P", i, "\r")));
  }
}

TEST_F(MllpReferralTest, GarbageConnectionIsClosedAndOthersCarryOn) {
  RawMllpConnection garbage(server_->mllp_port());
  garbage.Write("this is not MLLP\r\n");
  bool eof = false;
  EXPECT_TRUE(garbage.ReadFrames(1, &eof).empty());
  EXPECT_TRUE(eof);
  hl7v2::MllpClient client = Client();
  EXPECT_EQ(*SendAndParse(client, Example("ref_i12_basic.hl7")).Get("MSA-1"),
            "CA");
}

TEST_F(MllpReferralTest, ResentControlIdGetsTheSameAckAndCreatesNothing) {
  hl7v2::MllpClient client = Client();
  const std::string message = Example("ref_i12_basic.hl7");
  auto first = client.Send(message);
  ASSERT_THAT(first, IsOk());
  hl7v2::MllpClient other =
      Client();  // a resend often comes on a new connection
  auto second = other.Send(message);
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(*first, *second);
  EXPECT_EQ(StoredReferrals(), 1);
}

TEST_F(MllpReferralTest, ReusedControlIdWithDifferentContentIsAnError) {
  hl7v2::MllpClient client = Client();
  const std::string message = OriginalMode(Example("ref_i12_basic.hl7"));
  SendAndParse(client, message);
  hl7v2::Message ack = SendAndParse(
      client, absl::StrReplaceAll(message, {{"||20|/d", "||30|/d"}}));
  EXPECT_EQ(*ack.Get("MSA-1"), "AE");
  EXPECT_EQ(*ack.Get("ERR-3.1"), "205");
  EXPECT_EQ(StoredReferrals(), 1);
}

TEST_F(MllpReferralTest, WrongCheckDigitGetsAeWithErrAtPid3AndStoresNothing) {
  hl7v2::MllpClient client = Client();
  hl7v2::Message ack = SendAndParse(
      client, absl::StrReplaceAll(OriginalMode(Example("ref_i12_basic.hl7")),
                                  {{"9990000018^", "9990000019^"}}));
  EXPECT_EQ(*ack.Get("MSA-1"), "AE");
  EXPECT_EQ(*ack.GetRaw("ERR-2"), "PID^1^3^1^1");
  EXPECT_EQ(*ack.Get("ERR-3.1"), "102");
  EXPECT_THAT(*ack.Get("ERR-8"), ::testing::Not(HasSubstr("9990000019")));
  EXPECT_EQ(StoredReferrals(), 0);
}

TEST_F(MllpReferralTest, MissingNhsNumberGetsAeRequiredField) {
  hl7v2::MllpClient client = Client();
  hl7v2::Message ack = SendAndParse(
      client, absl::StrReplaceAll(OriginalMode(Example("ref_i12_basic.hl7")),
                                  {{"^^^NHS^NH~", "^^^NHS^MR~"}}));
  EXPECT_EQ(*ack.Get("MSA-1"), "AE");
  EXPECT_EQ(*ack.GetRaw("ERR-2"), "PID^1^3");
  EXPECT_EQ(*ack.Get("ERR-3.1"), "101");
  EXPECT_EQ(StoredReferrals(), 0);
}

TEST_F(MllpReferralTest, UnknownTriggerGetsAe) {
  hl7v2::MllpClient client = Client();
  hl7v2::Message ack = SendAndParse(
      client, absl::StrReplaceAll(OriginalMode(Example("ref_i12_basic.hl7")),
                                  {{"REF^I12^REF_I12", "REF^I14^REF_I12"}}));
  EXPECT_EQ(*ack.Get("MSA-1"), "AE");
  EXPECT_EQ(*ack.Get("ERR-3.1"), "201");
  EXPECT_EQ(StoredReferrals(), 0);
}

TEST_F(MllpReferralTest, UnparsableMessageGetsAr) {
  hl7v2::MllpClient client = Client();
  auto ack = client.Send("PID|1||9990000018^^^NHS^NH\r");
  ASSERT_THAT(ack, IsOk());
  EXPECT_THAT(*ack, HasSubstr("\rMSA|AR"));
  EXPECT_EQ(StoredReferrals(), 0);
}

TEST_F(MllpReferralTest, UnknownSendingFacilityGetsAe) {
  hl7v2::MllpClient client = Client();
  hl7v2::Message ack = SendAndParse(
      client, absl::StrReplaceAll(OriginalMode(Example("ref_i12_basic.hl7")),
                                  {{"|RIO|RX9|", "|RIO|RZZ|"}}));
  EXPECT_EQ(*ack.Get("MSA-1"), "AE");
  EXPECT_EQ(*ack.GetRaw("ERR-2"), "MSH^1^4");
  EXPECT_EQ(StoredReferrals(), 0);
}

TEST_F(MllpReferralTest, DischargeOfASmokerBecomesAReferral) {
  hl7v2::MllpClient client = Client();
  hl7v2::Message ack =
      SendAndParse(client, Example("adt_a03_discharge_smoker.hl7"));
  EXPECT_EQ(*ack.Get("MSA-1"), "CA");
  auto list = server_->referrals().ListReferrals(testing::InspectorCaller(),
                                                 v1::ListReferralsRequest());
  ASSERT_THAT(list, IsOk());
  ASSERT_EQ(list->referrals_size(), 1);
  EXPECT_EQ(list->referrals(0).source(),
            v1::REFERRAL_SOURCE_INPATIENT_MENTAL_HEALTH);
}

TEST_F(MllpReferralTest, DischargeOfANonSmokerIsAcceptedAndCreatesNothing) {
  hl7v2::MllpClient client = Client();
  hl7v2::Message ack = SendAndParse(client, Example("adt_a03_discharge.hl7"));
  EXPECT_EQ(*ack.Get("MSA-1"), "CA");
  EXPECT_EQ(StoredReferrals(), 0);
}

}  // namespace
}  // namespace nhs::tobacco
