#include "adapters/mental_health/status_to_ack.h"

#include "absl/status/status.h"
#include "gateway/domain/field_violations.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::mental_health {
namespace {

using hl7v2::AckCode;
using hl7v2::ErrorCode;

TEST(StatusToAckTest, OkIsAccept) {
  hl7v2::AckOutcome outcome = AckOutcomeForStatus(absl::OkStatus());
  EXPECT_EQ(outcome.code, AckCode::kAccept);
  EXPECT_TRUE(outcome.errors.empty());
}

TEST(StatusToAckTest, EachViolationBecomesOneErrWithLocationAndCode) {
  domain::Violations v;
  v.Add("PID-3(1).1", "NHS number fails the Modulus 11 check");
  v.Add("PID-7", "is required: date of birth");
  v.Add("RF1-2", "is not in table 0280 (S, A, R)");
  hl7v2::AckOutcome outcome = AckOutcomeForStatus(v.ToStatus("REF^I12"));
  EXPECT_EQ(outcome.code, AckCode::kError);
  ASSERT_EQ(outcome.errors.size(), 3u);
  EXPECT_EQ(outcome.errors[0].location.segment_id, "PID");
  EXPECT_EQ(outcome.errors[0].location.segment_sequence, 1);
  EXPECT_EQ(outcome.errors[0].location.field, 3);
  EXPECT_EQ(outcome.errors[0].location.repetition, 1);
  EXPECT_EQ(outcome.errors[0].location.component, 1);
  EXPECT_EQ(outcome.errors[0].code, ErrorCode::kDataTypeError);
  EXPECT_EQ(outcome.errors[1].location.field, 7);
  EXPECT_EQ(outcome.errors[1].code, ErrorCode::kRequiredFieldMissing);
  EXPECT_EQ(outcome.errors[2].code, ErrorCode::kTableValueNotFound);
}

TEST(StatusToAckTest, PathwayFieldPathsPointBackToTheHl7Field) {
  domain::Violations v;
  v.Add("referral.service.ods_code", "is required");
  hl7v2::AckOutcome outcome = AckOutcomeForStatus(v.ToStatus("referral"));
  ASSERT_EQ(outcome.errors.size(), 1u);
  EXPECT_EQ(outcome.errors[0].location.segment_id, "MSH");
  EXPECT_EQ(outcome.errors[0].location.field, 6);
  EXPECT_EQ(outcome.errors[0].code, ErrorCode::kRequiredFieldMissing);
}

TEST(StatusToAckTest, UnsupportedTypeAndMissingSegmentHaveTheirCodes) {
  EXPECT_EQ(Hl7ErrorCode("unsupported message type: expected REF^I12"),
            ErrorCode::kUnsupportedMessageType);
  EXPECT_EQ(Hl7ErrorCode("unsupported event A08"),
            ErrorCode::kUnsupportedEventCode);
  EXPECT_EQ(Hl7ErrorCode("segment is required"),
            ErrorCode::kSegmentSequenceError);
  EXPECT_EQ(Hl7ErrorLocation("PID").segment_id, "PID");
}

TEST(StatusToAckTest, TransientFailuresAskTheSenderToResend) {
  for (const absl::Status& s :
       {absl::UnavailableError("store down"),
        absl::ResourceExhaustedError("queue full"),
        absl::DeadlineExceededError("slow"), absl::InternalError("bug")}) {
    hl7v2::AckOutcome outcome = AckOutcomeForStatus(s);
    EXPECT_EQ(outcome.code, AckCode::kReject) << s;
    ASSERT_EQ(outcome.errors.size(), 1u);
    EXPECT_EQ(outcome.errors[0].code, ErrorCode::kApplicationInternalError);
  }
}

TEST(StatusToAckTest, ReusedControlIdForADifferentMessageIsDuplicateKey) {
  hl7v2::AckOutcome outcome =
      AckOutcomeForStatus(absl::AlreadyExistsError("different body"));
  EXPECT_EQ(outcome.code, AckCode::kError);
  ASSERT_EQ(outcome.errors.size(), 1u);
  EXPECT_EQ(outcome.errors[0].code, ErrorCode::kDuplicateKeyIdentifier);
  EXPECT_EQ(outcome.errors[0].location.field, 10);
}

TEST(StatusToAckTest, ParseErrorIsAReject) {
  hl7v2::AckOutcome outcome =
      AckOutcomeForParseError(absl::InvalidArgumentError("no MSH"));
  EXPECT_EQ(outcome.code, AckCode::kReject);
  ASSERT_EQ(outcome.errors.size(), 1u);
}

TEST(StatusToAckTest, MessageOverALimitIsAnErrorWithValueTooLongNot207) {
  hl7v2::AckOutcome outcome = AckOutcomeForParseError(
      absl::ResourceExhaustedError("message has more than 10000 segments"));
  // AE (not AR) and 104 (not 207): engines resend on AR and on 207.
  EXPECT_EQ(outcome.code, AckCode::kError);
  ASSERT_EQ(outcome.errors.size(), 1u);
  EXPECT_EQ(outcome.errors[0].code, ErrorCode::kValueTooLong);
  EXPECT_EQ(static_cast<int>(ErrorCode::kValueTooLong), 104);
}

}  // namespace
}  // namespace nhs::tobacco::mental_health
