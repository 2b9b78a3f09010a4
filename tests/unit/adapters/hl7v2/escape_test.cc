#include "adapters/hl7v2/escape.h"

#include <string>

#include "adapters/hl7v2/encoding.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::hl7v2 {
namespace {

Encoding Custom() {
  return Encoding{.field = '#',
                  .component = '$',
                  .repetition = '*',
                  .escape = '!',
                  .subcomponent = '@'};
}

TEST(EscapeTest, EachDelimiterHasItsNamedSequence) {
  EXPECT_EQ(Escape("a|b^c&d~e\\f", Encoding()),
            "a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f");
}

TEST(EscapeTest, CustomEscapeCharacterIsUsed) {
  EXPECT_EQ(Escape("a#b$c@d*e!f|^&~\\", Custom()),
            "a!F!b!S!c!T!d!R!e!E!f|^&~\\");
}

TEST(EscapeTest, LineBreaksOfAnyKindBecomeBr) {
  EXPECT_EQ(Escape("a\nb\r\nc\rd", Encoding()), "a\\.br\\b\\.br\\c\\.br\\d");
}

TEST(EscapeTest, LineBreakUsesHexWhenDotIsADelimiter) {
  Encoding enc;
  enc.subcomponent = '.';
  EXPECT_EQ(Escape("a\nb", enc), "a\\X0A\\b");
  EXPECT_EQ(Unescape(Escape("a\nb", enc), enc), "a\nb");
}

TEST(EscapeTest, ControlCharactersBecomeHexAndNoControlByteIsLeft) {
  // The MLLP frame bytes, NUL, BEL, ESC and DEL in a medicine name.
  const std::string text(
      "Cloz\x0b\x1c\x00"
      "api\x07ne\x1b\x7f",
      15);
  const std::string escaped = Escape(text, Encoding());
  EXPECT_EQ(escaped, "Cloz\\X0B\\\\X1C\\\\X00\\api\\X07\\ne\\X1B\\\\X7F\\");
  for (char c : escaped) {
    const unsigned char u = static_cast<unsigned char>(c);
    EXPECT_TRUE(u >= 0x20 && u != 0x7F) << "byte " << static_cast<int>(u);
  }
  EXPECT_EQ(Unescape(escaped, Encoding()), text);
}

TEST(EscapeTest, TabAndNonAsciiTextAreKeptAsTheyAre) {
  EXPECT_EQ(Escape("a\tb caf\xc3\xa9", Encoding()), "a\tb caf\xc3\xa9");
}

TEST(EscapeTest, EveryControlCharacterWithTheCustomEscapeReadsBack) {
  std::string text;
  for (int c = 0; c < 0x20; ++c) {
    if (c != '\r' && c != '\n') text.push_back(static_cast<char>(c));
  }
  text.push_back('\x7f');
  const std::string escaped = Escape(text, Custom());
  EXPECT_EQ(escaped.find_first_of(std::string("\x0b\x1c\x00", 3)),
            std::string::npos);
  EXPECT_EQ(Unescape(escaped, Custom()), text);
}

TEST(EscapeTest, TruncationCharacterIsHexEscaped) {
  Encoding enc;
  enc.truncation = '#';
  EXPECT_EQ(Escape("a#b", enc), "a\\X23\\b");
  EXPECT_EQ(Unescape("a\\X23\\b", enc), "a#b");
}

TEST(EscapeTest, TwoQuotesAsTextDoNotBecomeANull) {
  EXPECT_EQ(Escape("\"\"", Encoding()), "\\X22\\\"");
  EXPECT_EQ(Unescape(Escape("\"\"", Encoding()), Encoding()), "\"\"");
  EXPECT_EQ(Escape("\"\"\"", Encoding()), "\"\"\"");
  EXPECT_EQ(Escape("\"", Encoding()), "\"");
}

TEST(EscapeTest, PlainTextIsUnchanged) {
  EXPECT_EQ(Escape("Okafor, Ada (Dr) 50%", Encoding()), "Okafor, Ada (Dr) 50%");
  EXPECT_EQ(Escape("", Encoding()), "");
}

TEST(UnescapeTest, NamedSequencesDecodeToTheMessagesDelimiters) {
  EXPECT_EQ(Unescape("\\F\\\\S\\\\T\\\\R\\\\E\\", Encoding()), "|^&~\\");
  EXPECT_EQ(Unescape("!F!!S!!T!!R!!E!", Custom()), "#$@*!");
}

TEST(UnescapeTest, BrIsALineBreak) {
  EXPECT_EQ(Unescape("one\\.br\\two", Encoding()), "one\ntwo");
}

TEST(UnescapeTest, HexDecodesPairsOfEitherCase) {
  EXPECT_EQ(Unescape("\\X41424344\\", Encoding()), "ABCD");
  EXPECT_EQ(Unescape("\\X6a6B\\", Encoding()), "jk");
  EXPECT_EQ(Unescape("\\X00\\", Encoding()), std::string(1, '\0'));
}

TEST(UnescapeTest, MalformedHexIsKeptVerbatim) {
  EXPECT_EQ(Unescape("\\X4\\", Encoding()), "\\X4\\");
  EXPECT_EQ(Unescape("\\XZZ\\", Encoding()), "\\XZZ\\");
  EXPECT_EQ(Unescape("\\X\\", Encoding()), "\\X\\");
}

TEST(UnescapeTest, UnknownSequencesAreKeptVerbatim) {
  EXPECT_EQ(Unescape("\\H\\bold\\N\\", Encoding()), "\\H\\bold\\N\\");
  EXPECT_EQ(Unescape("a\\.sp2\\b\\C2842\\", Encoding()), "a\\.sp2\\b\\C2842\\");
  EXPECT_EQ(Unescape("!H!x!N!", Custom()), "!H!x!N!");
}

TEST(UnescapeTest, UnterminatedEscapeIsKeptVerbatim) {
  EXPECT_EQ(Unescape("C:\\temp", Encoding()), "C:\\temp");
  EXPECT_EQ(Unescape("\\F\\ then \\F", Encoding()), "| then \\F");
}

TEST(UnescapeTest, EmptySequenceIsKeptVerbatim) {
  EXPECT_EQ(Unescape("a\\\\b", Encoding()), "a\\\\b");
}

TEST(UnescapeTest, OtherMessagesEscapeCharacterIsLiteral) {
  EXPECT_EQ(Unescape("\\F\\", Custom()), "\\F\\");
}

TEST(UnescapeTest, CustomDelimiterNoteFromTheReferenceDecodes) {
  // NTE-3 of ref_i12_custom_delims.hl7, as given in the reference README.
  EXPECT_EQ(Unescape("Prefers texts !F! not calls!.br!Carer: Mum !T! Dad !S! "
                     "share !R! consent!E! Contact via CMHT !X41424344!",
                     Custom()),
            "Prefers texts # not calls\nCarer: Mum @ Dad $ share * consent! "
            "Contact via CMHT ABCD");
}

TEST(EscapeTest, EscapeThenUnescapeGivesBackEveryByteButCarriageReturns) {
  std::string all;
  for (int c = 0; c < 256; ++c) {
    if (c != '\r') all.push_back(static_cast<char>(c));
  }
  for (const Encoding& enc : {Encoding(), Custom()}) {
    const std::string escaped = Escape(all, enc);
    EXPECT_EQ(escaped.find('\r'), std::string::npos);
    EXPECT_EQ(escaped.find('\n'), std::string::npos);
    EXPECT_EQ(escaped.find(enc.field), std::string::npos);
    EXPECT_EQ(Unescape(escaped, enc), all);
  }
}

}  // namespace
}  // namespace nhs::tobacco::hl7v2
