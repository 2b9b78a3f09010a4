#include "gateway/domain/text_fields.h"

#include "gateway/domain/field_violations.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nhs/tobacco/v1/referral_service.pb.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::domain {
namespace {

using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Field;

std::vector<std::string> Fields(const absl::Status& status) {
  std::vector<std::string> out;
  for (const FieldViolation& v : GetFieldViolations(status)) {
    out.push_back(v.field);
  }
  return out;
}

TEST(TextFieldsTest, ValidTextPasses) {
  v1::CreateReferralRequest r;
  r.set_request_id("r1");
  r.mutable_referral()->set_external_referral_id("Okaf\xC3\xB3r");
  EXPECT_THAT(CheckTextFields(r, "", "request"), IsOk());
}

TEST(TextFieldsTest, EveryBadStringIsNamedByPathAndNeverQuoted) {
  v1::CreateReferralRequest r;
  r.set_request_id("r\xFF");
  r.mutable_referral()->set_external_referral_id("CMHT-\xFF\xFE");
  r.mutable_referral()->mutable_patient()->set_nhs_number("999\xC0");
  const absl::Status s = CheckTextFields(r, "", "request");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Fields(s), ::testing::UnorderedElementsAre(
                             "request_id", "referral.patient.nhs_number",
                             "referral.external_referral_id"));
  EXPECT_THAT(GetFieldViolations(s),
              ::testing::Each(
                  Field(&FieldViolation::description, "is not valid UTF-8")));
  EXPECT_EQ(std::string(s.message()).find("CMHT"), std::string::npos);
}

TEST(TextFieldsTest, RepeatedFieldsAreNamedByIndexUnderThePrefix) {
  v1::ListReferralsResponse list;
  list.add_referrals()->set_referral_id("fine");
  list.add_referrals()->set_referral_id("bad\xFE");
  EXPECT_THAT(Fields(CheckTextFields(list, "page", "stored record")),
              ElementsAre("page.referrals[1].referral_id"));
}

}  // namespace
}  // namespace nhs::tobacco::domain
