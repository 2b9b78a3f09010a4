#include "gateway/common/nhs_number_mask.h"

#include "gtest/gtest.h"

namespace nhs::tobacco {
namespace {

TEST(MaskNhsNumberTest, KeepsFirstThreeAndLastTwoDigits) {
  EXPECT_EQ(MaskNhsNumber("9990001118"), "999 *** **18");
}

TEST(MaskNhsNumberTest, SpacedInputMasksLikeUnspacedInput) {
  EXPECT_EQ(MaskNhsNumber("999 000 1118"), "999 *** **18");
}

TEST(MaskNhsNumberTest, MiddleDigitsNeverAppear) {
  std::string masked = MaskNhsNumber("4857773456");
  EXPECT_EQ(masked, "485 *** **56");
  EXPECT_EQ(masked.find("7773"), std::string::npos);
}

TEST(MaskNhsNumberTest, WrongLengthIsMaskedCompletely) {
  EXPECT_EQ(MaskNhsNumber("999000111"), "*** *** ****");
  EXPECT_EQ(MaskNhsNumber("99900011189"), "*** *** ****");
}

TEST(MaskNhsNumberTest, NonDigitsAreMaskedCompletely) {
  EXPECT_EQ(MaskNhsNumber("99900O1118"), "*** *** ****");
}

TEST(MaskNhsNumberTest, EmptyStaysEmpty) { EXPECT_EQ(MaskNhsNumber(""), ""); }

TEST(MaskNhsNumbersInTest, MasksTenDigitRunsInFreeText) {
  EXPECT_EQ(MaskNhsNumbersIn("NHS number 9990001118 is unknown"),
            "NHS number 999 *** **18 is unknown");
  EXPECT_EQ(MaskNhsNumbersIn("9990001118,9990000018"),
            "999 *** **18,999 *** **18");
}

TEST(MaskNhsNumbersInTest, MasksTheGroupedLayoutsToo) {
  EXPECT_EQ(MaskNhsNumbersIn("patient 999 000 1118 not found"),
            "patient 999 *** **18 not found");
  EXPECT_EQ(MaskNhsNumbersIn("(999-000-1118)"), "(*** *** ****)");
  // Not a 3-3-4 layout: left as it is.
  EXPECT_EQ(MaskNhsNumbersIn("call 0300 311 2233"), "call 0300 311 2233");
  EXPECT_EQ(MaskNhsNumbersIn("999 000 11189"), "999 000 11189");
}

TEST(MaskNhsNumbersInTest, LongerRunsAreMaskedWholeShortOnesKept) {
  EXPECT_EQ(MaskNhsNumbersIn("id 123456789012 at 2026-11-28 code 207"),
            "id ************ at 2026-11-28 code 207");
  EXPECT_EQ(MaskNhsNumbersIn(""), "");
}

}  // namespace
}  // namespace nhs::tobacco
