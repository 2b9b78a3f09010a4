#include "gateway/domain/identifiers.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::domain {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(NhsNumberTest, PublishedTestNumbersAreValid) {
  for (const char* n :
       {"9990000018", "9990000026", "9990000034", "9990000042", "9990000050",
        "9990000069", "9990000077", "9990000085", "9990000093", "9990000107",
        "9990000115", "9990000123", "9434765919", "9449304130", "9000000009",
        "9912003888"}) {
    EXPECT_THAT(ValidateNhsNumber(n), IsOk()) << n;
  }
}

TEST(NhsNumberTest, WrongCheckDigitIsRefused) {
  EXPECT_THAT(ValidateNhsNumber("9990000019"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("Modulus 11 check digit")));
  // A format example in NHS documents that fails the check.
  EXPECT_THAT(ValidateNhsNumber("9876544321"), Not(IsOk()));
}

TEST(NhsNumberTest, StemGivingCheckTenIsRefusedWhateverTheLastDigit) {
  for (char last = '0'; last <= '9'; ++last) {
    EXPECT_THAT(ValidateNhsNumber(std::string("999000014") + last),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("can never form a valid number")));
    EXPECT_THAT(ValidateNhsNumber(std::string("999000028") + last),
                Not(IsOk()));
  }
}

TEST(NhsNumberTest, LengthDigitsAndZerosAreChecked) {
  EXPECT_THAT(
      ValidateNhsNumber("999000001"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("10 digits")));
  EXPECT_THAT(
      ValidateNhsNumber("99900000A8"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("digits only")));
  EXPECT_THAT(
      ValidateNhsNumber("0000000000"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not an issued")));
  EXPECT_THAT(
      ValidateNhsNumber(""),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("required")));
}

TEST(NhsNumberTest, ErrorsNeverEchoTheNumber) {
  EXPECT_THAT(ValidateNhsNumber("9990000019"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       Not(HasSubstr("9990000019"))));
}

TEST(NhsNumberTest, SpacesAndHyphensAreStrippedBeforeValidation) {
  EXPECT_EQ(NormaliseNhsNumber("999 000 0018"), "9990000018");
  EXPECT_EQ(NormaliseNhsNumber("999-000-0018"), "9990000018");
  EXPECT_THAT(ValidateNhsNumber(NormaliseNhsNumber("999 000 0026")), IsOk());
}

TEST(OdsCodeTest, ShapesOfRealOrganisationCodesAreAccepted) {
  for (const char* code :
       {"RX9", "Y90001", "FZZ99", "TDS01", "A83008", "X26"}) {
    EXPECT_THAT(ValidateOdsCode(code), IsOk()) << code;
  }
}

TEST(OdsCodeTest, LowerCaseWrongLengthAndPunctuationAreRefused) {
  EXPECT_THAT(
      ValidateOdsCode("rx9"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("upper-case")));
  EXPECT_THAT(
      ValidateOdsCode("R9"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("3 to 6")));
  EXPECT_THAT(ValidateOdsCode("Y900012"), Not(IsOk()));
  EXPECT_THAT(ValidateOdsCode("Y9-01"), Not(IsOk()));
}

TEST(EpsPrescriptionIdTest, PublishedIdsPassTheMod37Check) {
  for (const char* id :
       {"24F5DA-A83008-7EFE6Z", "335C70-A83008-84058A", "DA923E-Z8827F-11EBAK",
        "83C40E-A23856-00123W", "4D7E1A-Y90001-0003FX"}) {
    EXPECT_THAT(ValidateEpsPrescriptionId(id), IsOk()) << id;
  }
}

TEST(EpsPrescriptionIdTest, WrongCheckCharacterAndShapeAreRefused) {
  EXPECT_THAT(
      ValidateEpsPrescriptionId("24F5DA-A83008-7EFE6Y"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("MOD 37-2")));
  EXPECT_THAT(ValidateEpsPrescriptionId("24F5DAA83008-7EFE6Z"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("XXXXXX-YYYYYY-ZZZZZC")));
  EXPECT_THAT(ValidateEpsPrescriptionId("24G5DA-A83008-7EFE6Z"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("hex")));
}

TEST(IsoDateTest, RealDatesPassAndImpossibleOnesFail) {
  EXPECT_THAT(ValidateIsoDate("1980-04-01"), IsOk());
  EXPECT_THAT(ValidateIsoDate("2024-02-29"), IsOk());
  EXPECT_THAT(ValidateIsoDate("2023-02-29"), Not(IsOk()));
  EXPECT_THAT(ValidateIsoDate("1980-4-1"), Not(IsOk()));
  EXPECT_THAT(ValidateIsoDate("01/04/1980"), Not(IsOk()));
}

}  // namespace
}  // namespace nhs::tobacco::domain
