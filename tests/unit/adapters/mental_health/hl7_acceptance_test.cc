// Inbound HL7 acceptance rules of the translators (issue 12 part 2): local
// codes in user-defined tables accepted and kept, the registered practice
// warned about rather than refused, the source from the sender's settings,
// long control ids, and warnings rendered as ERR severity W.
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "adapters/hl7v2/parser.h"
#include "adapters/mental_health/adt_a03_translator.h"
#include "adapters/mental_health/ref_i12_translator.h"
#include "adapters/mental_health/registered_gp.h"
#include "adapters/mental_health/status_to_ack.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/adapters/hl7v2/testdata.h"

namespace nhs::tobacco::mental_health {
namespace {

using ::nhs::tobacco::hl7v2::ReadTestdata;
using ::nhs::tobacco::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

hl7v2::Message Parse(const std::string& bytes) {
  auto msg = hl7v2::ParseEr7(bytes);
  EXPECT_THAT(msg, IsOk());
  return msg.ok() ? *std::move(msg) : hl7v2::Message();
}

// The reference REF^I12 with a valid PD1 (so the practice warning is not
// in the way) after `edits`.
std::string Referral(
    std::initializer_list<std::pair<absl::string_view, absl::string_view>>
        edits = {}) {
  std::string ref = absl::StrReplaceAll(
      ReadTestdata("ref_i12_basic.hl7"),
      {{"\rDG1|", "\rPD1|||Sample Surgery^^^^^^^^^Y90001\rDG1|"}});
  return absl::StrReplaceAll(ref, edits);
}

std::vector<std::string> WarningFields(const TranslationNotes& notes) {
  std::vector<std::string> out;
  for (const auto& w : notes.warnings().list()) out.push_back(w.field);
  return out;
}

TEST(Hl7AcceptanceTest, LocalCodesInRf1AreAcceptedAsOtherAndKeptAsText) {
  TranslationNotes notes;
  auto request = TranslateRefI12(
      Parse(Referral({{"|R^Routine^HL70280", "|U2^Two weeks^L"},
                      {"|O^Outpatient^HL70284", "|CMHT^Community team^L"},
                      {"|P^Patient preference^HL70336", "|SMK^Smoking^L"}})),
      SenderSettings(), notes);
  ASSERT_THAT(request, IsOk());
  EXPECT_EQ(request->referral().priority(), v1::REFERRAL_PRIORITY_OTHER);
  EXPECT_EQ(request->referral().reason(), v1::REFERRAL_REASON_OTHER);
  EXPECT_EQ(request->referral().source(),
            v1::REFERRAL_SOURCE_COMMUNITY_MENTAL_HEALTH);
  EXPECT_THAT(WarningFields(notes), ElementsAre("RF1-2", "RF1-5", "RF1-10"));
  EXPECT_EQ(request->note(),
            "HL7 local codes kept as sent: RF1-2 \"U2\" (Two weeks); RF1-5 "
            "\"CMHT\" (Community team); RF1-10 \"SMK\" (Smoking)");
}

TEST(Hl7AcceptanceTest, SuggestedCodesGiveNoWarningAndNoNote) {
  TranslationNotes notes;
  auto request = TranslateRefI12(Parse(Referral()), SenderSettings(), notes);
  ASSERT_THAT(request, IsOk());
  EXPECT_THAT(WarningFields(notes), IsEmpty());
  EXPECT_EQ(request->note(), "");
  EXPECT_EQ(request->referral().priority(), v1::REFERRAL_PRIORITY_ROUTINE);
}

TEST(Hl7AcceptanceTest, LocalQuitGoalIsKeptNotRefused) {
  TranslationNotes notes;
  auto request = TranslateRefI12(
      Parse(Referral() +
            "\rOBX|9|CE|QUITGOAL^Goal^L||REDUCE^Reduce first^L||||||F"),
      SenderSettings(), notes);
  ASSERT_THAT(request, IsOk());
  EXPECT_EQ(request->referral().goal(), v1::QUIT_GOAL_UNSPECIFIED);
  EXPECT_THAT(WarningFields(notes), ElementsAre("OBX(6)-5"));
  EXPECT_THAT(request->note(), HasSubstr("OBX(6)-5 \"REDUCE\""));
}

TEST(Hl7AcceptanceTest, WhatTheGatewayCannotActOnIsStillRefused) {
  for (const auto& [from, to] :
       std::vector<std::pair<std::string, std::string>>{
           {"9990000018^^^NHS^NH", "9990000019^^^NHS^NH"},  // check digit
           {"^^^NHS^NH~", "^^^NHS^MR~"}}) {                 // no NHS number
    TranslationNotes notes;
    auto request = TranslateRefI12(
        Parse(
            Referral({{"|R^Routine^HL70280", "|U2^Two weeks^L"}, {from, to}})),
        SenderSettings(), notes);
    EXPECT_FALSE(request.ok()) << from;
  }
}

TEST(Hl7AcceptanceTest, RegisteredPracticeMissingOrInvalidIsAWarning) {
  struct Case {
    const char* name;
    std::string message;
    std::string field;
    hl7v2::ErrorCode code;
  };
  const std::string basic = ReadTestdata("ref_i12_basic.hl7");
  const Case cases[] = {
      {"no PD1", basic, "PD1-3", hl7v2::ErrorCode::kRequiredFieldMissing},
      {"PD1-3 not ODS",
       absl::StrReplaceAll(basic,
                           {{"\rDG1|", "\rPD1|||Surgery^^^^^^^^^x y\rDG1|"}}),
       "PD1-3(1).10", hl7v2::ErrorCode::kDataTypeError},
      {"XON.3 not ODS (v2.3)",
       absl::StrReplaceAll(basic, {{"\rDG1|", "\rPD1|||Surgery^^12\rDG1|"}}),
       "PD1-3(1).3", hl7v2::ErrorCode::kDataTypeError},
      {"PRD PP not ODS",
       absl::StrReplaceAll(basic, {{"\rPID|", "\rPRD|PP||||||x!^ODS\rPID|"}}),
       "PRD(3)-7(1).1", hl7v2::ErrorCode::kDataTypeError},
  };
  for (const Case& c : cases) {
    TranslationNotes notes;
    auto request = TranslateRefI12(Parse(c.message), SenderSettings(), notes);
    ASSERT_THAT(request, IsOk()) << c.name;
    EXPECT_FALSE(request->referral().has_gp_practice()) << c.name;
    ASSERT_THAT(WarningFields(notes), ElementsAre(c.field)) << c.name;
    std::vector<hl7v2::AckError> errs = AckWarnings(notes.warnings().list());
    ASSERT_EQ(errs.size(), 1u);
    EXPECT_EQ(errs[0].severity, hl7v2::Severity::kWarning) << c.name;
    EXPECT_EQ(errs[0].code, c.code) << c.name;
    EXPECT_EQ(errs[0].location.segment_id, c.field.substr(0, 3)) << c.name;
  }
}

TEST(Hl7AcceptanceTest, ValidPracticeGivesNoWarningInEitherTranslator) {
  TranslationNotes ref_notes;
  ASSERT_THAT(TranslateRefI12(Parse(Referral()), SenderSettings(), ref_notes),
              IsOk());
  EXPECT_THAT(WarningFields(ref_notes), IsEmpty());

  TranslationNotes adt_notes;
  auto discharge = TranslateAdtA03(
      Parse(absl::StrReplaceAll(
          ReadTestdata("adt_a03_discharge_smoker.hl7"),
          {{"\rPV1|", "\rPD1|||Sample Surgery^^^^^^^^^Y90001\rPV1|"}})),
      SenderSettings(), adt_notes);
  ASSERT_THAT(discharge, IsOk());
  EXPECT_THAT(WarningFields(adt_notes), IsEmpty());
  TranslationNotes missing;
  ASSERT_THAT(
      TranslateAdtA03(Parse(ReadTestdata("adt_a03_discharge_smoker.hl7")),
                      SenderSettings(), missing),
      IsOk());
  EXPECT_THAT(WarningFields(missing), ElementsAre("PD1-3"));
}

TEST(Hl7AcceptanceTest, ConfiguredSourceReplacesTheMentalHealthDefault) {
  SenderSettings talking;
  talking.referral_source = v1::REFERRAL_SOURCE_TALKING_THERAPIES;
  TranslationNotes notes;
  // Even with RF1-5 I (inpatient), which decides only when unset.
  auto request = TranslateRefI12(
      Parse(Referral({{"|O^Outpatient^", "|I^Inpatient^"}})), talking, notes);
  ASSERT_THAT(request, IsOk());
  EXPECT_EQ(request->referral().source(),
            v1::REFERRAL_SOURCE_TALKING_THERAPIES);

  SenderSettings acute;
  acute.referral_source = v1::REFERRAL_SOURCE_ACUTE_TRUST;
  auto discharge = TranslateAdtA03(
      Parse(ReadTestdata("adt_a03_discharge_smoker.hl7")), acute, notes);
  ASSERT_THAT(discharge, IsOk());
  ASSERT_TRUE(discharge->has_value());
  EXPECT_EQ((*discharge)->referral().source(), v1::REFERRAL_SOURCE_ACUTE_TRUST);

  // Unset: today's rule.
  auto unset =
      TranslateRefI12(Parse(Referral({{"|O^Outpatient^", "|I^Inpatient^"}})),
                      SenderSettings(), notes);
  ASSERT_THAT(unset, IsOk());
  EXPECT_EQ(unset->referral().source(),
            v1::REFERRAL_SOURCE_INPATIENT_MENTAL_HEALTH);
}

TEST(Hl7AcceptanceTest, LongControlIdGivesAStableRequestIdWithinTheLimit) {
  const std::string id199(199, '7');
  auto a = TranslateRefI12(Parse(Referral({{"MSG000101", id199}})));
  auto b = TranslateRefI12(Parse(Referral({{"MSG000101", id199}})));
  auto other = TranslateRefI12(
      Parse(Referral({{"MSG000101", std::string(198, '7') + "8"}})));
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  ASSERT_THAT(other, IsOk());
  EXPECT_LE(a->request_id().size(), 128u);
  EXPECT_THAT(a->request_id(), HasSubstr("hl7:sha256:"));
  EXPECT_EQ(a->request_id(), b->request_id());
  EXPECT_NE(a->request_id(), other->request_id());
  // Short ids keep the readable form.
  auto short_id = TranslateRefI12(Parse(Referral()));
  ASSERT_THAT(short_id, IsOk());
  EXPECT_EQ(short_id->request_id(), "hl7:RX9:MSG000101");
}

TEST(Hl7AcceptanceTest, FailedPreconditionIsAnInternalErrorToResendNotAnAe) {
  hl7v2::AckOutcome outcome =
      AckOutcomeForStatus(absl::FailedPreconditionError("store state"));
  EXPECT_EQ(outcome.code, hl7v2::AckCode::kReject);
  ASSERT_EQ(outcome.errors.size(), 1u);
  EXPECT_EQ(outcome.errors[0].code,
            hl7v2::ErrorCode::kApplicationInternalError);
}

}  // namespace
}  // namespace nhs::tobacco::mental_health
