#include "adapters/hl7v2/message.h"

#include <string>

#include "absl/status/status.h"
#include "adapters/hl7v2/encoding.h"
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
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Message ParseOrDie(absl::string_view bytes) {
  absl::StatusOr<Message> msg = ParseEr7(bytes);
  EXPECT_THAT(msg, IsOk());
  return msg.ok() ? *std::move(msg) : Message();
}

TEST(PathTest, FullPathIsParsed) {
  absl::StatusOr<Path> path = ParsePath("OBX(2)-5(3).4.1");
  ASSERT_THAT(path, IsOk());
  EXPECT_EQ(path->segment_id, "OBX");
  EXPECT_EQ(path->segment_occurrence, 2);
  EXPECT_EQ(path->field, 5);
  EXPECT_EQ(path->repetition, 3);
  EXPECT_EQ(path->component, 4);
  EXPECT_EQ(path->subcomponent, 1);
  EXPECT_EQ(path->ToString(), "OBX(2)-5(3).4.1");
}

TEST(PathTest, ShortPathLeavesOtherLevelsUnset) {
  absl::StatusOr<Path> path = ParsePath("MSH-9.2");
  ASSERT_THAT(path, IsOk());
  EXPECT_EQ(path->segment_occurrence, 1);
  EXPECT_EQ(path->repetition, 0);
  EXPECT_EQ(path->component, 2);
  EXPECT_EQ(path->subcomponent, 0);
  EXPECT_EQ(path->ToString(), "MSH-9.2");
}

TEST(PathTest, MalformedPathsAreRefusedQuotingThePath) {
  for (const char* bad : {"", "PID", "PID-", "PID-0", "pid-3", "PID3", "PID-3.",
                          "PID-3(0)", "PID-3(1", "PID-3.1.2.3", "PID(0)-3",
                          "PID-3x", "PID-123456", "PID-3.-1", "1ID-3"}) {
    EXPECT_THAT(ParsePath(bad), StatusIs(absl::StatusCode::kInvalidArgument,
                                         HasSubstr("path '")))
        << bad;
  }
}

TEST(MessageTest, ComponentsOfTheBasicReferralAreRead) {
  Message msg = ParseOrDie(ReadTestdata("ref_i12_basic.hl7"));
  EXPECT_THAT(msg.Get("MSH-9.1"), IsOkAndHolds("REF"));
  EXPECT_THAT(msg.Get("MSH-9.2"), IsOkAndHolds("I12"));
  EXPECT_THAT(msg.Get("MSH-10"), IsOkAndHolds("MSG000101"));
  EXPECT_THAT(msg.Get("RF1-6.1"), IsOkAndHolds("CMHT-REF-000123"));
  EXPECT_THAT(msg.Get("PRD(2)-1"), IsOkAndHolds("RT"));
  EXPECT_THAT(msg.Get("OBX(3)-6.2"), IsOkAndHolds("parts per million"));
  EXPECT_THAT(msg.Get("PID-5.2"), IsOkAndHolds("Jordan"));
}

TEST(MessageTest, RepetitionsAreAddressedOneBased) {
  Message msg = ParseOrDie(ReadTestdata("ref_i12_basic.hl7"));
  EXPECT_THAT(msg.Get("PID-3(1).1"), IsOkAndHolds("9990000018"));
  EXPECT_THAT(msg.Get("PID-3(1).5"), IsOkAndHolds("NH"));
  EXPECT_THAT(msg.Get("PID-3(2).1"), IsOkAndHolds("RX91234567"));
  EXPECT_THAT(msg.Get("PID-3(2).4"), IsOkAndHolds("RX9"));
  EXPECT_THAT(msg.Get("PID-3(3).1"), IsOkAndHolds(""));
  EXPECT_THAT(msg.Get("PRD(1)-7(2).2"), IsOkAndHolds("ODS"));
  const Field pid3 = msg.FindSegment("PID")->GetField(3);
  EXPECT_EQ(pid3.repetition_count(), 2);
  ASSERT_EQ(pid3.repetitions().size(), 2u);
  EXPECT_EQ(pid3.repetitions()[1].GetComponent(1).Text(), "RX91234567");
  EXPECT_EQ(pid3.GetRepetition(1).component_count(), 5);
}

TEST(MessageTest, UnspecifiedLevelsDefaultToTheFirst) {
  Message msg = ParseOrDie(ReadTestdata("ref_i12_basic.hl7"));
  EXPECT_THAT(msg.Get("PID-3"), IsOkAndHolds("9990000018"));
  EXPECT_THAT(msg.Get("MSH-9"), IsOkAndHolds("REF"));
}

TEST(MessageTest, SubcomponentsAreAddressed) {
  Message msg = ParseOrDie("MSH|^~\\&|A\rPID|1||123^^^NHS&2.16.840&ISO^NH\r");
  EXPECT_THAT(msg.Get("PID-3.4"), IsOkAndHolds("NHS"));
  EXPECT_THAT(msg.Get("PID-3.4.1"), IsOkAndHolds("NHS"));
  EXPECT_THAT(msg.Get("PID-3.4.2"), IsOkAndHolds("2.16.840"));
  EXPECT_THAT(msg.Get("PID-3.4.3"), IsOkAndHolds("ISO"));
  EXPECT_THAT(msg.Get("PID-3.4.4"), IsOkAndHolds(""));
  EXPECT_THAT(msg.GetRaw("PID-3.4"), IsOkAndHolds("NHS&2.16.840&ISO"));
  EXPECT_EQ(msg.FindSegment("PID")
                ->GetField(3)
                .GetRepetition(1)
                .GetComponent(4)
                .subcomponent_count(),
            3);
}

TEST(MessageTest, RawAccessReturnsTheEncodedTextAtThatLevel) {
  Message msg = ParseOrDie(ReadTestdata("ref_i12_basic.hl7"));
  EXPECT_THAT(msg.GetRaw("PID-3"),
              IsOkAndHolds("9990000018^^^NHS^NH~RX91234567^^^RX9^MR"));
  EXPECT_THAT(msg.GetRaw("PID-3(2)"), IsOkAndHolds("RX91234567^^^RX9^MR"));
  EXPECT_THAT(msg.GetRaw("PID-3.4"), IsOkAndHolds("NHS"));
}

TEST(MessageTest, Msh1AndMsh2AreTheDelimitersNotSplit) {
  Message msg = ParseOrDie(ReadTestdata("ref_i12_basic.hl7"));
  EXPECT_THAT(msg.Get("MSH-1"), IsOkAndHolds("|"));
  EXPECT_THAT(msg.Get("MSH-2"), IsOkAndHolds("^~\\&"));
  EXPECT_THAT(msg.Get("MSH-2.2"), IsOkAndHolds(""));
  EXPECT_THAT(msg.Get("MSH-3"), IsOkAndHolds("RIO"));
  EXPECT_EQ(msg.header().GetField(2).repetition_count(), 1);
}

TEST(MessageTest, CustomDelimiterFileDecodesItsNote) {
  Message msg = ParseOrDie(ReadTestdata("ref_i12_custom_delims.hl7"));
  EXPECT_THAT(msg.Get("MSH-1"), IsOkAndHolds("#"));
  EXPECT_THAT(msg.Get("MSH-2"), IsOkAndHolds("$*!@"));
  EXPECT_THAT(msg.Get("MSH-9.2"), IsOkAndHolds("I12"));
  EXPECT_THAT(msg.Get("PID-3(2).5"), IsOkAndHolds("MR"));
  // This example carries the PRD identifiers in PRD-8, one field later
  // than ref_i12_basic.hl7 does.
  EXPECT_THAT(msg.Get("PRD-8(2).1"), IsOkAndHolds("RX9"));
  EXPECT_THAT(msg.Get("NTE-3"),
              IsOkAndHolds("Prefers texts # not calls\nCarer: Mum @ Dad $ "
                           "share * consent! Contact via CMHT ABCD"));
}

TEST(MessageTest, EscapesAreDecodedInEveryPosition) {
  Message msg = ParseOrDie(
      "MSH|^~\\&|A\r"
      "ZZZ|\\F\\|a\\S\\b^c\\T\\d|x~y\\R\\z|p&q\\E\\r\r");
  EXPECT_THAT(msg.Get("ZZZ-1"), IsOkAndHolds("|"));
  EXPECT_THAT(msg.Get("ZZZ-2.1"), IsOkAndHolds("a^b"));
  EXPECT_THAT(msg.Get("ZZZ-2.2"), IsOkAndHolds("c&d"));
  EXPECT_THAT(msg.Get("ZZZ-3(2)"), IsOkAndHolds("y~z"));
  EXPECT_THAT(msg.Get("ZZZ-4.1.2"), IsOkAndHolds("q\\r"));
}

TEST(MessageTest, EmptyAndNullAreDistinguished) {
  Message msg = ParseOrDie("MSH|^~\\&|A\rPID|1|\"\"||x^\"\"^^y\r");
  EXPECT_THAT(msg.GetPresence("PID-1"), IsOkAndHolds(Presence::kValued));
  EXPECT_THAT(msg.GetPresence("PID-2"), IsOkAndHolds(Presence::kNull));
  EXPECT_THAT(msg.GetPresence("PID-3"), IsOkAndHolds(Presence::kAbsent));
  EXPECT_THAT(msg.GetPresence("PID-4.2"), IsOkAndHolds(Presence::kNull));
  EXPECT_THAT(msg.GetPresence("PID-4.3"), IsOkAndHolds(Presence::kAbsent));
  EXPECT_THAT(msg.GetPresence("PID-30"), IsOkAndHolds(Presence::kAbsent));
  // A null reads as no text; only Presence tells it from empty.
  EXPECT_THAT(msg.Get("PID-2"), IsOkAndHolds(""));
  EXPECT_THAT(msg.GetRaw("PID-2"), IsOkAndHolds("\"\""));
  EXPECT_TRUE(msg.FindSegment("PID")->GetField(2).IsNull());
  EXPECT_TRUE(msg.FindSegment("PID")->GetField(3).IsEmpty());
  EXPECT_FALSE(msg.FindSegment("PID")->GetField(3).IsNull());
}

TEST(MessageTest, QuotedTextIsNotNull) {
  Message msg = ParseOrDie("MSH|^~\\&|A\rNTE|1||\"\"\"\"|\"x\"\r");
  EXPECT_THAT(msg.GetPresence("NTE-3"), IsOkAndHolds(Presence::kValued));
  EXPECT_THAT(msg.Get("NTE-4"), IsOkAndHolds("\"x\""));
}

TEST(MessageTest, MissingSegmentIsNotFoundNamingThePath) {
  Message msg = ParseOrDie(ReadTestdata("ack_aa.hl7"));
  EXPECT_THAT(msg.Get("PID-3"), StatusIs(absl::StatusCode::kNotFound,
                                         HasSubstr("PID-3: message has no "
                                                   "PID segment")));
  EXPECT_THAT(msg.Get("MSA(2)-1"), StatusIs(absl::StatusCode::kNotFound,
                                            HasSubstr("occurrence 2 of MSA")));
  EXPECT_THAT(msg.GetPresence("ERR-1"), StatusIs(absl::StatusCode::kNotFound));
}

TEST(MessageTest, FieldsBeyondTheLastAreEmpty) {
  Message msg = ParseOrDie(ReadTestdata("ack_aa.hl7"));
  EXPECT_THAT(msg.Get("MSA-3"), IsOkAndHolds(""));
  EXPECT_THAT(msg.Get("MSH-99(4).7.2"), IsOkAndHolds(""));
}

TEST(MessageTest, ZSegmentsAndUnknownSegmentsAreKept) {
  Message msg = ParseOrDie("MSH|^~\\&|A\rZPI|1|custom^value\rQQ1|x\r");
  ASSERT_EQ(msg.segment_count(), 3);
  EXPECT_EQ(msg.segments()[1].id(), "ZPI");
  EXPECT_EQ(msg.segments()[2].id(), "QQ1");
  EXPECT_THAT(msg.Get("ZPI-2.2"), IsOkAndHolds("value"));
  EXPECT_THAT(msg.Get("QQ1-1"), IsOkAndHolds("x"));
}

TEST(MessageTest, FindSegmentsListsEveryOccurrenceInOrder) {
  Message msg = ParseOrDie(ReadTestdata("ref_i12_basic.hl7"));
  std::vector<std::string> ids;
  for (const Segment* obx : msg.FindSegments("OBX")) {
    ids.push_back(obx->GetField(1).Text());
  }
  EXPECT_THAT(ids, ElementsAre("1", "2", "3", "4", "5"));
  EXPECT_EQ(msg.FindSegment("OBX", 6), nullptr);
}

TEST(MessageTest, NewMessageHasOnlyAnMshWithItsDelimiters) {
  Encoding enc{.field = '#',
               .component = '$',
               .repetition = '*',
               .escape = '!',
               .subcomponent = '@'};
  Message msg(enc);
  EXPECT_EQ(msg.segment_count(), 1);
  EXPECT_THAT(msg.Get("MSH-1"), IsOkAndHolds("#"));
  EXPECT_THAT(msg.Get("MSH-2"), IsOkAndHolds("$*!@"));
  EXPECT_EQ(WriteEr7(msg), "MSH#$*!@\r");
}

TEST(MessageTest, SetEscapesTextAndPadsWithEmptyElements) {
  Message msg;
  ASSERT_THAT(msg.AddSegment("PID"), IsOk());
  ASSERT_THAT(msg.Set("PID-5.2", "Ada|Jo"), IsOk());
  ASSERT_THAT(msg.Set("PID-3(2).4.2", "x^y"), IsOk());
  EXPECT_THAT(msg.GetRaw("PID-5"), IsOkAndHolds("^Ada\\F\\Jo"));
  EXPECT_THAT(msg.GetRaw("PID-3"), IsOkAndHolds("~^^^&x\\S\\y"));
  EXPECT_THAT(msg.Get("PID-5.2"), IsOkAndHolds("Ada|Jo"));
  EXPECT_THAT(msg.Get("PID-3(2).4.2"), IsOkAndHolds("x^y"));
  EXPECT_EQ(WriteEr7(msg), "MSH|^~\\&\rPID|||~^^^&x\\S\\y||^Ada\\F\\Jo\r");
}

TEST(MessageTest, SetReplacesOnlyTheNamedElement) {
  Message msg = ParseOrDie("MSH|^~\\&|A\rPID|1||a^b^c~d^e\r");
  ASSERT_THAT(msg.Set("PID-3(1).2", "B"), IsOk());
  EXPECT_THAT(msg.GetRaw("PID-3"), IsOkAndHolds("a^B^c~d^e"));
  ASSERT_THAT(msg.Set("PID-3(2)", "z"), IsOk());
  EXPECT_THAT(msg.GetRaw("PID-3"), IsOkAndHolds("a^B^c~z"));
}

TEST(MessageTest, SetNullWritesTheTwoQuoteLiteral) {
  Message msg;
  ASSERT_THAT(msg.AddSegment("PID"), IsOk());
  ASSERT_THAT(msg.SetNull("PID-8"), IsOk());
  ASSERT_THAT(msg.Set("PID-9", "\"\""), IsOk());
  EXPECT_THAT(msg.GetPresence("PID-8"), IsOkAndHolds(Presence::kNull));
  EXPECT_THAT(msg.GetRaw("PID-8"), IsOkAndHolds("\"\""));
  // Text that happens to be two quotes is stored as text, not as a null.
  EXPECT_THAT(msg.GetRaw("PID-9"), IsOkAndHolds("\\X22\\\""));
  EXPECT_THAT(msg.GetPresence("PID-9"), IsOkAndHolds(Presence::kValued));
  EXPECT_THAT(msg.Get("PID-9"), IsOkAndHolds("\"\""));
}

TEST(MessageTest, SetOnMissingSegmentIsNotFound) {
  Message msg;
  EXPECT_THAT(msg.Set("PID-3", "x"), StatusIs(absl::StatusCode::kNotFound));
}

TEST(MessageTest, DelimiterFieldsOfMshCannotBeSet) {
  Message msg;
  EXPECT_THAT(msg.Set("MSH-2", "x"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("MSH-1 and MSH-2")));
  EXPECT_THAT(msg.FindMutableSegment("MSH")->SetRawField(1, "#"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(MessageTest, RawFieldWithSeparatorOrTerminatorIsRefused) {
  Message msg;
  Segment* pid = *msg.AddSegment("PID");
  EXPECT_THAT(pid->SetRawField(3, "a|b"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("PID-3")));
  EXPECT_THAT(pid->SetRawField(3, "a\rb"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(pid->SetRawField(3, "a^b~c"), IsOk());
  EXPECT_THAT(
      pid->SetRawField(0, "x"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("outside")));
}

TEST(MessageTest, HugeIndexIsRefusedInsteadOfAllocating) {
  Message msg;
  Segment* pid = *msg.AddSegment("PID");
  EXPECT_THAT(pid->SetValue(3, 1, 100000, 0, "x"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("component index 100000")));
}

TEST(MessageTest, BadSegmentIdsAreRefused) {
  Message msg;
  EXPECT_THAT(msg.AddSegment("pid"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(msg.AddSegment("PIDX"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(msg.AddSegment("1AB"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(msg.AddSegment("MSH"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("exactly one MSH")));
  EXPECT_THAT(msg.AddSegment("PV1"), IsOk());
}

}  // namespace
}  // namespace nhs::tobacco::hl7v2
