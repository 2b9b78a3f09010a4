#include "gateway/api/hl7_text.h"

#include "adapters/hl7v2/parser.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::api {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

hl7v2::Message Parse(const std::string& er7) {
  auto m = hl7v2::ParseEr7(er7);
  EXPECT_TRUE(m.ok()) << m.status();
  return m.ok() ? *m : hl7v2::Message();
}

constexpr char kMsh[] =
    "MSH|^~\\&|RIO|RX9|TDGATEWAY|TDS01|20261128101500||REF^I12|M1|P|2.5.1\r";

TEST(Hl7TextTest, ValidUtf8NeedsNothing) {
  Hl7TextCheck c = CheckHl7Text(
      Parse(std::string(kMsh) + "PRD|RP|Okaf\xC3\xB3r^Ada\rPID|1||x\r"));
  EXPECT_THAT(c.replaced, IsEmpty());
  EXPECT_THAT(c.refused, IsEmpty());
}

TEST(Hl7TextTest, NeededFieldsAreRefusedByLocation) {
  Hl7TextCheck c = CheckHl7Text(Parse(
      std::string(kMsh) +
      "RF1|P|R||||CMHT-\xFF\xFE\rOBX|1|CE|SMOKSTAT||ok\rOBX|2|CE|X||7\xFE\r"));
  EXPECT_THAT(c.refused, ElementsAre("RF1-6", "OBX(2)-5"));
  EXPECT_THAT(c.replaced, IsEmpty());
}

TEST(Hl7TextTest, OtherFieldsAreReplacedWithUfffdKeepingStructure) {
  Hl7TextCheck c = CheckHl7Text(Parse(std::string(kMsh) +
                                      "PRD|RP|Ok\xE1"
                                      "for^Ada^^^Dr\rNTE|1||note \xFF\r"));
  EXPECT_THAT(c.refused, IsEmpty());
  EXPECT_THAT(c.replaced, ElementsAre("PRD-2", "NTE-3"));
  EXPECT_EQ(c.repaired.FindSegment("PRD")
                ->GetField(2)
                .GetRepetition(1)
                .GetComponent(1)
                .Text(),
            "Ok\xEF\xBF\xBD"
            "for");
  EXPECT_EQ(c.repaired.FindSegment("PRD")
                ->GetField(2)
                .GetRepetition(1)
                .GetComponent(2)
                .Text(),
            "Ada");
}

TEST(Hl7TextTest, ControlIdNotUtf8IsRefused) {
  Hl7TextCheck c = CheckHl7Text(
      Parse("MSH|^~\\&|RIO|RX9|TDGATEWAY|TDS01|20261128101500||REF^I12|M\xFF|P|"
            "2.5.1\r"));
  EXPECT_THAT(c.refused, ElementsAre("MSH-10"));
}

}  // namespace
}  // namespace nhs::tobacco::api
