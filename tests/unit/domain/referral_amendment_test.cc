// Which referral fields UpdateReferral may change, how a bad mask or value
// is refused (naming the path), and what the timeline is told changed.
#include "gateway/domain/referral_amendment.h"

#include "gateway/domain/field_violations.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::domain {
namespace {

using ::nhs::tobacco::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const ValidationLimits kLimits{200, absl::CivilDay(2026, 11, 30)};
const std::vector<std::string> kSensitive = {"clozapine", "olanzapine"};

v1::Referral Current() {
  v1::Referral r;
  r.set_referral_id("ref-1");
  r.mutable_patient()->set_nhs_number("9990000018");
  r.mutable_patient()->set_date_of_birth("1980-04-01");
  r.mutable_referrer()->set_ods_code("RX9");
  r.mutable_service()->set_ods_code("TDS01");
  r.mutable_gp_practice()->set_ods_code("Y90001");
  r.set_source(v1::REFERRAL_SOURCE_COMMUNITY_MENTAL_HEALTH);
  r.set_goal(v1::QUIT_GOAL_QUIT_NOW);
  r.mutable_consent()->set_share_with_gp(true);
  r.mutable_consent()->set_share_with_pharmacy(true);
  r.mutable_consent()->set_share_with_mental_health_team(true);
  return r;
}

v1::UpdateReferralRequest Amend(std::initializer_list<const char*> paths) {
  v1::UpdateReferralRequest u;
  u.set_request_id("req-1");
  u.set_referral_id("ref-1");
  for (const char* p : paths) u.mutable_update_mask()->add_paths(p);
  return u;
}

std::vector<std::string> ViolatedFields(const absl::Status& status) {
  std::vector<std::string> fields;
  for (const FieldViolation& v : GetFieldViolations(status)) {
    fields.push_back(v.field);
  }
  return fields;
}

TEST(AmendablePathsTest, AreTheSituationNotTheIdentity) {
  EXPECT_THAT(
      AmendablePaths(),
      ::testing::IsSupersetOf({"gp_practice", "nominated_pharmacy", "contact",
                               "goal", "consent", "consent.share_with_gp",
                               "mental_health.medicines"}));
  for (absl::string_view fixed :
       {"patient", "patient.nhs_number", "referrer", "service", "status",
        "source", "referral_id", "mental_health", "version"}) {
    EXPECT_THAT(AmendablePaths(), ::testing::Not(::testing::Contains(fixed)))
        << fixed;
  }
}

TEST(ValidateUpdateReferralTest, EachBadPathIsNamedByItsIndex) {
  struct Row {
    std::vector<const char*> paths;
    std::vector<std::string> violated;
  };
  const Row rows[] = {
      {{}, {"update_mask"}},
      {{"patient.nhs_number"}, {"update_mask.paths[0]"}},
      {{"goal", "status", "referrer"},
       {"update_mask.paths[1]", "update_mask.paths[2]"}},
      {{"consent.share_with_gp", "consent.shared"}, {"update_mask.paths[1]"}},
      {{"gp_practice"}, {}},
  };
  for (const Row& row : rows) {
    v1::UpdateReferralRequest u = Amend({});
    for (const char* p : row.paths) u.mutable_update_mask()->add_paths(p);
    EXPECT_EQ(ViolatedFields(ValidateUpdateReferral(u)), row.violated)
        << ::testing::PrintToString(row.paths);
  }
}

TEST(ValidateUpdateReferralTest, RequestIdAndReferralIdAreRequired) {
  v1::UpdateReferralRequest u = Amend({"goal"});
  u.clear_request_id();
  u.clear_referral_id();
  EXPECT_THAT(ViolatedFields(ValidateUpdateReferral(u)),
              ElementsAre("request_id", "referral_id"));
}

TEST(AmendReferralTest, OnlyMaskedFieldsChange) {
  v1::UpdateReferralRequest u = Amend({"gp_practice"});
  u.mutable_referral()->mutable_gp_practice()->set_ods_code("Y90002");
  u.mutable_referral()->set_goal(
      v1::QUIT_GOAL_TEMPORARY_ABSTINENCE);  // ignored
  absl::StatusOr<Amendment> a = AmendReferral(Current(), u, kLimits, {});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->amended.gp_practice().ods_code(), "Y90002");
  EXPECT_EQ(a->amended.goal(), v1::QUIT_GOAL_QUIT_NOW);
  EXPECT_THAT(a->changed_paths, ElementsAre("gp_practice"));
  EXPECT_THAT(a->withdrawn, IsEmpty());
}

TEST(AmendReferralTest, AnUnchangedValueIsNotReportedAsChanged) {
  v1::UpdateReferralRequest u = Amend({"goal", "consent.share_with_gp"});
  u.mutable_referral()->set_goal(v1::QUIT_GOAL_QUIT_NOW);
  u.mutable_referral()->mutable_consent()->set_share_with_gp(true);
  absl::StatusOr<Amendment> a = AmendReferral(Current(), u, kLimits, {});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_THAT(a->changed_paths, IsEmpty());
}

TEST(AmendReferralTest, ConsentMaskNamesEachFlagThatChanged) {
  v1::UpdateReferralRequest u = Amend({"consent"});
  u.mutable_referral()->mutable_consent()->set_share_with_pharmacy(true);
  u.mutable_referral()->mutable_consent()->set_share_with_mental_health_team(
      true);
  // share_with_gp absent from the body: the whole consent is replaced, so
  // GP consent is withdrawn.
  absl::StatusOr<Amendment> a = AmendReferral(Current(), u, kLimits, {});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_THAT(a->changed_paths, ElementsAre("consent.share_with_gp"));
  EXPECT_THAT(a->withdrawn, ElementsAre(ConsentParty::kGp));
}

TEST(AmendReferralTest, WithdrawingEachPartyIsReported) {
  v1::UpdateReferralRequest u = Amend(
      {"consent.share_with_pharmacy", "consent.share_with_mental_health_team"});
  absl::StatusOr<Amendment> a = AmendReferral(Current(), u, kLimits, {});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_THAT(a->withdrawn, ElementsAre(ConsentParty::kPharmacy,
                                        ConsentParty::kMentalHealthTeam));
}

TEST(AmendReferralTest, MedicinesAreFlaggedFromTheGatewaysList) {
  v1::UpdateReferralRequest u = Amend({"mental_health.medicines"});
  u.mutable_referral()->mutable_mental_health()->add_medicines()->set_name(
      "Olanzapine 10mg tablets");
  u.mutable_referral()->mutable_mental_health()->add_medicines()->set_name(
      "Sertraline");
  absl::StatusOr<Amendment> a =
      AmendReferral(Current(), u, kLimits, kSensitive);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_EQ(a->amended.mental_health().medicines_size(), 2);
  EXPECT_TRUE(a->amended.mental_health().medicines(0).cyp1a2_sensitive());
  EXPECT_FALSE(a->amended.mental_health().medicines(1).cyp1a2_sensitive());
  EXPECT_THAT(a->changed_paths, ElementsAre("mental_health.medicines"));
}

TEST(AmendReferralTest, InvalidValuesAreRefusedNamingTheirPath) {
  struct Row {
    const char* path;
    void (*set)(v1::Referral&);
    const char* violated;
  };
  const Row rows[] = {
      {"gp_practice",
       [](v1::Referral& r) { r.mutable_gp_practice()->set_ods_code("no!"); },
       "referral.gp_practice.ods_code"},
      {"nominated_pharmacy",
       [](v1::Referral& r) {
         r.mutable_nominated_pharmacy()->set_ods_code("not an ods code");
       },
       "referral.nominated_pharmacy.ods_code"},
      {"goal",
       [](v1::Referral& r) { r.set_goal(static_cast<v1::QuitGoal>(99)); },
       "referral.goal"},
      {"mental_health.medicines",
       [](v1::Referral& r) {
         r.mutable_mental_health()->add_medicines()->set_dmd_code("12");
       },
       "referral.mental_health.medicines[0].name"},
  };
  for (const Row& row : rows) {
    v1::UpdateReferralRequest u = Amend({row.path});
    row.set(*u.mutable_referral());
    absl::StatusOr<Amendment> a = AmendReferral(Current(), u, kLimits, {});
    EXPECT_THAT(a, StatusIs(absl::StatusCode::kInvalidArgument)) << row.path;
    EXPECT_THAT(ViolatedFields(a.status()), ElementsAre(row.violated))
        << row.path;
  }
}

TEST(AmendReferralTest, AStoredFieldTheMaskDoesNotTouchIsNotTheCallersFault) {
  v1::Referral current = Current();
  current.mutable_patient()->set_nhs_number("1234567890");  // bad check digit
  v1::UpdateReferralRequest u = Amend({"goal"});
  u.mutable_referral()->set_goal(v1::QUIT_GOAL_CUT_DOWN_TO_QUIT);
  EXPECT_TRUE(AmendReferral(current, u, kLimits, {}).ok());
}

TEST(AmendReferralTest, ClearingTheNominatedPharmacyIsAllowed) {
  v1::Referral current = Current();
  current.mutable_nominated_pharmacy()->set_ods_code("FZZ99");
  absl::StatusOr<Amendment> a =
      AmendReferral(current, Amend({"nominated_pharmacy"}), kLimits, {});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_FALSE(a->amended.has_nominated_pharmacy());
  EXPECT_THAT(a->changed_paths, ElementsAre("nominated_pharmacy"));
}

TEST(AmendReferralTest, ABadMaskIsRefusedBeforeAnyValue) {
  EXPECT_THAT(AmendReferral(Current(), Amend({"patient"}), kLimits, {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not an amendable field")));
}

}  // namespace
}  // namespace nhs::tobacco::domain
