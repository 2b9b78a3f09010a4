#include "adapters/hl7v2/parser.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "adapters/hl7v2/message.h"
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

std::vector<std::string> Ids(const Message& msg) {
  std::vector<std::string> ids;
  for (const Segment& s : msg.segments()) ids.push_back(s.id());
  return ids;
}

TEST(ParserTest, EveryExampleFileParses) {
  for (const char* name : {"ack_aa.hl7", "ack_ae.hl7", "adt_a03_discharge.hl7",
                           "oru_r01_outcome.hl7", "ref_i12_basic.hl7",
                           "ref_i12_custom_delims.hl7"}) {
    EXPECT_THAT(ParseEr7(ReadTestdata(name)), IsOk()) << name;
  }
}

TEST(ParserTest, SegmentsAreKeptInOrder) {
  absl::StatusOr<Message> msg = ParseEr7(ReadTestdata("ref_i12_basic.hl7"));
  ASSERT_THAT(msg, IsOk());
  EXPECT_THAT(Ids(*msg), ::testing::ElementsAre(
                             "MSH", "RF1", "PRD", "PRD", "PID", "DG1", "OBR",
                             "OBX", "OBX", "OBX", "OBX", "OBX", "NTE"));
}

TEST(ParserTest, FieldsAreCountedAsHl7CountsThem) {
  absl::StatusOr<Message> msg = ParseEr7(ReadTestdata("ack_aa.hl7"));
  ASSERT_THAT(msg, IsOk());
  // MSH-1 is the separator itself, so "MSH|^~\&|...|2.5.1" has 12 fields.
  EXPECT_EQ(msg->header().field_count(), 12);
  EXPECT_EQ(msg->FindSegment("MSA")->field_count(), 2);
}

TEST(ParserTest, LineFeedTerminatorsAreTolerated) {
  const std::string cr = ReadTestdata("ref_i12_basic.hl7");
  const std::string lf = absl::StrReplaceAll(cr, {{"\r", "\n"}});
  const std::string crlf = absl::StrReplaceAll(cr, {{"\r", "\r\n"}});
  for (const std::string& bytes : {lf, crlf}) {
    absl::StatusOr<Message> msg = ParseEr7(bytes);
    ASSERT_THAT(msg, IsOk());
    EXPECT_EQ(msg->segment_count(), 13);
    EXPECT_THAT(msg->Get("NTE-3"), IsOkAndHolds(HasSubstr("On clozapine")));
    // Written back in the standard form.
    EXPECT_EQ(WriteEr7(*msg), cr);
  }
}

TEST(ParserTest, MissingFinalTerminatorAndBlankLinesAreTolerated) {
  absl::StatusOr<Message> msg = ParseEr7("MSH|^~\\&|A\r\r\n\nPID|1\r\r\nPV1|1");
  ASSERT_THAT(msg, IsOk());
  EXPECT_THAT(Ids(*msg), ::testing::ElementsAre("MSH", "PID", "PV1"));
  EXPECT_EQ(WriteEr7(*msg), "MSH|^~\\&|A\rPID|1\rPV1|1\r");
}

TEST(ParserTest, TrailingEmptyFieldsAreKept) {
  absl::StatusOr<Message> msg = ParseEr7("MSH|^~\\&|A|\rPID|1|||\rZZZ\r");
  ASSERT_THAT(msg, IsOk());
  EXPECT_EQ(msg->header().field_count(), 4);
  EXPECT_EQ(msg->FindSegment("PID")->field_count(), 4);
  EXPECT_EQ(msg->FindSegment("ZZZ")->field_count(), 0);
}

TEST(ParserTest, HeaderOnlyMessageParses) {
  absl::StatusOr<Message> msg = ParseEr7("MSH|^~\\&");
  ASSERT_THAT(msg, IsOk());
  EXPECT_EQ(msg->segment_count(), 1);
  EXPECT_EQ(msg->header().field_count(), 2);
}

TEST(ParserTest, EmptyInputIsRefused) {
  EXPECT_THAT(ParseEr7(""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty")));
}

TEST(ParserTest, MessageNotStartingWithMshIsRefusedNamingSegmentOne) {
  EXPECT_THAT(ParseEr7("PID|1||x\rMSH|^~\\&|A\r"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("segment 1 (PID): message must start with "
                                 "MSH")));
  EXPECT_THAT(ParseEr7("\rMSH|^~\\&|A\r"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("must start with MSH")));
}

TEST(ParserTest, BadEncodingCharactersNameMsh2) {
  EXPECT_THAT(ParseEr7("MSH|^~|A\r"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("segment 1 (MSH) field MSH-2: expected 4")));
}

TEST(ParserTest, BadSegmentIdNamesTheSegmentIndex) {
  EXPECT_THAT(ParseEr7("MSH|^~\\&|A\rPID|1\rpv1|1\r"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("segment 3 (pv1): segment id must be")));
  EXPECT_THAT(ParseEr7("MSH|^~\\&|A\rPI\r"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("segment 2 (PI)")));
}

TEST(ParserTest, SegmentIdNotFollowedByFieldSeparatorIsRefused) {
  EXPECT_THAT(ParseEr7("MSH|^~\\&|A\rPIDX|1\r"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("segment 2 (PID)")));
  // The custom-delimiter message's segments must use '#', not '|'.
  EXPECT_THAT(ParseEr7("MSH#$*!@#A\rPID|1\r"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("segment 2 (PID)")));
}

TEST(ParserTest, SecondMshIsRefused) {
  const std::string two =
      ReadTestdata("ack_aa.hl7") + ReadTestdata("ack_aa.hl7");
  EXPECT_THAT(ParseEr7(two), StatusIs(absl::StatusCode::kInvalidArgument,
                                      HasSubstr("segment 3 (MSH): a second "
                                                "MSH")));
}

TEST(ParserTest, ControlBytesInIdsAreEscapedInTheError) {
  EXPECT_THAT(ParseEr7(absl::string_view("MSH|^~\\&\r\x01\x02Z|1", 15)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("segment 2 (\\001\\002Z)")));
}

TEST(ParserTest, HugeFieldWithinTheLimitIsKept) {
  const std::string big(2 * 1024 * 1024, 'A');
  absl::StatusOr<Message> msg =
      ParseEr7(absl::StrCat("MSH|^~\\&|A\rOBX|1|ED|||", big, "\r"));
  ASSERT_THAT(msg, IsOk());
  EXPECT_THAT(msg->GetRaw("OBX-5"),
              IsOkAndHolds(::testing::SizeIs(big.size())));
}

TEST(ParserTest, FieldOverTheLimitIsRefusedNamingIt) {
  ParseOptions options;
  options.max_field_bytes = 10;
  EXPECT_THAT(ParseEr7("MSH|^~\\&|A\rPID|1||12345678901\r", options),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("segment 2 (PID) field PID-3: 11 bytes")));
  EXPECT_THAT(ParseEr7("MSH|^~\\&|A\rPID|1||1234567890\r", options), IsOk());
}

TEST(ParserTest, MessageOverTheLimitIsRefusedBeforeParsing) {
  ParseOptions options;
  options.max_message_bytes = 16;
  EXPECT_THAT(
      ParseEr7("MSH|^~\\&|A\rPID|1\r", options),
      StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("limit is 16")));
}

TEST(ParserTest, TooManySegmentsAreRefused) {
  ParseOptions options;
  options.max_segments = 3;
  EXPECT_THAT(ParseEr7("MSH|^~\\&\rNTE\rNTE\r", options), IsOk());
  EXPECT_THAT(ParseEr7("MSH|^~\\&\rNTE\rNTE\rNTE\r", options),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("more than 3 segments")));
}

TEST(ParserTest, TooManyFieldsAreRefusedNamingTheSegment) {
  ParseOptions options;
  options.max_fields_per_segment = 3;
  EXPECT_THAT(ParseEr7("MSH|^~\\&|A\rNTE|1|2|3\r", options), IsOk());
  EXPECT_THAT(ParseEr7("MSH|^~\\&|A\rNTE|1|2|3|4\r", options),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("segment 2 (NTE): more than 3 fields")));
  EXPECT_THAT(ParseEr7("MSH|^~\\&|A|B\r", options),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("segment 1 (MSH)")));
}

TEST(ParserTest, GarbageIsRefusedWithoutCrashing) {
  const std::string inputs[] = {
      std::string("\0\0\0\0", 4),
      "MSH",
      "MSH|",
      "MSH\r",
      "MSH|^~\\&|\xff\xfe\r\x0b\x1c",
      "\x0b"
      "MSH|^~\\&|A\r\x1c\r",
      "<xml/>",
      "{\"resourceType\":\"Bundle\"}",
      std::string(1000, '|'),
      std::string(1000, '\r'),
      "MSH|^~\\&|A\r" + std::string(5000, '\n'),
  };
  for (const std::string& bytes : inputs) {
    absl::StatusOr<Message> msg = ParseEr7(bytes);
    if (msg.ok()) {
      // Anything accepted must write and re-parse to the same thing.
      const std::string written = WriteEr7(*msg);
      absl::StatusOr<Message> again = ParseEr7(written);
      ASSERT_THAT(again, IsOk());
      EXPECT_EQ(WriteEr7(*again), written);
    } else {
      EXPECT_EQ(msg.status().code(), absl::StatusCode::kInvalidArgument)
          << msg.status();
    }
  }
  EXPECT_THAT(ParseEr7(std::string(1000, '\r')),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseEr7("MSH|"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("MSH-2")));
}

}  // namespace
}  // namespace nhs::tobacco::hl7v2
