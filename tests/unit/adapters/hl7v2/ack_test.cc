#include "adapters/hl7v2/ack.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "adapters/hl7v2/message.h"
#include "adapters/hl7v2/parser.h"
#include "adapters/hl7v2/writer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/adapters/hl7v2/testdata.h"

namespace nhs::tobacco::hl7v2 {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::IsOkAndHolds;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::HasSubstr;

absl::Time At(int y, int mo, int d, int h, int mi, int s) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s),
                         absl::UTCTimeZone());
}

Message ParseOrDie(absl::string_view bytes) {
  absl::StatusOr<Message> msg = ParseEr7(bytes);
  EXPECT_THAT(msg, IsOk());
  return msg.ok() ? *std::move(msg) : Message();
}

std::string WrittenAck(const Message& request, const AckOutcome& outcome) {
  absl::StatusOr<Message> ack = BuildAck(request, outcome);
  EXPECT_THAT(ack, IsOk());
  return ack.ok() ? WriteEr7(*ack) : "";
}

TEST(AckTest, AcceptOfBasicReferralMatchesTheReferenceAck) {
  Message request = ParseOrDie(ReadTestdata("ref_i12_basic.hl7"));
  AckOutcome outcome;
  outcome.code = AckCode::kAccept;
  outcome.kind = AckKind::kApplication;
  outcome.control_id = "ACK000101";
  outcome.timestamp = At(2026, 11, 28, 10, 15, 2);
  EXPECT_EQ(WrittenAck(request, outcome), ReadTestdata("ack_aa.hl7"));
}

TEST(AckTest, ControlBytesInEchoedFieldsAreHexEscapedNotEchoedRaw) {
  // A sender's MSH-10 holding MLLP's start byte and NUL: echoed raw in
  // MSA-2 they could break the engine's framing of the ACK.
  std::string bytes = ReadTestdata("ref_i12_basic.hl7");
  const size_t msh10 = bytes.find("|REF^I12");
  ASSERT_NE(msh10, std::string::npos);
  const size_t id = bytes.find('|', msh10 + 1);
  bytes.insert(id + 1, std::string("A\x0b\0B", 4));
  Message request = ParseOrDie(bytes);
  AckOutcome outcome;
  outcome.code = AckCode::kAccept;
  outcome.kind = AckKind::kApplication;
  outcome.control_id = "ACK000102";
  outcome.timestamp = At(2026, 11, 28, 10, 15, 2);
  const std::string ack = WrittenAck(request, outcome);
  for (const char c : ack) {
    EXPECT_TRUE(c == '\r' || static_cast<unsigned char>(c) >= 0x20)
        << "raw control byte " << static_cast<int>(c);
  }
  EXPECT_THAT(ack, HasSubstr("MSA|AA|A\\X0B\\\\X00\\B"));
  const std::string unparsed = WriteEr7(BuildAckForUnparsed(bytes, outcome));
  EXPECT_THAT(unparsed, HasSubstr("A\\X0B\\\\X00\\B"));
}

TEST(AckTest, ErrorWithTwoErrSegmentsMatchesTheReferenceAck) {
  Message request = ParseOrDie(absl::StrReplaceAll(
      ReadTestdata("ref_i12_basic.hl7"), {{"MSG000101", "MSG000103"}}));
  AckOutcome outcome;
  outcome.code = AckCode::kError;
  outcome.kind = AckKind::kApplication;
  outcome.control_id = "ACK000103";
  outcome.timestamp = At(2026, 11, 28, 10, 17, 2);
  outcome.errors.push_back(
      {.location = {.segment_id = "PID",
                    .segment_sequence = 1,
                    .field = 3,
                    .repetition = 1,
                    .component = 1},
       .code = ErrorCode::kRequiredFieldMissing,
       .severity = Severity::kError,
       .user_message = "PID-3 has no NHS number (identifier type NH)"});
  outcome.errors.push_back(
      {.location = {.segment_id = "PID",
                    .segment_sequence = 1,
                    .field = 3,
                    .repetition = 2,
                    .component = 1},
       .code = ErrorCode::kDataTypeError,
       .severity = Severity::kWarning,
       .user_message = "Second PID-3 repetition 999000001X is not a 10-digit "
                       "number"});
  EXPECT_EQ(WrittenAck(request, outcome), ReadTestdata("ack_ae.hl7"));
}

TEST(AckTest, EnhancedModeRequestGetsCommitCodes) {
  // ref_i12_basic has MSH-15 = MSH-16 = AL.
  Message request = ParseOrDie(ReadTestdata("ref_i12_basic.hl7"));
  ASSERT_TRUE(IsEnhancedMode(request));
  AckOutcome outcome;
  outcome.control_id = "A1";
  for (auto [code, expected] :
       {std::pair{AckCode::kAccept, "CA"}, std::pair{AckCode::kError, "CE"},
        std::pair{AckCode::kReject, "CR"}}) {
    outcome.code = code;
    absl::StatusOr<Message> ack = BuildAck(request, outcome);
    ASSERT_THAT(ack, IsOk());
    EXPECT_THAT(ack->Get("MSA-1"), IsOkAndHolds(expected));
    EXPECT_THAT(ack->Get("MSA-2"), IsOkAndHolds("MSG000101"));
  }
}

TEST(AckTest, OriginalModeRequestGetsApplicationCodes) {
  Message request = ParseOrDie(
      "MSH|^~\\&|RIO|RX9|TD|TDS01|20260101||ADT^A03^ADT_A03|M1|P|2.4\r");
  ASSERT_FALSE(IsEnhancedMode(request));
  AckOutcome outcome;
  outcome.control_id = "A1";
  for (auto [code, expected] :
       {std::pair{AckCode::kAccept, "AA"}, std::pair{AckCode::kError, "AE"},
        std::pair{AckCode::kReject, "AR"}}) {
    outcome.code = code;
    absl::StatusOr<Message> ack = BuildAck(request, outcome);
    ASSERT_THAT(ack, IsOk());
    EXPECT_THAT(ack->Get("MSA-1"), IsOkAndHolds(expected));
  }
  outcome.kind = AckKind::kCommit;
  outcome.code = AckCode::kAccept;
  EXPECT_THAT(BuildAck(request, outcome)->Get("MSA-1"), IsOkAndHolds("CA"));
}

TEST(AckTest, NullAckTypesMeanOriginalMode) {
  Message request =
      ParseOrDie("MSH|^~\\&|A|B|C|D|||ORU^R01|M1|P|2.5.1|||\"\"|\"\"\r");
  EXPECT_FALSE(IsEnhancedMode(request));
  Message only16 = ParseOrDie("MSH|^~\\&|A|B|C|D|||ORU^R01|M1|P|2.5.1||||NE\r");
  EXPECT_TRUE(IsEnhancedMode(only16));
}

TEST(AckTest, AcceptAckIsRequestedPerMsh15) {
  auto with15 = [](absl::string_view type) {
    return ParseOrDie(absl::StrCat("MSH|^~\\&|A|B|C|D|||ORU^R01|M1|P|2.5.1|||",
                                   type, "|AL\r"));
  };
  EXPECT_TRUE(AcceptAckRequested(with15("AL"), AckCode::kAccept));
  EXPECT_FALSE(AcceptAckRequested(with15("NE"), AckCode::kError));
  EXPECT_TRUE(AcceptAckRequested(with15("ER"), AckCode::kError));
  EXPECT_FALSE(AcceptAckRequested(with15("ER"), AckCode::kAccept));
  EXPECT_TRUE(AcceptAckRequested(with15("SU"), AckCode::kAccept));
  EXPECT_FALSE(AcceptAckRequested(with15("SU"), AckCode::kReject));
  EXPECT_TRUE(
      AcceptAckRequested(ParseOrDie("MSH|^~\\&|A|B|C|D|||ORU^R01|M1|P|2.5.1\r"),
                         AckCode::kAccept));
}

TEST(AckTest, HeaderSwapsPartiesAndCopiesVersionAndProcessingId) {
  Message request = ParseOrDie(
      "MSH|^~\\&|SND^1.2&x^ISO|SFAC|RCV|RFAC|2026||ORU^R01^ORU_R01|C9|T|2.3.1"
      "\r");
  AckOutcome outcome;
  outcome.control_id = "ACK-1";
  outcome.timestamp = At(2027, 1, 5, 12, 0, 0);
  absl::StatusOr<Message> ack = BuildAck(request, outcome);
  ASSERT_THAT(ack, IsOk());
  EXPECT_THAT(ack->GetRaw("MSH-3"), IsOkAndHolds("RCV"));
  EXPECT_THAT(ack->GetRaw("MSH-4"), IsOkAndHolds("RFAC"));
  EXPECT_THAT(ack->GetRaw("MSH-5"), IsOkAndHolds("SND^1.2&x^ISO"));
  EXPECT_THAT(ack->GetRaw("MSH-6"), IsOkAndHolds("SFAC"));
  EXPECT_THAT(ack->Get("MSH-7"), IsOkAndHolds("20270105120000+0000"));
  EXPECT_THAT(ack->GetRaw("MSH-9"), IsOkAndHolds("ACK^R01^ACK"));
  EXPECT_THAT(ack->Get("MSH-10"), IsOkAndHolds("ACK-1"));
  EXPECT_THAT(ack->Get("MSH-11"), IsOkAndHolds("T"));
  EXPECT_THAT(ack->Get("MSH-12"), IsOkAndHolds("2.3.1"));
  EXPECT_THAT(ack->Get("MSA-2"), IsOkAndHolds("C9"));
}

TEST(AckTest, AckUsesTheRequestsDelimiters) {
  Message request = ParseOrDie(ReadTestdata("ref_i12_custom_delims.hl7"));
  AckOutcome outcome;
  outcome.code = AckCode::kError;
  outcome.kind = AckKind::kApplication;
  outcome.control_id = "ACK#1";
  outcome.timestamp = At(2026, 11, 28, 10, 16, 30);
  outcome.errors.push_back(
      {.location = {.segment_id = "NTE", .segment_sequence = 1, .field = 3},
       .code = ErrorCode::kDataTypeError,
       .severity = Severity::kInformation,
       .user_message = "50% $ off # line\nnext"});
  EXPECT_EQ(WrittenAck(request, outcome),
            "MSH#$*!@#TDGATEWAY#TDS01#RIO#RX9#20261128101630+0000##ACK$I12$ACK"
            "#ACK!F!1#P#2.5.1\r"
            "MSA#AE#MSG000102\r"
            "ERR##NTE$1$3#102$Data type error$HL70357#I####50% !S! off !F! "
            "line!.br!next\r");
}

TEST(AckTest, ErrWithoutLocationHasEmptyErr2) {
  Message request = ParseOrDie(ReadTestdata("ref_i12_basic.hl7"));
  AckOutcome outcome;
  outcome.code = AckCode::kReject;
  outcome.control_id = "A";
  outcome.errors.push_back({.code = ErrorCode::kUnsupportedVersionId,
                            .user_message = "version 2.9 not supported"});
  absl::StatusOr<Message> ack = BuildAck(request, outcome);
  ASSERT_THAT(ack, IsOk());
  EXPECT_THAT(ack->GetRaw("ERR-2"), IsOkAndHolds(""));
  EXPECT_THAT(ack->GetRaw("ERR-3"),
              IsOkAndHolds("203^Unsupported version id^HL70357"));
  EXPECT_THAT(ack->Get("ERR-4"), IsOkAndHolds("E"));
  EXPECT_THAT(ack->GetRaw("ERR-1"), IsOkAndHolds(""));
}

TEST(AckTest, OlderVersionsAlsoGetErr1) {
  Message request = ParseOrDie("MSH|^~\\&|A|B|C|D|||ADT^A03|M1|P|2.4\rPID|1\r");
  AckOutcome outcome;
  outcome.code = AckCode::kError;
  outcome.control_id = "A";
  outcome.errors.push_back(
      {.location = {.segment_id = "PID", .segment_sequence = 1, .field = 3},
       .code = ErrorCode::kRequiredFieldMissing});
  absl::StatusOr<Message> ack = BuildAck(request, outcome);
  ASSERT_THAT(ack, IsOk());
  EXPECT_THAT(ack->GetRaw("ERR-1"),
              IsOkAndHolds("PID^1^3^101&Required field missing&HL70357"));
  EXPECT_THAT(ack->GetRaw("ERR-2"), IsOkAndHolds("PID^1^3"));
}

TEST(AckTest, EveryTable0357CodeHasItsText) {
  EXPECT_EQ(ErrorCodeText(ErrorCode::kMessageAccepted), "Message accepted");
  EXPECT_EQ(ErrorCodeText(ErrorCode::kSegmentSequenceError),
            "Segment sequence error");
  EXPECT_EQ(ErrorCodeText(ErrorCode::kTableValueNotFound),
            "Table value not found");
  EXPECT_EQ(ErrorCodeText(ErrorCode::kUnsupportedMessageType),
            "Unsupported message type");
  EXPECT_EQ(ErrorCodeText(ErrorCode::kUnsupportedEventCode),
            "Unsupported event code");
  EXPECT_EQ(ErrorCodeText(ErrorCode::kUnsupportedProcessingId),
            "Unsupported processing id");
  EXPECT_EQ(ErrorCodeText(ErrorCode::kUnknownKeyIdentifier),
            "Unknown key identifier");
  EXPECT_EQ(ErrorCodeText(ErrorCode::kDuplicateKeyIdentifier),
            "Duplicate key identifier");
  EXPECT_EQ(ErrorCodeText(ErrorCode::kApplicationRecordLocked),
            "Application record locked");
  EXPECT_EQ(ErrorCodeText(ErrorCode::kApplicationInternalError),
            "Application internal error");
  EXPECT_EQ(static_cast<int>(ErrorCode::kApplicationInternalError), 207);
}

TEST(AckTest, MissingControlIdIsRefused) {
  Message request = ParseOrDie(ReadTestdata("ref_i12_basic.hl7"));
  EXPECT_THAT(
      BuildAck(request, AckOutcome()),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("MSH-10")));
}

TEST(AckTest, UnparsedRequestWithUsableHeaderKeepsItsIdentifiers) {
  // The header is fine but segment 2 is garbage.
  const std::string raw =
      "MSH#$*!@#RIO#RX9#TD#TDS01#2026##REF$I12#MSG7#P#2.5.1\rpid#bad\r";
  ASSERT_FALSE(ParseEr7(raw).ok());
  AckOutcome outcome;
  outcome.code = AckCode::kReject;
  outcome.control_id = "ACK7";
  outcome.timestamp = At(2026, 1, 2, 3, 4, 5);
  outcome.errors.push_back({.location = {.segment_id = "pid"},
                            .code = ErrorCode::kSegmentSequenceError});
  const std::string ack = WriteEr7(BuildAckForUnparsed(raw, outcome));
  EXPECT_EQ(ack,
            "MSH#$*!@#TD#TDS01#RIO#RX9#20260102030405+0000##ACK$I12$ACK#ACK7"
            "#P#2.5.1\r"
            "MSA#AR#MSG7\r"
            "ERR##pid#100$Segment sequence error$HL70357#E\r");
  EXPECT_THAT(ParseEr7(ack), IsOk());
}

TEST(AckTest, UnparsedRequestWithoutHeaderGetsDefaultDelimiters) {
  AckOutcome outcome;
  outcome.code = AckCode::kReject;
  outcome.control_id = "ACK8";
  outcome.timestamp = At(2026, 1, 2, 3, 4, 5);
  EXPECT_EQ(WriteEr7(BuildAckForUnparsed("\x01garbage|||", outcome)),
            "MSH|^~\\&|||||20260102030405+0000||ACK^^ACK|ACK8\rMSA|AR\r");
}

TEST(AckTest, UnparsedRequestDropsOverlongSalvagedFields) {
  const std::string raw =
      "MSH|^~\\&|" + std::string(300, 'S') + "|F||||||ID1|P|2.5.1\r\x01";
  AckOutcome outcome;
  outcome.control_id = "ACK9";
  absl::StatusOr<Message> ack =
      ParseEr7(WriteEr7(BuildAckForUnparsed(raw, outcome)));
  ASSERT_THAT(ack, IsOk());
  EXPECT_THAT(ack->GetRaw("MSH-5"), IsOkAndHolds(""));
  EXPECT_THAT(ack->GetRaw("MSH-6"), IsOkAndHolds("F"));
  EXPECT_THAT(ack->Get("MSA-2"), IsOkAndHolds("ID1"));
}

}  // namespace
}  // namespace nhs::tobacco::hl7v2
