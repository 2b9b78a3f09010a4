// What each receiver answer means for the outbox: confirmed, retry, or a
// dead letter at once.
#include "gateway/delivery/send_result.h"

#include "gtest/gtest.h"

namespace nhs::tobacco::delivery {
namespace {

using domain::SendOutcome;

std::string Ack(absl::string_view code, absl::string_view control_id,
                absl::string_view err = "") {
  std::string ack = absl::StrCat(
      "MSH|^~\\&|RIO|RX9|TDGATEWAY|TDS01|20261128120000||ACK^I12^ACK|A1|P|"
      "2.5.1\rMSA|",
      code, "|", control_id, "\r");
  if (!err.empty()) absl::StrAppend(&ack, "ERR||||E|||", err, "\r");
  return ack;
}

TEST(FromMllpExchangeTest, AaAndCaConfirm) {
  EXPECT_EQ(FromMllpExchange(Ack("AA", "C1"), "C1").outcome,
            SendOutcome::kConfirmed);
  EXPECT_EQ(FromMllpExchange(Ack("CA", "C1"), "C1").outcome,
            SendOutcome::kConfirmed);
}

TEST(FromMllpExchangeTest, AeIsRetriedArIsRefusedBothHandedOver) {
  const domain::SendResult ae =
      FromMllpExchange(Ack("AE", "C1", "Unknown patient"), "C1");
  EXPECT_EQ(ae.outcome, SendOutcome::kTransient);
  EXPECT_TRUE(ae.handed_over);
  EXPECT_EQ(ae.detail, "HL7 AE: Unknown patient");
  const domain::SendResult ar = FromMllpExchange(Ack("AR", "C1"), "C1");
  EXPECT_EQ(ar.outcome, SendOutcome::kPermanent);
  EXPECT_TRUE(ar.handed_over);
}

TEST(FromMllpExchangeTest, ArForTheReceiversOwnTroubleIsRetried) {
  std::string busy = Ack("AR", "C1");
  absl::StrAppend(&busy,
                  "ERR||MSH^1|207^Application internal error^HL70357|E"
                  "||||Rate limit: resend later\r");
  const domain::SendResult r = FromMllpExchange(busy, "C1");
  EXPECT_EQ(r.outcome, SendOutcome::kTransient);
  EXPECT_EQ(r.detail, "HL7 AR: Rate limit: resend later");
  std::string unsupported = Ack("AR", "C1");
  absl::StrAppend(&unsupported,
                  "ERR||MSH^1^9|200^Unsupported message type^HL70357|E\r");
  EXPECT_EQ(FromMllpExchange(unsupported, "C1").outcome,
            SendOutcome::kPermanent);
}

TEST(FromMllpExchangeTest, AnAckForAnotherMessageConfirmsNothing) {
  const domain::SendResult r = FromMllpExchange(Ack("AA", "OTHER"), "C1");
  EXPECT_EQ(r.outcome, SendOutcome::kTransient);
  EXPECT_EQ(r.detail, "the ACK is for control id OTHER, not C1");
}

TEST(FromMllpExchangeTest, NoReplyIsTransientAndNotHandedOver) {
  const domain::SendResult r =
      FromMllpExchange(absl::UnavailableError("connection refused"), "C1");
  EXPECT_EQ(r.outcome, SendOutcome::kTransient);
  EXPECT_FALSE(r.handed_over);
  EXPECT_EQ(r.detail, "UNAVAILABLE: connection refused");
  EXPECT_EQ(FromMllpExchange(std::string("not hl7"), "C1").outcome,
            SendOutcome::kTransient);
}

fhir::HttpResponse Http(int status, std::string body = "") {
  fhir::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

TEST(FromHttpExchangeTest, SuccessAndDuplicateConfirm) {
  EXPECT_EQ(FromHttpExchange(Http(200)).outcome, SendOutcome::kConfirmed);
  EXPECT_EQ(FromHttpExchange(Http(202)).outcome, SendOutcome::kConfirmed);
  EXPECT_EQ(FromHttpExchange(Http(409)).outcome, SendOutcome::kConfirmed);
}

TEST(FromHttpExchangeTest, ServerTroubleIsRetried) {
  for (int status : {408, 429, 500, 502, 503}) {
    const domain::SendResult r = FromHttpExchange(Http(status));
    EXPECT_EQ(r.outcome, SendOutcome::kTransient) << status;
    EXPECT_TRUE(r.handed_over);
  }
}

TEST(FromHttpExchangeTest, ClientErrorsAreDeadLettersWithTheReceiversWords) {
  const domain::SendResult r = FromHttpExchange(
      Http(422, R"({"resourceType":"OperationOutcome","issue":[{"severity":
      "error","code":"invalid","diagnostics":"Unknown practice"}]})"));
  EXPECT_EQ(r.outcome, SendOutcome::kPermanent);
  EXPECT_EQ(r.detail, "HTTP 422: Unknown practice");
  EXPECT_EQ(FromHttpExchange(Http(400, "<html>")).outcome,
            SendOutcome::kPermanent);
}

TEST(FromHttpExchangeTest, AResponseMessageSaysWhatTheStatusDoesNot) {
  const std::string fatal =
      R"({"resourceType":"Bundle","type":"message","entry":[{"resource":
      {"resourceType":"MessageHeader","response":{"identifier":"x",
      "code":"fatal-error"}}}]})";
  EXPECT_EQ(FromHttpExchange(Http(200, fatal)).outcome,
            SendOutcome::kPermanent);
  std::string transient = fatal;
  transient.replace(transient.find("fatal-error"), 11, "transient-error");
  EXPECT_EQ(FromHttpExchange(Http(200, transient)).outcome,
            SendOutcome::kTransient);
}

TEST(FromHttpExchangeTest, NoAnswerIsTransientAndNotHandedOver) {
  const domain::SendResult r =
      FromHttpExchange(absl::DeadlineExceededError("timed out"));
  EXPECT_EQ(r.outcome, SendOutcome::kTransient);
  EXPECT_FALSE(r.handed_over);
}

// MESH (issue 17).
TEST(FromMeshSendTest, AcceptedAwaitsTheAcknowledgementsWithMeshsId) {
  const domain::SendResult r =
      FromMeshSend(std::string("20261202-MESH-ID"), absl::Minutes(60));
  EXPECT_EQ(r.outcome, SendOutcome::kAccepted);
  EXPECT_TRUE(r.handed_over);
  EXPECT_EQ(r.transport_message_id, "20261202-MESH-ID");
  EXPECT_EQ(r.acknowledgement_due_in, absl::Minutes(60));
}

TEST(FromMeshSendTest, OurCredentialsAndOutagesAreRetriedRecipientsAreNot) {
  for (const absl::Status& s :
       {absl::UnavailableError("down"), absl::DeadlineExceededError("slow"),
        absl::PermissionDeniedError("403 bad password")}) {
    const domain::SendResult r = FromMeshSend(s, absl::Minutes(60));
    EXPECT_EQ(r.outcome, SendOutcome::kTransient) << s;
    EXPECT_FALSE(r.handed_over) << s;
  }
  const domain::SendResult r = FromMeshSend(
      absl::FailedPreconditionError("417 EPL-151 unknown recipient"),
      absl::Minutes(60));
  EXPECT_EQ(r.outcome, SendOutcome::kPermanent);
  EXPECT_EQ(r.detail, "MESH: 417 EPL-151 unknown recipient");
}

}  // namespace
}  // namespace nhs::tobacco::delivery
