#include "adapters/hl7v2/charset.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::hl7v2 {
namespace {

using ::nhs::tobacco::testing::IsOkAndHolds;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::HasSubstr;

TEST(CharsetTest, Table0211NamesAreReadWhateverTheirCase) {
  EXPECT_THAT(ParseCharset("ASCII"), IsOkAndHolds(Charset::kAscii));
  EXPECT_THAT(ParseCharset("8859/1"), IsOkAndHolds(Charset::kLatin1));
  EXPECT_THAT(ParseCharset(" 8859/15 "), IsOkAndHolds(Charset::kLatin9));
  EXPECT_THAT(ParseCharset("UNICODE UTF-8"), IsOkAndHolds(Charset::kUtf8));
  EXPECT_THAT(ParseCharset("unicode utf-8"), IsOkAndHolds(Charset::kUtf8));
  for (Charset c :
       {Charset::kAscii, Charset::kLatin1, Charset::kLatin9, Charset::kUtf8}) {
    EXPECT_THAT(ParseCharset(CharsetName(c)), IsOkAndHolds(c));
  }
}

TEST(CharsetTest, UnsupportedNamesAreRefusedListingTheSupportedOnes) {
  for (const char* name : {"", "8859/2", "UNICODE", "UTF-8", "ISO IR87",
                           "UNICODE UTF-16", "windows-1252"}) {
    EXPECT_THAT(ParseCharset(name), StatusIs(absl::StatusCode::kInvalidArgument,
                                             HasSubstr("8859/15")))
        << name;
  }
}

struct Case {
  const char* name;
  Charset charset;
  std::string in;
  std::string out;
  int undecodable;
};

TEST(CharsetTest, SingleByteTextDecodesToUtf8) {
  const Case cases[] = {
      {"ascii unchanged", Charset::kLatin1, "Okafor^Ada|x", "Okafor^Ada|x", 0},
      {"latin-1 O acute", Charset::kLatin1, "\xD3 Briain", "\xC3\x93 Briain",
       0},
      {"latin-1 e diaeresis", Charset::kLatin1, "Zo\xEB", "Zo\xC3\xAB", 0},
      {"latin-1 y diaeresis", Charset::kLatin1, "\xFF", "\xC3\xBF", 0},
      {"latin-1 nbsp", Charset::kLatin1, "\xA0", "\xC2\xA0", 0},
      {"latin-1 currency sign", Charset::kLatin1, "\xA4", "\xC2\xA4", 0},
      {"latin-9 euro", Charset::kLatin9, "\xA4", "\xE2\x82\xAC", 0},
      {"latin-9 S caron", Charset::kLatin9, "\xA6", "\xC5\xA0", 0},
      {"latin-9 oe", Charset::kLatin9, "\xBD", "\xC5\x93", 0},
      {"latin-9 Y diaeresis", Charset::kLatin9, "\xBE", "\xC5\xB8", 0},
      {"latin-9 e acute as latin-1", Charset::kLatin9, "\xE9", "\xC3\xA9", 0},
      {"latin-1 C1 control", Charset::kLatin1, "a\x80z", "a\xEF\xBF\xBDz", 1},
      {"latin-9 C1 control", Charset::kLatin9, "\x9F", "\xEF\xBF\xBD", 1},
      {"ascii high byte", Charset::kAscii, "Zo\xEB", "Zo\xEF\xBF\xBD", 1},
      {"ascii two high bytes", Charset::kAscii, "\xC3\xAB",
       "\xEF\xBF\xBD\xEF\xBF\xBD", 2},
      {"mllp frame bytes are ascii", Charset::kLatin1, "\x0B\x1C\x0D",
       "\x0B\x1C\x0D", 0},
  };
  for (const Case& c : cases) {
    int undecodable = 0;
    EXPECT_EQ(SingleByteToUtf8(c.in, c.charset, undecodable), c.out) << c.name;
    EXPECT_EQ(undecodable, c.undecodable) << c.name;
  }
}

TEST(CharsetTest, EveryPrintableLatin1ByteIsItsOwnCodePoint) {
  for (int b = 0xA0; b <= 0xFF; ++b) {
    int undecodable = 0;
    const std::string out = SingleByteToUtf8(
        std::string(1, static_cast<char>(b)), Charset::kLatin1, undecodable);
    ASSERT_EQ(out.size(), 2u) << b;
    EXPECT_EQ(((out[0] & 0x1F) << 6) | (out[1] & 0x3F), b);
    EXPECT_EQ(undecodable, 0);
  }
}

}  // namespace
}  // namespace nhs::tobacco::hl7v2
