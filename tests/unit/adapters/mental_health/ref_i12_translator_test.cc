#include "adapters/mental_health/ref_i12_translator.h"

#include <string>

#include "absl/strings/str_replace.h"
#include "adapters/hl7v2/parser.h"
#include "gateway/domain/field_violations.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/adapters/hl7v2/testdata.h"

namespace nhs::tobacco::mental_health {
namespace {

using ::nhs::tobacco::hl7v2::ReadTestdata;
using ::nhs::tobacco::testing::IsOk;
using ::nhs::tobacco::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;

hl7v2::Message Parse(const std::string& bytes) {
  auto msg = hl7v2::ParseEr7(bytes);
  EXPECT_THAT(msg, IsOk());
  return msg.ok() ? *msg : hl7v2::Message();
}

std::string Basic() { return ReadTestdata("ref_i12_basic.hl7"); }

std::vector<std::string> ViolationFields(const absl::Status& status) {
  std::vector<std::string> out;
  for (const auto& v : domain::GetFieldViolations(status)) {
    out.push_back(v.field);
  }
  return out;
}

TEST(TranslateRefI12Test, BasicReferenceMessageBecomesACompleteReferral) {
  auto request = TranslateRefI12(Parse(Basic()));
  ASSERT_THAT(request, IsOk());
  EXPECT_EQ(request->request_id(), "hl7:RX9:MSG000101");
  const v1::Referral& r = request->referral();
  EXPECT_EQ(r.patient().nhs_number(), "9990000018");
  EXPECT_EQ(r.patient().date_of_birth(), "1984-05-12");
  EXPECT_TRUE(r.patient().family_name().empty());
  EXPECT_EQ(r.referrer().ods_code(), "RX9");
  EXPECT_EQ(r.service().ods_code(), "TDS01");
  EXPECT_EQ(r.referring_practitioner().identifier(), "C7654321");
  EXPECT_EQ(r.referring_practitioner().register_(),
            v1::PROFESSIONAL_REGISTER_GMC);
  EXPECT_EQ(r.referring_practitioner().display_name(), "Dr Ada Okafor");
  EXPECT_EQ(r.source(), v1::REFERRAL_SOURCE_COMMUNITY_MENTAL_HEALTH);
  EXPECT_EQ(r.external_referral_id(), "CMHT-REF-000123");
  EXPECT_EQ(r.mental_health().diagnosis_category(),
            v1::DIAGNOSIS_CATEGORY_SCHIZOPHRENIA);
  EXPECT_TRUE(r.mental_health().smi());
  EXPECT_EQ(r.smoking().cigarettes_per_day(), 20);
  EXPECT_DOUBLE_EQ(r.smoking().co_reading_ppm(), 18);
  ASSERT_EQ(r.mental_health().medicines_size(), 1);
  EXPECT_EQ(r.mental_health().medicines(0).name(), "Clozapine 300mg daily");
  EXPECT_TRUE(r.mental_health().medicines(0).dmd_code().empty());
}

TEST(TranslateRefI12Test, CustomDelimitersGiveTheSameReferral) {
  auto custom =
      TranslateRefI12(Parse(ReadTestdata("ref_i12_custom_delims.hl7")));
  ASSERT_THAT(custom, IsOk());
  EXPECT_EQ(custom->request_id(), "hl7:RX9:MSG000102");
  EXPECT_EQ(custom->referral().patient().nhs_number(), "9990000018");
  EXPECT_EQ(custom->referral().patient().date_of_birth(), "1984-05-12");
  EXPECT_EQ(custom->referral().external_referral_id(), "CMHT-REF-000124");
  EXPECT_EQ(custom->referral().smoking().cigarettes_per_day(), 20);
  ASSERT_EQ(custom->referral().mental_health().medicines_size(), 1);
  EXPECT_EQ(custom->referral().mental_health().medicines(0).name(),
            "Clozapine 300mg daily");
}

TEST(TranslateRefI12Test, WrongCheckDigitIsNamedAtPid3WithoutTheNumber) {
  auto request = TranslateRefI12(
      Parse(absl::StrReplaceAll(Basic(), {{"9990000018^", "9990000019^"}})));
  EXPECT_THAT(request, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ViolationFields(request.status()), ElementsAre("PID-3(1).1"));
  EXPECT_THAT(request.status().message(), ::testing::Not(HasSubstr("999000")));
}

TEST(TranslateRefI12Test, MissingNhsIdentifierTypeIsRequiredAtPid3) {
  auto request = TranslateRefI12(
      Parse(absl::StrReplaceAll(Basic(), {{"^^^NHS^NH~", "^^^NHS^MR~"}})));
  EXPECT_THAT(ViolationFields(request.status()), ElementsAre("PID-3"));
  EXPECT_THAT(domain::GetFieldViolations(request.status())[0].description,
              HasSubstr("is required"));
}

TEST(TranslateRefI12Test, NhsNumberInSecondRepetitionIsFound) {
  auto request = TranslateRefI12(Parse(absl::StrReplaceAll(
      Basic(), {{"9990000018^^^NHS^NH~RX91234567^^^RX9",
                 "RX91234567^^^RX9^MR~999 000 0018^^^NHS^NH"}})));
  ASSERT_THAT(request, IsOk());
  EXPECT_EQ(request->referral().patient().nhs_number(), "9990000018");
}

TEST(TranslateRefI12Test, EveryBadFieldIsReportedAtOnce) {
  auto request = TranslateRefI12(
      Parse(absl::StrReplaceAll(Basic(), {{"9990000018^", "9990000019^"},
                                          {"||19840512|", "||19841345|"},
                                          {"||20|/d", "||lots|/d"}})));
  EXPECT_THAT(ViolationFields(request.status()),
              ElementsAre("PID-3(1).1", "PID-7", "OBX(2)-5"));
}

TEST(TranslateRefI12Test, MissingDateOfBirthIsRequired) {
  auto request = TranslateRefI12(
      Parse(absl::StrReplaceAll(Basic(), {{"||19840512|M", "|||M"}})));
  EXPECT_THAT(ViolationFields(request.status()), ElementsAre("PID-7"));
}

TEST(TranslateRefI12Test, MissingPidSegmentIsNamed) {
  std::string bytes = Basic();
  const size_t pid = bytes.find("PID|");
  bytes.erase(pid, bytes.find('\r', pid) - pid + 1);
  auto request = TranslateRefI12(Parse(bytes));
  EXPECT_THAT(ViolationFields(request.status()), ElementsAre("PID"));
}

TEST(TranslateRefI12Test, OtherMessageTypeIsRefusedAtMsh9) {
  auto request = TranslateRefI12(
      Parse(absl::StrReplaceAll(Basic(), {{"REF^I12^REF_I12", "REF^I13"}})));
  EXPECT_THAT(ViolationFields(request.status()), ElementsAre("MSH-9"));
}

// Issue 12: table 0280 is user-defined, so a local code is accepted (it
// was refused naming RF1-2 before).
TEST(TranslateRefI12Test, LocalPriorityIsAcceptedAsOther) {
  auto request = TranslateRefI12(
      Parse(absl::StrReplaceAll(Basic(), {{"|R^Routine^", "|Q^Quick^"}})));
  ASSERT_THAT(request, IsOk());
  EXPECT_EQ(request->referral().priority(), v1::REFERRAL_PRIORITY_OTHER);
}

TEST(TranslateRefI12Test, RoutinePriorityAndPatientPreferenceReasonAreCarried) {
  // The reference message: RF1-2 R, RF1-10 P.
  auto request = TranslateRefI12(Parse(Basic()));
  ASSERT_THAT(request, IsOk());
  EXPECT_EQ(request->referral().priority(), v1::REFERRAL_PRIORITY_ROUTINE);
  EXPECT_EQ(request->referral().reason(),
            v1::REFERRAL_REASON_PATIENT_PREFERENCE);
}

TEST(TranslateRefI12Test, EveryPriorityCodeMapsToItsOwnPriority) {
  for (const auto& [code, priority] :
       std::vector<std::pair<std::string, v1::ReferralPriority>>{
           {"R", v1::REFERRAL_PRIORITY_ROUTINE},
           {"A", v1::REFERRAL_PRIORITY_URGENT},
           {"S", v1::REFERRAL_PRIORITY_IMMEDIATE}}) {
    auto request = TranslateRefI12(Parse(absl::StrReplaceAll(
        Basic(), {{"|R^Routine^HL70280", "|" + code + "^x^HL70280"}})));
    ASSERT_THAT(request, IsOk()) << code;
    EXPECT_EQ(request->referral().priority(), priority) << code;
  }
}

TEST(TranslateRefI12Test, EveryReasonCodeMapsToItsOwnReason) {
  for (const auto& [code, reason] :
       std::vector<std::pair<std::string, v1::ReferralReason>>{
           {"S", v1::REFERRAL_REASON_SECOND_OPINION},
           {"P", v1::REFERRAL_REASON_PATIENT_PREFERENCE},
           {"W", v1::REFERRAL_REASON_WORKLOAD},
           {"O", v1::REFERRAL_REASON_PROVIDER_ORDERED}}) {
    auto request = TranslateRefI12(Parse(absl::StrReplaceAll(
        Basic(),
        {{"|P^Patient preference^HL70336", "|" + code + "^x^HL70336"}})));
    ASSERT_THAT(request, IsOk()) << code;
    EXPECT_EQ(request->referral().reason(), reason) << code;
  }
}

TEST(TranslateRefI12Test, EmptyPriorityAndReasonStayUnspecified) {
  auto request = TranslateRefI12(Parse(absl::StrReplaceAll(
      Basic(),
      {{"|R^Routine^HL70280", "|"}, {"|P^Patient preference^HL70336", "|"}})));
  ASSERT_THAT(request, IsOk());
  EXPECT_EQ(request->referral().priority(), v1::REFERRAL_PRIORITY_UNSPECIFIED);
  EXPECT_EQ(request->referral().reason(), v1::REFERRAL_REASON_UNSPECIFIED);
}

// Issue 12: table 0336 is user-defined, so a local code is accepted (it
// was refused naming RF1-10 before).
TEST(TranslateRefI12Test, LocalReasonIsAcceptedAsOther) {
  auto request = TranslateRefI12(Parse(absl::StrReplaceAll(
      Basic(), {{"|P^Patient preference^HL70336", "|X^Whim^HL70336"}})));
  ASSERT_THAT(request, IsOk());
  EXPECT_EQ(request->referral().reason(), v1::REFERRAL_REASON_OTHER);
}

TEST(TranslateRefI12Test, InpatientCategoryMakesAnInpatientReferral) {
  auto request = TranslateRefI12(Parse(
      absl::StrReplaceAll(Basic(), {{"|O^Outpatient^", "|I^Inpatient^"}})));
  ASSERT_THAT(request, IsOk());
  EXPECT_EQ(request->referral().source(),
            v1::REFERRAL_SOURCE_INPATIENT_MENTAL_HEALTH);
}

TEST(TranslateRefI12Test, ReferrerFallsBackToSendingFacilityWithoutOdsInPrd) {
  auto request = TranslateRefI12(Parse(absl::StrReplaceAll(
      Basic(), {{"~RX9^ODS", ""}, {"|RIO|RX9|", "|RIO|RX7|"}})));
  ASSERT_THAT(request, IsOk());
  EXPECT_EQ(request->referral().referrer().ods_code(), "RX7");
}

TEST(TranslateRefI12Test, ConsentContactAndGoalComeFromLocalObservations) {
  std::string bytes = Basic() +
                      "OBX|6|CE|CONSENT^Consent to share^L||GP~MHT||||||F\r"
                      "OBX|7|CE|CONTACTPREF^Contact preference^L||TEXT||||||F\r"
                      "OBX|8|CE|QUITGOAL^Quit goal^L||CUT_DOWN||||||F\r"
                      "RXE||123456^Olanzapine 10mg tablets^DMD\r";
  auto request = TranslateRefI12(Parse(bytes));
  ASSERT_THAT(request, IsOk());
  const v1::Referral& r = request->referral();
  EXPECT_TRUE(r.consent().share_with_gp());
  EXPECT_FALSE(r.consent().share_with_pharmacy());
  EXPECT_TRUE(r.consent().share_with_mental_health_team());
  EXPECT_TRUE(r.contact().text_reminders());
  EXPECT_FALSE(r.contact().home_visits());
  EXPECT_EQ(r.goal(), v1::QUIT_GOAL_CUT_DOWN_TO_QUIT);
  ASSERT_EQ(r.mental_health().medicines_size(), 2);
  EXPECT_EQ(r.mental_health().medicines(1).name(), "Olanzapine 10mg tablets");
  EXPECT_EQ(r.mental_health().medicines(1).dmd_code(), "123456");
}

TEST(TranslateRefI12Test, DeletedObservationIsIgnored) {
  auto request = TranslateRefI12(Parse(absl::StrReplaceAll(
      Basic(),
      {{"||20|/d^per day^UCUM|||||F", "||20|/d^per day^UCUM|||||D"}})));
  ASSERT_THAT(request, IsOk());
  EXPECT_EQ(request->referral().smoking().cigarettes_per_day(), 0);
}

}  // namespace
}  // namespace nhs::tobacco::mental_health
