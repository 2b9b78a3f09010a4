// The MESH client against NHS Digital's MESH sandbox over mutual TLS, with
// NHSMESH authentication checked on every call (AUTH_MODE=full).
#include "adapters/mesh/mesh_client.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "adapters/mesh/mesh_error.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/mesh_sandbox.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::mesh {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::IsOkAndHolds;
using ::nhs::tobacco::testing::MeshSandbox;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

constexpr char kGateway[] = "X26GW001";                 // our mailbox, ODS X26
constexpr char kSubject[] = "Referral for 9990000018";  // patient data
constexpr char kWorkflow[] = "TOBACCO_REFERRAL";

std::vector<MeshSandbox::Mailbox> Mailboxes() {
  return {{kGateway, "gw-password", "X26"},
          {"Y90001OT001", "gp1-password", "Y90001"},
          {"Y90001OT002", "gp2-password", "Y90001"},
          {"Y90002OT001", "gp3-password", "Y90002"},
          {"Y90002OT002", "gp4-password", "Y90002"},
          {"FZZ99OT001", "ph-password", "FZZ99"}};
}

MeshClientOptions OptionsFor(const MeshSandbox& mesh, const std::string& id,
                             const std::string& password) {
  MeshClientOptions options;
  options.base_url = mesh.base_url();
  options.mailbox_id = id;
  options.password = password;
  options.shared_key = "TestKey";
  options.tls = mesh.client_tls();
  options.initial_backoff = absl::Milliseconds(50);
  return options;
}

OutgoingMessage Referral(const std::string& to, const std::string& local_id,
                         std::string body = R"({"resourceType":"Bundle"})") {
  OutgoingMessage m;
  m.to_mailbox = to;
  m.workflow_id = kWorkflow;
  m.local_id = local_id;
  m.subject = kSubject;
  m.filename = absl::StrCat(local_id, ".json");
  m.content_type = "application/fhir+json";
  m.body = std::move(body);
  return m;
}

class MeshClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    mesh_ = new MeshSandbox(
        Mailboxes(), {{kWorkflow, {"Y90001OT001", "Y90001OT002", "FZZ99OT001"}},
                      {"TOBACCO_OUTCOME", {"Y90002OT001"}}});
    ASSERT_TRUE(mesh_->Start());
  }
  static void TearDownTestSuite() {
    delete mesh_;
    mesh_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(mesh_, nullptr);
    gateway_ = std::make_unique<MeshClient>(
        OptionsFor(*mesh_, kGateway, "gw-password"));
  }

  static MeshSandbox* mesh_;
  std::unique_ptr<MeshClient> gateway_;
};
MeshSandbox* MeshClientTest::mesh_ = nullptr;

TEST_F(MeshClientTest, HandshakeWithTheRightCredentialsSucceeds) {
  EXPECT_THAT(gateway_->Handshake(), IsOk());
}

TEST_F(MeshClientTest, WrongPasswordIsPermissionDenied) {
  MeshClient client(OptionsFor(*mesh_, kGateway, "not-the-password"));
  const absl::Status status = client.Handshake();
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kPermissionDenied,
                               AllOf(HasSubstr("HTTP 403"),
                                     Not(HasSubstr("not-the-password")))));
}

TEST_F(MeshClientTest, WrongSharedKeyIsPermissionDenied) {
  MeshClientOptions options = OptionsFor(*mesh_, kGateway, "gw-password");
  options.shared_key = "WrongKey";
  MeshClient client(options);
  EXPECT_THAT(client.Handshake(),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       AllOf(HasSubstr("Invalid Authentication Token"),
                             Not(HasSubstr("WrongKey")))));
}

TEST_F(MeshClientTest, UnknownOwnMailboxIsPermissionDenied) {
  MeshClient client(OptionsFor(*mesh_, "X26NOPE01", "gw-password"));
  EXPECT_THAT(client.ListInbox(),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST_F(MeshClientTest, RecipientListsDownloadsAndAcknowledgesASentMessage) {
  absl::StatusOr<std::string> sent =
      gateway_->Send(Referral("Y90001OT001", "outbox-1"));
  ASSERT_THAT(sent, IsOk());
  EXPECT_FALSE(sent->empty());

  MeshClient gp(OptionsFor(*mesh_, "Y90001OT001", "gp1-password"));
  ASSERT_THAT(gp.ListInbox(), IsOkAndHolds(ElementsAre(*sent)));
  absl::StatusOr<InboxMessage> got = gp.Download(*sent);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->message_id, *sent);
  EXPECT_EQ(got->message_type, "DATA");
  EXPECT_EQ(got->workflow_id, kWorkflow);
  EXPECT_EQ(got->from_mailbox, kGateway);
  EXPECT_EQ(got->to_mailbox, "Y90001OT001");
  EXPECT_EQ(got->local_id, "outbox-1");
  EXPECT_EQ(got->filename, "outbox-1.json");
  EXPECT_EQ(got->subject, kSubject);
  EXPECT_EQ(got->body, R"({"resourceType":"Bundle"})");
  EXPECT_EQ(got->status_success, "SUCCESS");
  EXPECT_EQ(got->status_code, "00");

  EXPECT_THAT(gp.Acknowledge(*sent), IsOk());
  EXPECT_THAT(gp.ListInbox(), IsOkAndHolds(IsEmpty()));
  EXPECT_THAT(gp.Acknowledge(*sent), IsOk()) << "twice is fine";
}

TEST_F(MeshClientTest, LargeBodyGoesInChunksAndComesBackByteIdentical) {
  MeshClientOptions options = OptionsFor(*mesh_, kGateway, "gw-password");
  options.chunk_size = 64 * 1024;
  MeshClient gateway(options);
  std::string body(200 * 1024, '\0');
  for (size_t i = 0; i < body.size(); ++i) {
    body[i] = static_cast<char>((i * 131 + i / 7) & 0xff);  // every byte value
  }
  absl::StatusOr<std::string> sent =
      gateway.Send(Referral("Y90001OT002", "outbox-big", body));
  ASSERT_THAT(sent, IsOk());
  // 200 KiB in 64 KiB chunks: four, as the sandbox stored them.
  const std::filesystem::path stored =
      mesh_->data_dir() / "data" / "mailboxes" / "Y90001OT002" / "in" / *sent;
  EXPECT_TRUE(std::filesystem::exists(stored / "4"));
  EXPECT_FALSE(std::filesystem::exists(stored / "5"));

  MeshClient gp(OptionsFor(*mesh_, "Y90001OT002", "gp2-password"));
  absl::StatusOr<InboxMessage> got = gp.Download(*sent);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->body.size(), body.size());
  EXPECT_TRUE(got->body == body) << "the joined chunks differ";
  EXPECT_THAT(gp.Acknowledge(*sent), IsOk());
}

TEST_F(MeshClientTest, UnknownRecipientIsFailedPreconditionNamingMeshCode) {
  absl::StatusOr<std::string> sent =
      gateway_->Send(Referral("X99NOBODY", "outbox-2"));
  EXPECT_THAT(sent, StatusIs(absl::StatusCode::kFailedPrecondition,
                             AllOf(HasSubstr("HTTP 417"), HasSubstr("12"),
                                   Not(HasSubstr("9990000018")))));
  const std::optional<MeshErrorDetail> detail = MeshErrorOf(sent.status());
  ASSERT_TRUE(detail.has_value());
  EXPECT_EQ(detail->http_status, 417);
  EXPECT_EQ(detail->code, "12");
}

TEST_F(MeshClientTest, HeaderWithANewlineIsRefusedBeforeSending) {
  OutgoingMessage m = Referral("Y90001OT001", "outbox-3");
  m.filename = "a\r\nmex-To: X26GW001";
  EXPECT_THAT(gateway_->Send(m), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(MeshClientTest, TrackingByMessageIdFollowsAcceptedThenAcknowledged) {
  absl::StatusOr<std::string> sent =
      gateway_->Send(Referral("FZZ99OT001", "outbox-4"));
  ASSERT_THAT(sent, IsOk());
  absl::StatusOr<TrackingInfo> tracked = gateway_->TrackByMessageId(*sent);
  ASSERT_THAT(tracked, IsOk());
  EXPECT_EQ(tracked->message_id, *sent);
  EXPECT_EQ(tracked->local_id, "outbox-4");
  EXPECT_EQ(tracked->status, "accepted");

  MeshClient pharmacy(OptionsFor(*mesh_, "FZZ99OT001", "ph-password"));
  ASSERT_THAT(pharmacy.Acknowledge(*sent), IsOk());
  tracked = gateway_->TrackByMessageId(*sent);
  ASSERT_THAT(tracked, IsOk());
  EXPECT_EQ(tracked->status, "acknowledged");

  EXPECT_THAT(gateway_->TrackByMessageId("NOSUCHMESSAGE"),
              StatusIs(absl::StatusCode::kNotFound));
  // Only the sender may track: to another mailbox it does not exist.
  EXPECT_THAT(pharmacy.TrackByMessageId(*sent),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(MeshClientTest, TrackingByLocalIdFindsOursAndUnknownIsNullopt) {
  absl::StatusOr<std::string> sent =
      gateway_->Send(Referral("FZZ99OT001", "outbox 5+with:odd&chars"));
  ASSERT_THAT(sent, IsOk());
  absl::StatusOr<std::optional<TrackingInfo>> tracked =
      gateway_->TrackByLocalId("outbox 5+with:odd&chars");
  ASSERT_THAT(tracked, IsOk());
  ASSERT_TRUE(tracked->has_value());
  EXPECT_EQ((*tracked)->message_id, *sent);
  EXPECT_EQ((*tracked)->local_id, "outbox 5+with:odd&chars");
  EXPECT_EQ((*tracked)->status, "accepted");

  absl::StatusOr<std::optional<TrackingInfo>> unknown =
      gateway_->TrackByLocalId("never-sent");
  ASSERT_THAT(unknown, IsOk());
  EXPECT_FALSE(unknown->has_value());

  // The same local id twice: MESH cannot say which.
  ASSERT_THAT(gateway_->Send(Referral("FZZ99OT001", "outbox-6")), IsOk());
  ASSERT_THAT(gateway_->Send(Referral("FZZ99OT001", "outbox-6")), IsOk());
  EXPECT_THAT(
      gateway_->TrackByLocalId("outbox-6"),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("several")));
}

TEST_F(MeshClientTest, EndpointLookupReturnsTheWorkflowsReceiversForTheOds) {
  EXPECT_THAT(gateway_->LookupMailboxes("Y90001", kWorkflow),
              IsOkAndHolds(UnorderedElementsAre("Y90001OT001", "Y90001OT002")));
  EXPECT_THAT(gateway_->LookupMailboxes("Y90002", "TOBACCO_OUTCOME"),
              IsOkAndHolds(ElementsAre("Y90002OT001")));
  EXPECT_THAT(gateway_->LookupMailboxes("Y90002", kWorkflow),
              IsOkAndHolds(IsEmpty()));
}

TEST_F(MeshClientTest, NonDeliveryReportCarriesStatusFieldsAndLinkedId) {
  const std::string report = mesh_->PutReport(
      "Y90002OT002", "14", "Message not collected by recipient after 5 days",
      kWorkflow, "outbox-7", "20240101000000000000_ABCDEF");
  ASSERT_FALSE(report.empty());
  MeshClient inbox(OptionsFor(*mesh_, "Y90002OT002", "gp4-password"));
  ASSERT_THAT(inbox.ListInbox(), IsOkAndHolds(ElementsAre(report)));
  absl::StatusOr<InboxMessage> got = inbox.Download(report);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->message_type, "REPORT");
  EXPECT_EQ(got->status_code, "14");
  EXPECT_EQ(got->status_event, "TRANSFER");
  EXPECT_EQ(got->status_success, "ERROR");
  EXPECT_EQ(got->status_description,
            "Message not collected by recipient after 5 days");
  EXPECT_EQ(got->linked_message_id, "20240101000000000000_ABCDEF");
  EXPECT_EQ(got->local_id, "outbox-7");
  EXPECT_EQ(got->workflow_id, kWorkflow);
  EXPECT_THAT(got->body, IsEmpty());
  EXPECT_THAT(inbox.Acknowledge(report), IsOk());
}

TEST_F(MeshClientTest, DownloadAndAcknowledgeOfUnknownMessageAreNotFound) {
  MeshClient gp(OptionsFor(*mesh_, "Y90001OT001", "gp1-password"));
  EXPECT_THAT(gp.Download("NOSUCHMESSAGE"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("HTTP 404")));
  EXPECT_THAT(gp.Acknowledge("NOSUCHMESSAGE"),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(MeshClientTest, SomeoneElsesMessageIsPermissionDenied) {
  absl::StatusOr<std::string> sent =
      gateway_->Send(Referral("Y90001OT001", "outbox-8"));
  ASSERT_THAT(sent, IsOk());
  MeshClient other(OptionsFor(*mesh_, "Y90001OT002", "gp2-password"));
  EXPECT_THAT(other.Download(*sent),
              StatusIs(absl::StatusCode::kPermissionDenied));
  MeshClient gp(OptionsFor(*mesh_, "Y90001OT001", "gp1-password"));
  EXPECT_THAT(gp.Acknowledge(*sent), IsOk());
}

// Its own sandbox: it goes down and comes back with its data.
TEST(MeshClientOutageTest, StoppedSandboxIsUnavailableAndRestartedWorks) {
  MeshSandbox mesh(Mailboxes(), {});
  ASSERT_TRUE(mesh.Start());
  MeshClient gateway(OptionsFor(mesh, kGateway, "gw-password"));
  absl::StatusOr<std::string> before =
      gateway.Send(Referral("Y90001OT001", "outbox-9"));
  ASSERT_THAT(before, IsOk());

  mesh.Stop();
  const absl::Time start = absl::Now();
  EXPECT_THAT(gateway.Handshake(), StatusIs(absl::StatusCode::kUnavailable));
  // Three tries: back-off of 50 ms, then 100 ms.
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(150));
  EXPECT_THAT(gateway.Send(Referral("Y90001OT001", "outbox-10")),
              StatusIs(absl::StatusCode::kUnavailable));

  ASSERT_TRUE(mesh.Start());
  EXPECT_THAT(gateway.Handshake(), IsOk());
  MeshClient gp(OptionsFor(mesh, "Y90001OT001", "gp1-password"));
  EXPECT_THAT(gp.ListInbox(), IsOkAndHolds(ElementsAre(*before)))
      << "the message sent before the outage survives it";
}

}  // namespace
}  // namespace nhs::tobacco::mesh
