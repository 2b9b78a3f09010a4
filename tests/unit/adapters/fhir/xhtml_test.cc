#include "adapters/fhir/xhtml.h"

#include "gtest/gtest.h"

namespace nhs::tobacco::fhir {
namespace {

TEST(XhtmlTest, MarkupInTextIsEscapedNotInterpreted) {
  EXPECT_EQ(
      EscapeXhtml("<script>alert('x') & \"y\"</script>"),
      "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
}

TEST(XhtmlTest, ControlCharactersXmlForbidsAreDropped) {
  const std::string text(
      "Cloz\x0b\x1c\x00"
      "api\x01ne\x1f",
      14);
  EXPECT_EQ(EscapeXhtml(text), "Clozapine");
}

TEST(XhtmlTest, TabLineBreaksAndOtherCharactersAreKept) {
  EXPECT_EQ(EscapeXhtml("a\tb\nc\rd caf\xc3\xa9 \xf0\x9f\x9a\xad"),
            "a\tb\nc\rd caf\xc3\xa9 \xf0\x9f\x9a\xad");
}

TEST(XhtmlTest, NonCharactersXmlForbidsAreDropped) {
  // U+FFFE and U+FFFF are valid UTF-8 but not XML characters.
  EXPECT_EQ(EscapeXhtml("a\xef\xbf\xbe"
                        "b\xef\xbf\xbf"
                        "c"),
            "abc");
}

TEST(XhtmlTest, BytesThatAreNotUtf8BecomeReplacementCharacters) {
  // A stray continuation byte, a truncated sequence, an overlong '/' and
  // an encoded surrogate.
  EXPECT_EQ(EscapeXhtml("a\x80"
                        "b\xc3"
                        "c\xc0\xaf"
                        "d\xed\xa0\x80"),
            "a\xef\xbf\xbd"
            "b\xef\xbf\xbd"
            "c\xef\xbf\xbd\xef\xbf\xbd"
            "d\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}

TEST(XhtmlTest, NarrativeDivCarriesTheXhtmlNamespace) {
  EXPECT_EQ(NarrativeDiv("<p>x</p>"),
            "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>x</p></div>");
}

}  // namespace
}  // namespace nhs::tobacco::fhir
