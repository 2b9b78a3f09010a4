#include "adapters/fhir/xhtml.h"

#include "gtest/gtest.h"

namespace nhs::tobacco::fhir {
namespace {

TEST(XhtmlTest, MarkupInTextIsEscapedNotInterpreted) {
  EXPECT_EQ(
      EscapeXhtml("<script>alert('x') & \"y\"</script>"),
      "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
}

TEST(XhtmlTest, NarrativeDivCarriesTheXhtmlNamespace) {
  EXPECT_EQ(NarrativeDiv("<p>x</p>"),
            "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>x</p></div>");
}

}  // namespace
}  // namespace nhs::tobacco::fhir
