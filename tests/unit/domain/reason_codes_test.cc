// A refusal's reason comes from a configured code list; any other code is
// refused naming every valid one.
#include "gateway/domain/reason_codes.h"

#include "gateway/domain/field_violations.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::domain {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

ReasonCodeList DeclineReasons() {
  v1::ReasonCode a;
  a.set_code("CLINICAL_CONTRAINDICATION");
  a.set_display("Clinical contraindication");
  v1::ReasonCode b;
  b.set_code("PATIENT_DECLINED");
  b.set_display("Patient declined");
  return ReasonCodeList({a, b});
}

struct CheckCase {
  const char* code;
  bool accepted;
};

TEST(ReasonCodeListTest, AcceptsExactlyTheListedCodes) {
  const CheckCase cases[] = {
      {"CLINICAL_CONTRAINDICATION", true},
      {"PATIENT_DECLINED", true},
      {"OUT_OF_STOCK", false},
      {"clinical_contraindication", false},
      {"CLINICAL_CONTRAINDICATION ", false},
      {"", false},
  };
  const ReasonCodeList list = DeclineReasons();
  for (const CheckCase& c : cases) {
    SCOPED_TRACE(c.code);
    EXPECT_EQ(list.Check(c.code, "reason_code", "decline").ok(), c.accepted);
  }
}

TEST(ReasonCodeListTest, RefusalNamesTheFieldAndEveryValidCodeWithItsText) {
  const absl::Status s =
      DeclineReasons().Check("TOO_BUSY", "reason_code", "decline");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("unknown decline reason code")));
  const std::vector<FieldViolation> v = GetFieldViolations(s);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "reason_code");
  EXPECT_THAT(v[0].description,
              AllOf(HasSubstr("CLINICAL_CONTRAINDICATION (Clinical "
                              "contraindication)"),
                    HasSubstr("PATIENT_DECLINED (Patient declined)")));
  EXPECT_THAT(v[0].description, ::testing::Not(HasSubstr("TOO_BUSY")))
      << "the code given may be free text; it is not echoed";
}

TEST(ReasonCodeListTest, AnEmptyListAcceptsAnyCode) {
  EXPECT_THAT(ReasonCodeList().Check("ANYTHING", "reason_code", "decline"),
              IsOk());
}

TEST(ReasonCodeListTest, DisplayIsTheListedTextOrEmpty) {
  const ReasonCodeList list = DeclineReasons();
  EXPECT_EQ(list.Display("PATIENT_DECLINED"), "Patient declined");
  EXPECT_EQ(list.Display("OUT_OF_STOCK"), "");
}

}  // namespace
}  // namespace nhs::tobacco::domain
