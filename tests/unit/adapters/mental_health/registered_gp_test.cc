#include "adapters/mental_health/registered_gp.h"

#include <string>

#include "absl/strings/str_replace.h"
#include "adapters/hl7v2/parser.h"
#include "adapters/mental_health/adt_a03_translator.h"
#include "adapters/mental_health/ref_i12_translator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/adapters/hl7v2/testdata.h"

namespace nhs::tobacco::mental_health {
namespace {

using ::nhs::tobacco::hl7v2::ReadTestdata;
using ::nhs::tobacco::testing::IsOk;

hl7v2::Message Parse(const std::string& bytes) {
  auto msg = hl7v2::ParseEr7(bytes);
  EXPECT_THAT(msg, IsOk());
  return msg.ok() ? *std::move(msg) : hl7v2::Message();
}

// The reference discharge with a PD1 after PID.
std::string DischargeWithPd1(const std::string& pd1) {
  return absl::StrReplaceAll(ReadTestdata("adt_a03_discharge_smoker.hl7"),
                             {{"\rPV1|", "\r" + pd1 + "\rPV1|"}});
}

TEST(ReadRegisteredGpTest, OrganisationIdentifierOfPd1IsThePractice) {
  auto gp = ReadRegisteredGp(
      Parse(DischargeWithPd1("PD1|||Sample Surgery^^^^^^^^^Y90001")));
  ASSERT_TRUE(gp.has_value());
  EXPECT_EQ(gp->ods_code(), "Y90001");
  EXPECT_EQ(gp->name(), "Sample Surgery");
}

TEST(ReadRegisteredGpTest, IdNumberOfPd1IsReadFromOlderVersions) {
  auto gp = ReadRegisteredGp(
      Parse(DischargeWithPd1("PD1|||Sample Surgery^GPP^Y90001")));
  ASSERT_TRUE(gp.has_value());
  EXPECT_EQ(gp->ods_code(), "Y90001");
}

TEST(ReadRegisteredGpTest, PrimaryCareProviderPrdIsReadWithoutPd1) {
  const std::string ref = absl::StrReplaceAll(
      ReadTestdata("ref_i12_basic.hl7"),
      {{"\rPID|", "\rPRD|PP|Jones^Sam^^^Dr|||||Y90002^ODS\rPID|"}});
  auto gp = ReadRegisteredGp(Parse(ref));
  ASSERT_TRUE(gp.has_value());
  EXPECT_EQ(gp->ods_code(), "Y90002");
}

TEST(ReadRegisteredGpTest, CodeThatIsNotOdsIsLeftOutNotRefused) {
  EXPECT_FALSE(ReadRegisteredGp(Parse(DischargeWithPd1("PD1|||Surgery^^x y!")))
                   .has_value());
  EXPECT_FALSE(
      ReadRegisteredGp(Parse(ReadTestdata("ref_i12_basic.hl7"))).has_value());
}

constexpr char kConsentToGp[] =
    "\rOBX|9|CE|CONSENT^Consent to share^L||GP^GP^L||||||F";

TEST(ReadRegisteredGpTest, BothTranslatorsNameThePracticeWhenSharingIsAgreed) {
  auto discharge = TranslateAdtA03(Parse(
      DischargeWithPd1("PD1|||Sample Surgery^^^^^^^^^Y90001") + kConsentToGp));
  ASSERT_THAT(discharge, IsOk());
  ASSERT_TRUE(discharge->has_value());
  EXPECT_EQ((*discharge)->referral().gp_practice().ods_code(), "Y90001");

  // REF^I12 has no PD1 in the standard structure; trusts send one anyway.
  const std::string ref =
      absl::StrReplaceAll(
          ReadTestdata("ref_i12_basic.hl7"),
          {{"\rDG1|", "\rPD1|||Sample Surgery^^^^^^^^^Y90001\rDG1|"}}) +
      kConsentToGp;
  auto referral = TranslateRefI12(Parse(ref));
  ASSERT_THAT(referral, IsOk());
  EXPECT_EQ(referral->referral().gp_practice().ods_code(), "Y90001");
}

TEST(ReadRegisteredGpTest, WithoutConsentToShareWithTheGpNoPracticeIsNamed) {
  // The access policy lets the named practice read the referral.
  auto discharge = TranslateAdtA03(
      Parse(DischargeWithPd1("PD1|||Sample Surgery^^^^^^^^^Y90001")));
  ASSERT_THAT(discharge, IsOk());
  ASSERT_TRUE(discharge->has_value());
  EXPECT_FALSE((*discharge)->referral().has_gp_practice());
}

}  // namespace
}  // namespace nhs::tobacco::mental_health
