#include "adapters/hl7v2/writer.h"

#include <string>

#include "adapters/hl7v2/encoding.h"
#include "adapters/hl7v2/message.h"
#include "adapters/hl7v2/parser.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/adapters/hl7v2/testdata.h"

namespace nhs::tobacco::hl7v2 {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::IsOkAndHolds;

class WriterExampleTest : public ::testing::TestWithParam<const char*> {};

TEST_P(WriterExampleTest, ParsedExampleIsWrittenBackByteForByte) {
  const std::string bytes = ReadTestdata(GetParam());
  ASSERT_FALSE(bytes.empty());
  absl::StatusOr<Message> msg = ParseEr7(bytes);
  ASSERT_THAT(msg, IsOk());
  EXPECT_EQ(WriteEr7(*msg), bytes);
}

INSTANTIATE_TEST_SUITE_P(Examples, WriterExampleTest,
                         ::testing::Values("ack_aa.hl7", "ack_ae.hl7",
                                           "adt_a03_discharge.hl7",
                                           "oru_r01_outcome.hl7",
                                           "ref_i12_basic.hl7",
                                           "ref_i12_custom_delims.hl7"));

TEST(WriterTest, UnknownEscapesNullsAndOddSpacingSurviveRoundTrip) {
  const std::string bytes =
      "MSH|^~\\&#|A||||||||||\r"
      "NTE|1||\\H\\bold\\N\\ \\Zlocal\\ \\X4\\ C:\\temp|\"\"|^^&&~~|  \r"
      "ZX9|\r";
  absl::StatusOr<Message> msg = ParseEr7(bytes);
  ASSERT_THAT(msg, IsOk());
  EXPECT_EQ(WriteEr7(*msg), bytes);
}

TEST(WriterTest, EveryByteExceptTerminatorsSurvivesRoundTrip) {
  std::string text;
  for (int c = 0; c < 256; ++c) {
    if (c != '\r' && c != '\n' && c != '|')
      text.push_back(static_cast<char>(c));
  }
  const std::string bytes = "MSH|^~\\&|A\rZZZ|" + text + "\r";
  absl::StatusOr<Message> msg = ParseEr7(bytes);
  ASSERT_THAT(msg, IsOk());
  EXPECT_EQ(WriteEr7(*msg), bytes);
}

TEST(WriterTest, BuiltMessageUsesItsOwnDelimiters) {
  Encoding enc{.field = '#',
               .component = '$',
               .repetition = '*',
               .escape = '!',
               .subcomponent = '@'};
  Message msg(enc);
  ASSERT_THAT(msg.Set("MSH-9.1", "ADT"), IsOk());
  ASSERT_THAT(msg.Set("MSH-9.2", "A03"), IsOk());
  Segment* nte = *msg.AddSegment("NTE");
  ASSERT_THAT(nte->SetValue(3, 1, 0, 0, "a#b\nc"), IsOk());
  const std::string written = WriteEr7(msg);
  EXPECT_EQ(written, "MSH#$*!@#######ADT$A03\rNTE###a!F!b!.br!c\r");
  absl::StatusOr<Message> again = ParseEr7(written);
  ASSERT_THAT(again, IsOk());
  EXPECT_THAT(again->Get("NTE-3"), IsOkAndHolds("a#b\nc"));
}

TEST(WriterTest, EverySegmentEndsWithCarriageReturnOnly) {
  absl::StatusOr<Message> msg = ParseEr7("MSH|^~\\&|A\nPID|1\r\nPV1");
  ASSERT_THAT(msg, IsOk());
  EXPECT_EQ(WriteEr7(*msg), "MSH|^~\\&|A\rPID|1\rPV1\r");
}

}  // namespace
}  // namespace nhs::tobacco::hl7v2
