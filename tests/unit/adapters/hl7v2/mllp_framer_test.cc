#include "adapters/hl7v2/mllp_framer.h"

#include <optional>
#include <string>
#include <vector>

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
using ::testing::ElementsAre;
using ::testing::Eq;
using ::testing::HasSubstr;
using ::testing::Optional;

// Drains every complete frame; fails the test on an error.
std::vector<std::string> Drain(MllpFramer& framer) {
  std::vector<std::string> out;
  while (true) {
    absl::StatusOr<std::optional<std::string>> next = framer.Next();
    EXPECT_THAT(next, IsOk());
    if (!next.ok() || !next->has_value()) return out;
    out.push_back(**next);
  }
}

TEST(MllpFrameTest, PayloadIsWrappedInStartAndEndBlocks) {
  EXPECT_EQ(MllpFrame("MSH|x\r"), "\x0BMSH|x\r\x1C\x0D");
  EXPECT_EQ(MllpFrame(""), "\x0B\x1C\x0D");
}

TEST(MllpFramerTest, WholeFrameInOneReadIsReturned) {
  const std::string msg = ReadTestdata("ref_i12_basic.hl7");
  MllpFramer framer;
  framer.Append(MllpFrame(msg));
  EXPECT_THAT(Drain(framer), ElementsAre(msg));
  EXPECT_EQ(framer.buffered_bytes(), 0u);
}

TEST(MllpFramerTest, NothingBufferedMeansNoFrame) {
  MllpFramer framer;
  EXPECT_THAT(framer.Next(), IsOkAndHolds(Eq(std::nullopt)));
}

TEST(MllpFramerTest, MessageSplitAcrossThreeReadsIsReassembled) {
  const std::string msg = ReadTestdata("ref_i12_basic.hl7");
  const std::string wire = MllpFrame(msg);
  MllpFramer framer;
  framer.Append(wire.substr(0, 10));
  EXPECT_THAT(framer.Next(), IsOkAndHolds(Eq(std::nullopt)));
  framer.Append(wire.substr(10, 500));
  EXPECT_THAT(framer.Next(), IsOkAndHolds(Eq(std::nullopt)));
  EXPECT_TRUE(framer.in_frame());
  framer.Append(wire.substr(510));
  EXPECT_THAT(framer.Next(), IsOkAndHolds(Optional(msg)));
  EXPECT_FALSE(framer.in_frame());
}

TEST(MllpFramerTest, EndBlockSplitFromItsCarriageReturnWaits) {
  MllpFramer framer;
  framer.Append(
      "\x0B"
      "abc\x1C");
  EXPECT_THAT(framer.Next(), IsOkAndHolds(Eq(std::nullopt)));
  framer.Append("\x0D");
  EXPECT_THAT(framer.Next(), IsOkAndHolds(Optional(std::string("abc"))));
}

TEST(MllpFramerTest, ByteByByteDeliveryYieldsEveryMessage) {
  const std::string a = ReadTestdata("ack_aa.hl7");
  const std::string b = ReadTestdata("ref_i12_custom_delims.hl7");
  const std::string wire = MllpFrame(a) + MllpFrame(b) + MllpFrame("");
  MllpFramer framer;
  std::vector<std::string> got;
  for (char c : wire) {
    framer.Append(std::string(1, c));
    for (std::string& m : Drain(framer)) got.push_back(std::move(m));
  }
  EXPECT_THAT(got, ElementsAre(a, b, ""));
}

TEST(MllpFramerTest, SeveralFramesInOneReadComeOutInOrder) {
  MllpFramer framer;
  framer.Append(MllpFrame("one") + MllpFrame("two") + "\x0Bthr");
  EXPECT_THAT(Drain(framer), ElementsAre("one", "two"));
  EXPECT_EQ(framer.buffered_bytes(), 4u);
  framer.Append("ee\x1C\x0D");
  EXPECT_THAT(Drain(framer), ElementsAre("three"));
}

TEST(MllpFramerTest, BytesBeforeTheStartBlockAreAnErrorNamingTheOffset) {
  MllpFramer framer;
  framer.Append("MSH|^~\\&\r");
  EXPECT_THAT(framer.Next(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("byte 0x4D at stream offset 0 is outside a "
                                 "frame")));
}

TEST(MllpFramerTest, NewlineBetweenFramesIsAnErrorNotSkipped) {
  MllpFramer framer;
  framer.Append(MllpFrame("one") + "\n" + MllpFrame("two"));
  EXPECT_THAT(framer.Next(), IsOkAndHolds(Optional(std::string("one"))));
  EXPECT_THAT(framer.Next(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("byte 0x0A at stream offset 6")));
}

TEST(MllpFramerTest, ErrorsAreSticky) {
  MllpFramer framer;
  framer.Append("x");
  ASSERT_FALSE(framer.Next().ok());
  framer.Append(MllpFrame("fine"));
  EXPECT_THAT(framer.Next(), StatusIs(absl::StatusCode::kInvalidArgument,
                                      HasSubstr("outside a frame")));
  EXPECT_EQ(framer.buffered_bytes(), 0u);
}

TEST(MllpFramerTest, EndBlockWithoutCarriageReturnIsAnError) {
  MllpFramer framer;
  framer.Append(
      "\x0B"
      "abc\x1Cx");
  EXPECT_THAT(framer.Next(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("end block 0x1C at stream offset 4 is "
                                 "followed by 0x78")));
}

TEST(MllpFramerTest, StartBlockInsideAFrameIsAnError) {
  MllpFramer framer;
  framer.Append(
      "\x0B"
      "ab\x0B"
      "cd\x1C\x0D");
  EXPECT_THAT(framer.Next(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("start block 0x0B inside a frame at stream "
                                 "offset 3")));
}

TEST(MllpFramerTest, FrameOfExactlyTheLimitIsAccepted) {
  MllpFramer framer(/*max_frame_bytes=*/5);
  framer.Append(MllpFrame("12345"));
  EXPECT_THAT(framer.Next(), IsOkAndHolds(Optional(std::string("12345"))));
}

TEST(MllpFramerTest, FrameOverTheLimitIsRefusedBeforeItEnds) {
  MllpFramer framer(/*max_frame_bytes=*/5);
  framer.Append(
      "\x0B"
      "1234");
  EXPECT_THAT(framer.Next(), IsOkAndHolds(Eq(std::nullopt)));
  framer.Append("56");
  EXPECT_THAT(framer.Next(), StatusIs(absl::StatusCode::kResourceExhausted,
                                      HasSubstr("exceeds 5 bytes")));
}

TEST(MllpFramerTest, PayloadBytesAreNotInterpreted) {
  const std::string payload("a\0b\r\n\x1D\xFF", 7);
  MllpFramer framer;
  framer.Append(MllpFrame(payload));
  EXPECT_THAT(Drain(framer), ElementsAre(payload));
}

}  // namespace
}  // namespace nhs::tobacco::hl7v2
