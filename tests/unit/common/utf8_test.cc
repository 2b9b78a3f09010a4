#include "gateway/common/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace nhs::tobacco {
namespace {

TEST(Utf8Test, WellFormedTextIsValid) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ASCII |^~\\&"));
  EXPECT_TRUE(IsValidUtf8("Okaf\xC3\xB3r"));         // U+00F3
  EXPECT_TRUE(IsValidUtf8("\xE2\x82\xAC"));          // U+20AC
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x9A\xAD"));      // U+1F6AD
  EXPECT_TRUE(IsValidUtf8("\xEF\xBF\xBD"));          // U+FFFD
  EXPECT_TRUE(IsValidUtf8(std::string("a\0b", 3)));  // NUL is valid UTF-8
}

TEST(Utf8Test, IllFormedSequencesAreFoundAtTheirOffset) {
  EXPECT_EQ(FirstInvalidUtf8("ab\xFF\xFE"), 2u);
  EXPECT_EQ(FirstInvalidUtf8("\xC0\xAF"), 0u);          // overlong '/'
  EXPECT_EQ(FirstInvalidUtf8("\xE0\x80\xAF"), 0u);      // overlong
  EXPECT_EQ(FirstInvalidUtf8("x\xED\xA0\x80"), 1u);     // surrogate U+D800
  EXPECT_EQ(FirstInvalidUtf8("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(FirstInvalidUtf8("ok\xE2\x82"), 2u);        // truncated
  EXPECT_EQ(FirstInvalidUtf8("\x80"), 0u);              // lone continuation
  EXPECT_EQ(FirstInvalidUtf8("Ok\xE1"
                             "for"),
            2u);  // Latin-1
}

TEST(Utf8Test, ReplacementSubstitutesEachMaximalSubpart) {
  EXPECT_EQ(ReplaceInvalidUtf8("valid \xC3\xB3"), "valid \xC3\xB3");
  EXPECT_EQ(ReplaceInvalidUtf8("Ok\xE1"
                               "for"),
            "Ok\xEF\xBF\xBD"
            "for");
  // A truncated three-byte sequence is one subpart, then 'A'.
  EXPECT_EQ(ReplaceInvalidUtf8("\xE2\x82"
                               "A"),
            "\xEF\xBF\xBD"
            "A");
  EXPECT_EQ(ReplaceInvalidUtf8("\xFF\xFE"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_TRUE(IsValidUtf8(ReplaceInvalidUtf8("\xED\xA0\x80\xF4\x90|")));
}

}  // namespace
}  // namespace nhs::tobacco
