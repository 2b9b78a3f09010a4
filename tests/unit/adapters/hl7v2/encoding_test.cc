#include "adapters/hl7v2/encoding.h"

#include "absl/status/status.h"
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

TEST(EncodingTest, DefaultsAreTheStandardDelimiters) {
  Encoding enc;
  EXPECT_EQ(enc.field, '|');
  EXPECT_EQ(enc.EncodingCharacters(), "^~\\&");
  EXPECT_THAT(enc.Validate(), IsOk());
}

TEST(EncodingTest, StandardHeaderIsRead) {
  EXPECT_THAT(ReadEncoding("MSH|^~\\&|RIO|RX9\r"), IsOkAndHolds(Encoding()));
}

TEST(EncodingTest, CustomDelimitersAreReadFromTheExampleFile) {
  Encoding expected{.field = '#',
                    .component = '$',
                    .repetition = '*',
                    .escape = '!',
                    .subcomponent = '@'};
  EXPECT_THAT(ReadEncoding(ReadTestdata("ref_i12_custom_delims.hl7")),
              IsOkAndHolds(expected));
}

TEST(EncodingTest, FifthEncodingCharacterIsKeptAsTruncation) {
  absl::StatusOr<Encoding> enc = ReadEncoding("MSH|^~\\&#|A");
  ASSERT_THAT(enc, IsOk());
  EXPECT_EQ(enc->truncation, '#');
  EXPECT_EQ(enc->EncodingCharacters(), "^~\\&#");
  EXPECT_TRUE(enc->IsDelimiter('#'));
}

TEST(EncodingTest, HeaderWithoutFieldsAfterMsh2IsRead) {
  EXPECT_THAT(ReadEncoding("MSH|^~\\&"), IsOkAndHolds(Encoding()));
  EXPECT_THAT(ReadEncoding("MSH|^~\\&\r"), IsOkAndHolds(Encoding()));
}

TEST(EncodingTest, MissingMshIsRefused) {
  EXPECT_THAT(ReadEncoding("PID|1"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("does not start with MSH")));
  EXPECT_THAT(ReadEncoding(""), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(EncodingTest, MissingFieldSeparatorNamesMsh1) {
  EXPECT_THAT(ReadEncoding("MSH"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("MSH-1")));
  EXPECT_THAT(ReadEncoding("MSH\r"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("MSH-1")));
}

TEST(EncodingTest, LetterAsFieldSeparatorIsRefusedNamingMsh1) {
  EXPECT_THAT(ReadEncoding("MSHA^~\\&A"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("MSH-1: field separator 'A'")));
}

TEST(EncodingTest, ShortEncodingCharactersAreRefusedNamingMsh2) {
  EXPECT_THAT(ReadEncoding("MSH|^~\\|A"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("MSH-2: expected 4 encoding characters")));
  EXPECT_THAT(
      ReadEncoding("MSH||A"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("found 0")));
}

TEST(EncodingTest, SixEncodingCharactersAreRefused) {
  EXPECT_THAT(
      ReadEncoding("MSH|^~\\&#%|A"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("found 6")));
}

TEST(EncodingTest, RepeatedDelimiterIsRefusedNamingBoth) {
  EXPECT_THAT(ReadEncoding("MSH|^^\\&|A"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("repetition separator '^' is the same as the "
                                 "component separator")));
  EXPECT_THAT(ReadEncoding("MSH|^~\\||A"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(EncodingTest, ControlCharacterDelimiterIsRefusedWithoutEchoingIt) {
  EXPECT_THAT(ReadEncoding(absl::string_view("MSH|^~\x01&|A", 11)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("escape character byte 0x01")));
}

TEST(EncodingTest, QuoteDelimiterIsRefusedBecauseOfTheNull) {
  EXPECT_THAT(ReadEncoding("MSH|^~\\\"|A"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("MSH-2: subcomponent separator '\"'")));
}

TEST(EncodingTest, DigitDelimiterIsRefused) {
  Encoding enc;
  enc.subcomponent = '7';
  EXPECT_THAT(enc.Validate(), StatusIs(absl::StatusCode::kInvalidArgument,
                                       HasSubstr("subcomponent separator")));
}

TEST(EncodingTest, IsDelimiterKnowsAllFiveAndNothingElse) {
  Encoding enc;
  for (char c : std::string("|^~\\&")) EXPECT_TRUE(enc.IsDelimiter(c)) << c;
  EXPECT_FALSE(enc.IsDelimiter('#'));
  EXPECT_FALSE(enc.IsDelimiter('\0'));
}

TEST(EncodingTest, NulTruncationCharacterIsRefused) {
  // Found by the fuzzer: a NUL fifth encoding character was taken for "no
  // truncation character" and lost when the message was written back.
  EXPECT_THAT(ReadEncoding(std::string("MSH|^~\\&\0|A|", 12)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("truncation character NUL")));
}

}  // namespace
}  // namespace nhs::tobacco::hl7v2
