// The outcome return and pathway performance builders (issue 14), on a
// fixed set of facts with hand-computed figures.
#include "gateway/domain/report_builders.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gateway/domain/field_violations.h"
#include "gateway/domain/london_day.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace nhs::tobacco::domain {
namespace {

using ::nhs::tobacco::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

absl::Time At(int y, int m, int d, int hh, int mm = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), LondonZone());
}

std::string Count(const v1::ReportCount& c) {
  if (c.suppressed()) return "*";
  return absl::StrCat(c.rounded() ? "~" : "", c.value());
}

std::string Rate(const v1::ReportRate& r) {
  if (r.suppressed()) return "*";
  if (r.undefined()) return "-";
  return absl::StrCat(r.value());
}

std::string Key(
    const google::protobuf::RepeatedPtrField<v1::ReportDimension>& dims,
    bool total) {
  if (total) return "TOTAL";
  std::vector<std::string> v;
  for (const auto& d : dims) v.push_back(d.value());
  return absl::StrJoin(v, "/");
}

// "KEY: received,quit_dates,quit4,co4,not_quit4,lost4,quit12,quit52"
std::vector<std::string> Lines(const v1::OutcomeReport& report) {
  std::vector<std::string> out;
  for (const auto& r : report.rows()) {
    out.push_back(absl::StrCat(
        Key(r.dimensions(), r.total()), ": ", Count(r.referrals_received()),
        ",", Count(r.quit_dates_set()), ",", Count(r.quit_4wk_self_reported()),
        ",", Count(r.quit_4wk_co_verified()), ",", Count(r.not_quit_4wk()), ",",
        Count(r.lost_to_follow_up_4wk()), ",", Count(r.quit_12wk()), ",",
        Count(r.quit_52wk())));
  }
  return out;
}

ReportSpec BaseSpec(absl::CivilDay from, absl::CivilDay to,
                    std::vector<v1::ReportBreakdown> by) {
  ReportSpec spec;
  spec.from = from;
  spec.to = to;
  spec.as_of = absl::CivilDay(2026, 11, 1);
  spec.by = std::move(by);
  spec.disclosure = v1::DISCLOSURE_EXACT;
  spec.reporting = ReportingDefaults({});
  spec.follow_up.mutable_week_4()->set_min_days(25);
  spec.follow_up.mutable_week_4()->set_max_days(42);
  spec.organisation_names = {{"A81001", "Riverside Surgery"},
                             {"QE1", "Example ICB"},
                             {"TDS01", "Tobacco service one"},
                             {"FA001", "Corner Pharmacy"}};
  spec.icb_of = {{"A81001", "QE1"}};
  spec.reason_displays = {
      {"OUT_OF_STOCK", "Out of stock"},
      {"NOT_CLINICALLY_APPROPRIATE", "Not clinically appropriate"}};
  return spec;
}

ReferralFacts Referral(v1::ReferralSource source, bool smi,
                       v1::DiagnosisCategory diagnosis, std::string gp,
                       std::string service, absl::CivilDay received,
                       std::optional<absl::CivilDay> quit,
                       v1::OutcomeStatus wk4, v1::Route route,
                       v1::ProductKind kind, std::string pharmacy) {
  ReferralFacts f;
  f.subject.source = source;
  f.subject.smi = smi;
  f.subject.diagnosis = diagnosis;
  f.subject.gp_ods = std::move(gp);
  f.subject.service_ods = std::move(service);
  f.received_on = received;
  f.quit_date = quit;
  f.outcome_4wk = wk4;
  f.first_route = route;
  f.first_product_kind = kind;
  f.first_pharmacy_ods = std::move(pharmacy);
  return f;
}

// Seven referrals; the period is April to September 2026, as of 1 Nov.
std::vector<ReferralFacts> OutcomeFacts() {
  using absl::CivilDay;
  std::vector<ReferralFacts> v;
  // R1: quit, CO-verified, quit at 12 weeks too.
  v.push_back(Referral(v1::REFERRAL_SOURCE_TALKING_THERAPIES, true,
                       v1::DIAGNOSIS_CATEGORY_SCHIZOPHRENIA, "A81001", "TDS01",
                       CivilDay(2026, 4, 10), CivilDay(2026, 4, 20),
                       v1::OUTCOME_STATUS_QUIT_CO_VERIFIED,
                       v1::ROUTE_PHARMACY_SUPPLY, v1::PRODUCT_KIND_VARENICLINE,
                       "FA001"));
  v.back().outcome_12wk = v1::OUTCOME_STATUS_QUIT_SELF_REPORTED;
  // R2: quit (self-reported), no prescription request.
  v.push_back(Referral(v1::REFERRAL_SOURCE_COMMUNITY_MENTAL_HEALTH, false,
                       v1::DIAGNOSIS_CATEGORY_DEPRESSION, "A81002", "TDS01",
                       CivilDay(2026, 5, 2), CivilDay(2026, 7, 15),
                       v1::OUTCOME_STATUS_QUIT_SELF_REPORTED,
                       v1::ROUTE_UNSPECIFIED, v1::PRODUCT_KIND_UNSPECIFIED,
                       ""));
  // R3: received before the period, quit date in it, no 4-week outcome and
  // the window closed 17 May: lost to follow-up. No registered practice.
  v.push_back(Referral(
      v1::REFERRAL_SOURCE_TALKING_THERAPIES, true,
      v1::DIAGNOSIS_CATEGORY_UNSPECIFIED, "", "TDS02", CivilDay(2026, 3, 30),
      CivilDay(2026, 4, 5), v1::OUTCOME_STATUS_UNSPECIFIED,
      v1::ROUTE_GP_PRESCRIPTION, v1::PRODUCT_KIND_NRT, "FA002"));
  // R4: received in the period, quit date after it.
  v.push_back(Referral(v1::REFERRAL_SOURCE_INPATIENT_MENTAL_HEALTH, true,
                       v1::DIAGNOSIS_CATEGORY_BIPOLAR_DISORDER, "A81001",
                       "TDS01", CivilDay(2026, 9, 20), CivilDay(2026, 10, 5),
                       v1::OUTCOME_STATUS_UNSPECIFIED,
                       v1::ROUTE_GP_PRESCRIPTION, v1::PRODUCT_KIND_CYTISINE,
                       ""));
  // R5: window still open on 1 Nov (closes 6 Nov): not lost.
  v.push_back(Referral(v1::REFERRAL_SOURCE_TALKING_THERAPIES, false,
                       v1::DIAGNOSIS_CATEGORY_UNSPECIFIED, "A81002", "TDS02",
                       CivilDay(2026, 8, 1), CivilDay(2026, 9, 25),
                       v1::OUTCOME_STATUS_UNSPECIFIED, v1::ROUTE_SERVICE_SUPPLY,
                       v1::PRODUCT_KIND_VAPE, ""));
  // R6: not quit at 4 weeks, relapsed at 12.
  v.push_back(Referral(v1::REFERRAL_SOURCE_GP, false,
                       v1::DIAGNOSIS_CATEGORY_UNSPECIFIED, "A81001", "TDS01",
                       CivilDay(2026, 6, 30), CivilDay(2026, 6, 30),
                       v1::OUTCOME_STATUS_NOT_QUIT, v1::ROUTE_PHARMACY_SUPPLY,
                       v1::PRODUCT_KIND_NRT, "FA001"));
  v.back().outcome_12wk = v1::OUTCOME_STATUS_RELAPSED;
  // R7: out of the period altogether.
  v.push_back(
      Referral(v1::REFERRAL_SOURCE_SELF, false, v1::DIAGNOSIS_CATEGORY_NONE,
               "A81001", "TDS01", CivilDay(2025, 1, 1), CivilDay(2025, 2, 1),
               v1::OUTCOME_STATUS_QUIT_SELF_REPORTED, v1::ROUTE_PHARMACY_SUPPLY,
               v1::PRODUCT_KIND_NRT, "FA001"));
  return v;
}

v1::OutcomeReport Outcomes(std::vector<v1::ReportBreakdown> by,
                           v1::Disclosure disclosure = v1::DISCLOSURE_EXACT) {
  ReportSpec spec = BaseSpec(absl::CivilDay(2026, 4, 1),
                             absl::CivilDay(2026, 9, 30), std::move(by));
  spec.disclosure = disclosure;
  auto builder = NewOutcomeReportBuilder(spec);
  for (const ReferralFacts& f : OutcomeFacts()) builder->Add(f);
  return builder->Finish();
}

constexpr char kTotal[] = "TOTAL: 5,5,2,1,1,1,1,0";

TEST(OutcomeReportTest, TotalOnlyAndHeader) {
  v1::OutcomeReport r = Outcomes({});
  EXPECT_THAT(Lines(r), ElementsAre(kTotal));
  const auto& total = r.rows(0);
  EXPECT_TRUE(total.total());
  EXPECT_EQ(total.period_start(), "2026-04-01");
  EXPECT_EQ(total.period_end(), "2026-09-30");
  EXPECT_DOUBLE_EQ(total.quit_rate_4wk().value(), 0.4);
  EXPECT_DOUBLE_EQ(total.co_verified_share().value(), 0.5);
  EXPECT_EQ(r.header().from(), "2026-04-01");
  EXPECT_EQ(r.header().to(), "2026-09-30");
  EXPECT_EQ(r.header().as_of(), "2026-11-01");
  EXPECT_EQ(r.header().disclosure(), v1::DISCLOSURE_EXACT);
  EXPECT_EQ(r.header().disclosure_rules(), "exact figures");
}

TEST(OutcomeReportTest, BySource) {
  v1::OutcomeReport r = Outcomes({v1::REPORT_BREAKDOWN_SOURCE});
  EXPECT_THAT(Lines(r),
              ElementsAre("COMMUNITY_MENTAL_HEALTH: 1,1,1,0,0,0,0,0",
                          "GP: 1,1,0,0,1,0,0,0",
                          "INPATIENT_MENTAL_HEALTH: 1,0,0,0,0,0,0,0",
                          "TALKING_THERAPIES: 2,3,1,1,0,1,1,0", kTotal));
  EXPECT_EQ(r.rows(3).dimensions(0).display(), "NHS Talking Therapies");
  EXPECT_EQ(r.rows(3).dimensions(0).breakdown(), v1::REPORT_BREAKDOWN_SOURCE);
  EXPECT_EQ(Rate(r.rows(3).quit_rate_4wk()), absl::StrCat(1.0 / 3.0));
  // No quit dates set: the rate is undefined, not 0.
  EXPECT_EQ(Rate(r.rows(2).quit_rate_4wk()), "-");
  EXPECT_EQ(Rate(r.rows(1).co_verified_share()), "-");
}

TEST(OutcomeReportTest, BySmi) {
  v1::OutcomeReport r = Outcomes({v1::REPORT_BREAKDOWN_SMI});
  EXPECT_THAT(Lines(r), ElementsAre("NOT_SMI: 3,3,1,0,1,0,0,0",
                                    "SMI: 2,2,1,1,0,1,1,0", kTotal));
  EXPECT_EQ(r.rows(1).dimensions(0).display(), "On the SMI register");
}

TEST(OutcomeReportTest, ByDiagnosis) {
  v1::OutcomeReport r = Outcomes({v1::REPORT_BREAKDOWN_DIAGNOSIS});
  EXPECT_THAT(Lines(r), ElementsAre("BIPOLAR_DISORDER: 1,0,0,0,0,0,0,0",
                                    "DEPRESSION: 1,1,1,0,0,0,0,0",
                                    "SCHIZOPHRENIA: 1,1,1,1,0,0,1,0",
                                    "UNSPECIFIED: 2,3,0,0,1,1,0,0", kTotal));
  EXPECT_EQ(r.rows(3).dimensions(0).display(), "Not stated");
}

TEST(OutcomeReportTest, ByRouteUsesTheFirstRequest) {
  v1::OutcomeReport r = Outcomes({v1::REPORT_BREAKDOWN_ROUTE});
  EXPECT_THAT(Lines(r), ElementsAre("GP_PRESCRIPTION: 1,1,0,0,0,1,0,0",
                                    "NONE: 1,1,1,0,0,0,0,0",
                                    "PHARMACY_SUPPLY: 2,2,1,1,1,0,1,0",
                                    "SERVICE_SUPPLY: 1,1,0,0,0,0,0,0", kTotal));
  EXPECT_EQ(r.rows(1).dimensions(0).display(), "No prescription request");
}

TEST(OutcomeReportTest, ByProductKind) {
  v1::OutcomeReport r = Outcomes({v1::REPORT_BREAKDOWN_PRODUCT_KIND});
  EXPECT_THAT(Lines(r),
              ElementsAre("CYTISINE: 1,0,0,0,0,0,0,0", "NONE: 1,1,1,0,0,0,0,0",
                          "NRT: 1,2,0,0,1,1,0,0", "VAPE: 1,1,0,0,0,0,0,0",
                          "VARENICLINE: 1,1,1,1,0,0,1,0", kTotal));
  EXPECT_EQ(r.rows(2).dimensions(0).display(), "Nicotine replacement therapy");
}

TEST(OutcomeReportTest, ByGpPractice) {
  v1::OutcomeReport r = Outcomes({v1::REPORT_BREAKDOWN_GP_PRACTICE});
  EXPECT_THAT(Lines(r),
              ElementsAre("A81001: 3,2,1,1,1,0,1,0", "A81002: 2,2,1,0,0,0,0,0",
                          "NONE: 0,1,0,0,0,1,0,0", kTotal));
  EXPECT_EQ(r.rows(0).dimensions(0).display(), "Riverside Surgery");
  EXPECT_EQ(r.rows(1).dimensions(0).display(), "");
}

TEST(OutcomeReportTest, ByPharmacy) {
  v1::OutcomeReport r = Outcomes({v1::REPORT_BREAKDOWN_PHARMACY});
  EXPECT_THAT(Lines(r),
              ElementsAre("FA001: 2,2,1,1,1,0,1,0", "FA002: 0,1,0,0,0,1,0,0",
                          "NONE: 3,2,1,0,0,0,0,0", kTotal));
  EXPECT_EQ(r.rows(0).dimensions(0).display(), "Corner Pharmacy");
}

TEST(OutcomeReportTest, ByService) {
  v1::OutcomeReport r = Outcomes({v1::REPORT_BREAKDOWN_SERVICE});
  EXPECT_THAT(Lines(r), ElementsAre("TDS01: 4,3,2,1,1,0,1,0",
                                    "TDS02: 1,2,0,0,0,1,0,0", kTotal));
  EXPECT_EQ(r.rows(0).dimensions(0).display(), "Tobacco service one");
}

TEST(OutcomeReportTest, ByIcbFromTheRegistry) {
  v1::OutcomeReport r = Outcomes({v1::REPORT_BREAKDOWN_ICB});
  EXPECT_THAT(Lines(r), ElementsAre("QE1: 3,2,1,1,1,0,1,0",
                                    "UNMAPPED: 2,3,1,0,0,1,0,0", kTotal));
  EXPECT_EQ(r.rows(0).dimensions(0).display(), "Example ICB");
  EXPECT_EQ(r.rows(1).dimensions(0).display(), "Not mapped to an ICB");
}

TEST(OutcomeReportTest, ByQuarterCountsEachColumnInItsOwnQuarter) {
  // Received: R1, R2, R6 in Q1, R4, R5 in Q2. Quit dates: R1, R3, R6 in
  // Q1, R2, R5 in Q2.
  v1::OutcomeReport r = Outcomes({v1::REPORT_BREAKDOWN_QUARTER});
  EXPECT_THAT(Lines(r), ElementsAre("2026-27 Q1: 3,3,1,1,1,1,1,0",
                                    "2026-27 Q2: 2,2,1,0,0,0,0,0", kTotal));
  EXPECT_EQ(r.rows(0).period_start(), "2026-04-01");
  EXPECT_EQ(r.rows(0).period_end(), "2026-06-30");
  EXPECT_EQ(r.rows(1).period_start(), "2026-07-01");
  EXPECT_EQ(r.rows(1).period_end(), "2026-09-30");
  EXPECT_EQ(r.rows(0).dimensions(0).display(), "April to June 2026");
}

TEST(OutcomeReportTest, QuartersAreClippedToThePeriodAcrossTheYearEnd) {
  ReportSpec spec =
      BaseSpec(absl::CivilDay(2026, 5, 15), absl::CivilDay(2027, 1, 10),
               {v1::REPORT_BREAKDOWN_QUARTER});
  auto b = NewOutcomeReportBuilder(spec);
  for (absl::CivilDay d :
       {absl::CivilDay(2026, 5, 20), absl::CivilDay(2026, 12, 31),
        absl::CivilDay(2027, 1, 5), absl::CivilDay(2027, 1, 11)}) {
    ReferralFacts f;
    f.received_on = d;
    b->Add(f);
  }
  v1::OutcomeReport r = b->Finish();
  EXPECT_THAT(
      Lines(r),
      ElementsAre("2026-27 Q1: 1,0,0,0,0,0,0,0", "2026-27 Q3: 1,0,0,0,0,0,0,0",
                  "2026-27 Q4: 1,0,0,0,0,0,0,0", "TOTAL: 3,0,0,0,0,0,0,0"));
  EXPECT_EQ(r.rows(0).period_start(), "2026-05-15");
  EXPECT_EQ(r.rows(0).period_end(), "2026-06-30");
  EXPECT_EQ(r.rows(1).period_start(), "2026-10-01");
  EXPECT_EQ(r.rows(1).period_end(), "2026-12-31");
  EXPECT_EQ(r.rows(2).period_start(), "2027-01-01");
  EXPECT_EQ(r.rows(2).period_end(), "2027-01-10");
  EXPECT_EQ(r.rows(3).period_start(), "2026-05-15");
  EXPECT_EQ(r.rows(3).period_end(), "2027-01-10");
}

TEST(OutcomeReportTest, TwoBreakdownsSortInRequestOrder) {
  v1::OutcomeReport r =
      Outcomes({v1::REPORT_BREAKDOWN_SOURCE, v1::REPORT_BREAKDOWN_SMI});
  EXPECT_THAT(Lines(r),
              ElementsAre("COMMUNITY_MENTAL_HEALTH/NOT_SMI: 1,1,1,0,0,0,0,0",
                          "GP/NOT_SMI: 1,1,0,0,1,0,0,0",
                          "INPATIENT_MENTAL_HEALTH/SMI: 1,0,0,0,0,0,0,0",
                          "TALKING_THERAPIES/NOT_SMI: 1,1,0,0,0,0,0,0",
                          "TALKING_THERAPIES/SMI: 1,2,1,1,0,1,1,0", kTotal));
  EXPECT_EQ(r.rows(0).dimensions(1).breakdown(), v1::REPORT_BREAKDOWN_SMI);
  EXPECT_THAT(r.header().by(), ElementsAre(v1::REPORT_BREAKDOWN_SOURCE,
                                           v1::REPORT_BREAKDOWN_SMI));
}

TEST(OutcomeReportTest, ControlledSmallNumbersAreWithheld) {
  // Every figure of the fixed set is 0..5: all non-zero ones withheld, and
  // every rate from them.
  v1::OutcomeReport r =
      Outcomes({v1::REPORT_BREAKDOWN_SMI}, v1::DISCLOSURE_CONTROLLED);
  EXPECT_THAT(Lines(r),
              ElementsAre("NOT_SMI: *,*,*,0,*,0,0,0", "SMI: *,*,*,*,0,*,*,0",
                          "TOTAL: *,*,*,*,*,*,*,0"));
  EXPECT_TRUE(r.rows(2).quit_rate_4wk().suppressed());
  EXPECT_TRUE(r.rows(0).co_verified_share().suppressed());
  EXPECT_EQ(r.header().disclosure(), v1::DISCLOSURE_CONTROLLED);
  EXPECT_EQ(r.header().disclosure_rules(),
            "counts 1 to 7 shown as *; other counts rounded to the nearest 5");
}

// 13 Talking Therapies referrals of whom 8 quit; 3 GP referrals, none quit.
v1::OutcomeReport Larger(v1::ReportingConfig::Secondary secondary) {
  ReportSpec spec =
      BaseSpec(absl::CivilDay(2026, 4, 1), absl::CivilDay(2026, 9, 30),
               {v1::REPORT_BREAKDOWN_SOURCE});
  spec.disclosure = v1::DISCLOSURE_CONTROLLED;
  spec.reporting.set_secondary(secondary);
  auto b = NewOutcomeReportBuilder(spec);
  for (int i = 0; i < 16; ++i) {
    ReferralFacts f;
    f.subject.source =
        i < 13 ? v1::REFERRAL_SOURCE_TALKING_THERAPIES : v1::REFERRAL_SOURCE_GP;
    f.received_on = absl::CivilDay(2026, 9, 1);
    f.quit_date = absl::CivilDay(2026, 9, 10);
    f.outcome_4wk = i < 8 ? v1::OUTCOME_STATUS_QUIT_SELF_REPORTED
                          : v1::OUTCOME_STATUS_NOT_QUIT;
    b->Add(f);
  }
  return b->Finish();
}

TEST(OutcomeReportTest, ControlledRoundingToFive) {
  v1::OutcomeReport r = Larger(v1::ReportingConfig::SECONDARY_ROUNDING);
  // GP: 3 received, 3 quit dates, 0 quit, 3 not quit.
  // TT: 13 -> 15, 13 -> 15, 8 -> 10, 0, 5 -> *.
  // Total: 16 -> 15, 16 -> 15, 8 -> 10, 0, 8 -> 10.
  EXPECT_THAT(Lines(r), ElementsAre("GP: *,*,0,0,*,0,0,0",
                                    "TALKING_THERAPIES: ~15,~15,~10,0,*,0,0,0",
                                    "TOTAL: ~15,~15,~10,0,~10,0,0,0"));
  // Rates from the published counts, to 3 decimals (from the exact ones,
  // 8/13 = 0.615 would give the exact pair away): 10/15 = 0.667.
  EXPECT_DOUBLE_EQ(r.rows(1).quit_rate_4wk().value(), 0.667);
  EXPECT_DOUBLE_EQ(r.rows(1).co_verified_share().value(), 0.0);
  EXPECT_DOUBLE_EQ(r.rows(2).quit_rate_4wk().value(), 0.667);
  EXPECT_TRUE(r.rows(0).quit_rate_4wk().suppressed());
}

TEST(OutcomeReportTest, ControlledSecondarySuppression) {
  v1::OutcomeReport r = Larger(v1::ReportingConfig::SECONDARY_SUPPRESSION);
  // GP's 3s are withheld, so TT's 13s go too (the total would give them
  // away); 8 and 16 stay exact. Not quit: GP 3 and TT 5 both small.
  EXPECT_THAT(Lines(r), ElementsAre("GP: *,*,0,0,*,0,0,0",
                                    "TALKING_THERAPIES: *,*,8,0,*,0,0,0",
                                    "TOTAL: 16,16,8,0,8,0,0,0"));
  EXPECT_TRUE(r.rows(1).quit_rate_4wk().suppressed());
  EXPECT_DOUBLE_EQ(r.rows(1).co_verified_share().value(), 0.0);
  EXPECT_DOUBLE_EQ(r.rows(2).quit_rate_4wk().value(), 0.5);
  EXPECT_EQ(r.header().disclosure_rules(),
            "counts 1 to 7 shown as *; further counts shown as * so that none "
            "can be derived from the totals");
}

// ---------------------------------------------------------------------------
// Pathway performance: August-September 2026, bank holiday Monday 31 Aug.

PrescriptionFacts Request(v1::Route route, std::string target,
                          std::string pharmacy, absl::Time recommended,
                          v1::PrescriptionStatus status) {
  PrescriptionFacts f;
  f.route = route;
  f.target_ods = std::move(target);
  f.pharmacy_ods = std::move(pharmacy);
  f.recommended_at = recommended;
  f.status = status;
  f.subject.gp_ods = "A81001";
  f.subject.service_ods = "TDS01";
  return f;
}

void Subject(PrescriptionFacts& f, v1::ReferralSource source, bool smi,
             v1::DiagnosisCategory diagnosis, std::string gp,
             std::string service, v1::ProductKind kind) {
  f.subject.source = source;
  f.subject.smi = smi;
  f.subject.diagnosis = diagnosis;
  f.subject.gp_ods = std::move(gp);
  f.subject.service_ods = std::move(service);
  f.product_kind = kind;
}

std::vector<PrescriptionFacts> PathwayFacts() {
  std::vector<PrescriptionFacts> v;
  // P1: Friday 28 Aug; acknowledged the same day (0); prescribed Tuesday 1
  // Sep across the holiday (1); dispensed Wednesday (2). Went overdue.
  v.push_back(Request(v1::ROUTE_GP_PRESCRIPTION, "A81001", "FA001",
                      At(2026, 8, 28, 10), v1::PRESCRIPTION_STATUS_DISPENSED));
  v.back().acknowledged_at = At(2026, 8, 28, 15);
  v.back().prescribed_or_supplied_at = At(2026, 9, 1, 9);
  v.back().dispensed_at = At(2026, 9, 2, 11);
  v.back().first_overdue_waiting_on = "A81001";
  Subject(v.back(), v1::REFERRAL_SOURCE_TALKING_THERAPIES, true,
          v1::DIAGNOSIS_CATEGORY_SCHIZOPHRENIA, "A81001", "TDS01",
          v1::PRODUCT_KIND_VARENICLINE);
  // P2: Monday 24 Aug, acknowledged Tuesday (1), declined.
  v.push_back(Request(v1::ROUTE_GP_PRESCRIPTION, "A81002", "",
                      At(2026, 8, 24, 9), v1::PRESCRIPTION_STATUS_DECLINED));
  v.back().acknowledged_at = At(2026, 8, 25, 9);
  v.back().status_reason = "NOT_CLINICALLY_APPROPRIATE";
  Subject(v.back(), v1::REFERRAL_SOURCE_COMMUNITY_MENTAL_HEALTH, false,
          v1::DIAGNOSIS_CATEGORY_DEPRESSION, "A81002", "TDS01",
          v1::PRODUCT_KIND_NRT);
  // P3: Thursday 3 Sep, acknowledged Monday 7 (2); still waiting, overdue.
  v.push_back(Request(v1::ROUTE_GP_PRESCRIPTION, "A81001", "",
                      At(2026, 9, 3, 9), v1::PRESCRIPTION_STATUS_ACKNOWLEDGED));
  v.back().acknowledged_at = At(2026, 9, 7, 9);
  v.back().first_overdue_waiting_on = "A81001";
  Subject(v.back(), v1::REFERRAL_SOURCE_TALKING_THERAPIES, true,
          v1::DIAGNOSIS_CATEGORY_UNSPECIFIED, "A81001", "TDS02",
          v1::PRODUCT_KIND_NRT);
  // P4: Friday 4 Sep 16:00, acknowledged and supplied Monday morning (1).
  v.push_back(Request(v1::ROUTE_PHARMACY_SUPPLY, "FA001", "FA001",
                      At(2026, 9, 4, 16), v1::PRESCRIPTION_STATUS_SUPPLIED));
  v.back().acknowledged_at = At(2026, 9, 7, 9);
  v.back().prescribed_or_supplied_at = At(2026, 9, 7, 9, 30);
  Subject(v.back(), v1::REFERRAL_SOURCE_GP, false,
          v1::DIAGNOSIS_CATEGORY_UNSPECIFIED, "", "TDS01",
          v1::PRODUCT_KIND_VAPE);
  // P5: not supplied, out of stock; acknowledged the same day; overdue.
  v.push_back(Request(v1::ROUTE_PHARMACY_SUPPLY, "FA002", "FA002",
                      At(2026, 9, 10, 9),
                      v1::PRESCRIPTION_STATUS_NOT_SUPPLIED));
  v.back().acknowledged_at = At(2026, 9, 10, 12);
  v.back().status_reason = "OUT_OF_STOCK";
  v.back().first_overdue_waiting_on = "FA002";
  Subject(v.back(), v1::REFERRAL_SOURCE_TALKING_THERAPIES, false,
          v1::DIAGNOSIS_CATEGORY_SCHIZOPHRENIA, "A81002", "TDS02",
          v1::PRODUCT_KIND_NRT);
  // P6: the service supplies on the day (0).
  v.push_back(Request(v1::ROUTE_SERVICE_SUPPLY, "TDS01", "", At(2026, 9, 15, 9),
                      v1::PRESCRIPTION_STATUS_SUPPLIED));
  v.back().prescribed_or_supplied_at = At(2026, 9, 15, 10);
  Subject(v.back(), v1::REFERRAL_SOURCE_COMMUNITY_MENTAL_HEALTH, true,
          v1::DIAGNOSIS_CATEGORY_DEPRESSION, "A81001", "TDS01",
          v1::PRODUCT_KIND_CYTISINE);
  // P7: before the period.
  v.push_back(Request(v1::ROUTE_GP_PRESCRIPTION, "A81001", "",
                      At(2026, 8, 20, 9), v1::PRESCRIPTION_STATUS_DECLINED));
  v.back().first_overdue_waiting_on = "X99999";
  // P8: Sunday 20 Sep, acknowledged Monday (1), declined with no reason.
  v.push_back(Request(v1::ROUTE_GP_PRESCRIPTION, "A81002", "",
                      At(2026, 9, 20, 12), v1::PRESCRIPTION_STATUS_DECLINED));
  v.back().acknowledged_at = At(2026, 9, 21, 10);
  Subject(v.back(), v1::REFERRAL_SOURCE_TALKING_THERAPIES, false,
          v1::DIAGNOSIS_CATEGORY_UNSPECIFIED, "A81001", "TDS01",
          v1::PRODUCT_KIND_NRT);
  return v;
}

DeadlinePolicy SummerCalendar() {
  v1::DeadlineConfig config;
  config.add_bank_holidays("2026-08-31");
  auto policy = DeadlinePolicy::FromConfig(config);
  EXPECT_TRUE(policy.ok());
  return *policy;
}

v1::PathwayReport Pathway(const DeadlinePolicy& calendar,
                          std::vector<v1::ReportBreakdown> by,
                          v1::Disclosure disclosure = v1::DISCLOSURE_EXACT) {
  ReportSpec spec = BaseSpec(absl::CivilDay(2026, 8, 24),
                             absl::CivilDay(2026, 9, 30), std::move(by));
  spec.disclosure = disclosure;
  spec.calendar = &calendar;
  auto b = NewPathwayReportBuilder(spec);
  for (const PrescriptionFacts& f : PathwayFacts()) b->Add(f);
  for (const char* ods : {"A81002", "FA001", "A81002"}) {
    DeadLetterFacts d;
    d.destination_ods = ods;
    b->AddDeadLetter(d);
  }
  return b->Finish();
}

std::string Statuses(const v1::PathwayReportRow& row) {
  std::vector<std::string> v;
  for (const auto& s : row.by_status()) {
    v.push_back(
        absl::StrCat(v1::PrescriptionStatus_Name(s.status())
                         .substr(std::string("PRESCRIPTION_STATUS_").size()),
                     "=", Count(s.count())));
  }
  return absl::StrJoin(v, " ");
}

std::string Stats(const v1::WorkingDayStats& s) {
  return absl::StrCat(
      Count(s.reached()), " median ",
      s.has_median_working_days() ? absl::StrCat(s.median_working_days()) : "-",
      " p90 ",
      s.has_p90_working_days() ? absl::StrCat(s.p90_working_days()) : "-");
}

std::string Reasons(
    const google::protobuf::RepeatedPtrField<v1::ReasonCount>& reasons) {
  std::vector<std::string> v;
  for (const auto& r : reasons) {
    v.push_back(
        absl::StrCat(r.code(), "(", r.display(), ")=", Count(r.count())));
  }
  return absl::StrJoin(v, " ");
}

std::string Orgs(
    const google::protobuf::RepeatedPtrField<v1::OrganisationCount>& orgs) {
  std::vector<std::string> v;
  for (const auto& o : orgs) {
    v.push_back(absl::StrCat(o.ods_code(), "=", Count(o.count())));
  }
  return absl::StrJoin(v, " ");
}

TEST(PathwayReportTest, TotalHandComputed) {
  DeadlinePolicy cal = SummerCalendar();
  v1::PathwayReport r = Pathway(cal, {});
  ASSERT_EQ(r.rows_size(), 1);
  const v1::PathwayReportRow& t = r.rows(0);
  EXPECT_TRUE(t.total());
  EXPECT_EQ(Count(t.requests()), "7");
  EXPECT_EQ(Statuses(t),
            "ACKNOWLEDGED=1 DECLINED=2 DISPENSED=1 SUPPLIED=2 NOT_SUPPLIED=1");
  // Acknowledgement: 0,1,2,1,0,1 -> sorted 0,0,1,1,1,2: median rank 3 = 1,
  // p90 rank 6 = 2.
  EXPECT_EQ(Stats(t.to_acknowledgement()), "6 median 1 p90 2");
  // Prescription or supply: P1 1 (the bank holiday does not count), P4 1,
  // P6 0 -> 0,1,1: median rank 2 = 1, p90 rank 3 = 1.
  EXPECT_EQ(Stats(t.to_prescription_or_supply()), "3 median 1 p90 1");
  EXPECT_EQ(Stats(t.to_dispense()), "1 median 2 p90 2");
  EXPECT_EQ(Count(t.gp_decided()), "3");
  EXPECT_EQ(Count(t.gp_declined()), "2");
  EXPECT_DOUBLE_EQ(t.gp_decline_rate().value(), 2.0 / 3.0);
  EXPECT_EQ(Reasons(t.decline_reasons()),
            "NONE(No reason recorded)=1 "
            "NOT_CLINICALLY_APPROPRIATE(Not clinically appropriate)=1");
  EXPECT_EQ(Count(t.pharmacy_decided()), "2");
  EXPECT_EQ(Count(t.not_supplied()), "1");
  EXPECT_DOUBLE_EQ(t.not_supplied_rate().value(), 0.5);
  EXPECT_EQ(Reasons(t.not_supplied_reasons()), "OUT_OF_STOCK(Out of stock)=1");
  EXPECT_EQ(Count(t.went_overdue()), "3");
  EXPECT_EQ(Orgs(r.overdue_by_organisation()), "A81001=2 FA002=1");
  EXPECT_EQ(r.overdue_by_organisation(0).display(), "Riverside Surgery");
  EXPECT_EQ(Orgs(r.dead_letters_by_destination()), "A81002=2 FA001=1");
  EXPECT_EQ(r.header().from(), "2026-08-24");
}

TEST(PathwayReportTest, WithoutTheBankHolidayTheFigureMoves) {
  v1::DeadlineConfig none;
  auto plain = DeadlinePolicy::FromConfig(none);
  ASSERT_TRUE(plain.ok());
  v1::PathwayReport r = Pathway(*plain, {});
  // P1's prescription now takes 2 working days: 0,1,2 -> p90 2.
  EXPECT_EQ(Stats(r.rows(0).to_prescription_or_supply()), "3 median 1 p90 2");
  EXPECT_EQ(Stats(r.rows(0).to_dispense()), "1 median 3 p90 3");
}

TEST(PathwayReportTest, ByRoute) {
  DeadlinePolicy cal = SummerCalendar();
  v1::PathwayReport r = Pathway(cal, {v1::REPORT_BREAKDOWN_ROUTE});
  ASSERT_EQ(r.rows_size(), 4);
  const auto& gp = r.rows(0);
  EXPECT_EQ(gp.dimensions(0).value(), "GP_PRESCRIPTION");
  EXPECT_EQ(Count(gp.requests()), "4");
  EXPECT_EQ(Statuses(gp), "ACKNOWLEDGED=1 DECLINED=2 DISPENSED=1");
  // 0 (P1), 1 (P2), 2 (P3), 1 (P8): median rank 2 = 1, p90 rank 4 = 2.
  EXPECT_EQ(Stats(gp.to_acknowledgement()), "4 median 1 p90 2");
  EXPECT_EQ(Stats(gp.to_prescription_or_supply()), "1 median 1 p90 1");
  EXPECT_EQ(Count(gp.gp_decided()), "3");
  EXPECT_EQ(Count(gp.pharmacy_decided()), "0");
  EXPECT_TRUE(gp.not_supplied_rate().undefined());
  EXPECT_EQ(Count(gp.went_overdue()), "2");
  const auto& pharmacy = r.rows(1);
  EXPECT_EQ(pharmacy.dimensions(0).value(), "PHARMACY_SUPPLY");
  EXPECT_EQ(Count(pharmacy.requests()), "2");
  EXPECT_EQ(Stats(pharmacy.to_acknowledgement()), "2 median 0 p90 1");
  EXPECT_EQ(Count(pharmacy.not_supplied()), "1");
  EXPECT_TRUE(pharmacy.gp_decline_rate().undefined());
  const auto& service = r.rows(2);
  EXPECT_EQ(service.dimensions(0).value(), "SERVICE_SUPPLY");
  EXPECT_EQ(Statuses(service), "SUPPLIED=1");
  // Supplied by the service, not a pharmacy decision.
  EXPECT_EQ(Count(service.pharmacy_decided()), "0");
  EXPECT_EQ(Stats(service.to_acknowledgement()), "0 median - p90 -");
  EXPECT_TRUE(r.rows(3).total());
}

// "KEY: requests/went_overdue/gp_decided/gp_declined/pharmacy_decided/
// not_supplied/reached acknowledgement" per row.
std::vector<std::string> PathwayLines(const v1::PathwayReport& r) {
  std::vector<std::string> out;
  for (const auto& row : r.rows()) {
    out.push_back(absl::StrCat(
        Key(row.dimensions(), row.total()), ": ", Count(row.requests()), "/",
        Count(row.went_overdue()), "/", Count(row.gp_decided()), "/",
        Count(row.gp_declined()), "/", Count(row.pharmacy_decided()), "/",
        Count(row.not_supplied()), "/",
        Count(row.to_acknowledgement().reached())));
  }
  return out;
}

constexpr char kPathwayTotal[] = "TOTAL: 7/3/3/2/2/1/6";

TEST(PathwayReportTest, EveryOtherBreakdown) {
  DeadlinePolicy cal = SummerCalendar();
  EXPECT_THAT(
      PathwayLines(Pathway(cal, {v1::REPORT_BREAKDOWN_SOURCE})),
      ElementsAre("COMMUNITY_MENTAL_HEALTH: 2/0/1/1/0/0/1", "GP: 1/0/0/0/1/0/1",
                  "TALKING_THERAPIES: 4/3/2/1/1/1/4", kPathwayTotal));
  EXPECT_THAT(PathwayLines(Pathway(cal, {v1::REPORT_BREAKDOWN_SMI})),
              ElementsAre("NOT_SMI: 4/1/2/2/2/1/4", "SMI: 3/2/1/0/0/0/2",
                          kPathwayTotal));
  EXPECT_THAT(
      PathwayLines(Pathway(cal, {v1::REPORT_BREAKDOWN_DIAGNOSIS})),
      ElementsAre("DEPRESSION: 2/0/1/1/0/0/1", "SCHIZOPHRENIA: 2/2/1/0/1/1/2",
                  "UNSPECIFIED: 3/1/1/1/1/0/3", kPathwayTotal));
  EXPECT_THAT(PathwayLines(Pathway(cal, {v1::REPORT_BREAKDOWN_PRODUCT_KIND})),
              ElementsAre("CYTISINE: 1/0/0/0/0/0/0", "NRT: 4/2/2/2/1/1/4",
                          "VAPE: 1/0/0/0/1/0/1", "VARENICLINE: 1/1/1/0/0/0/1",
                          kPathwayTotal));
  EXPECT_THAT(PathwayLines(Pathway(cal, {v1::REPORT_BREAKDOWN_GP_PRACTICE})),
              ElementsAre("A81001: 4/2/2/1/0/0/3", "A81002: 2/1/1/1/1/1/2",
                          "NONE: 1/0/0/0/1/0/1", kPathwayTotal));
  EXPECT_THAT(PathwayLines(Pathway(cal, {v1::REPORT_BREAKDOWN_SERVICE})),
              ElementsAre("TDS01: 5/1/3/2/1/0/4", "TDS02: 2/2/0/0/1/1/2",
                          kPathwayTotal));
  EXPECT_THAT(PathwayLines(Pathway(cal, {v1::REPORT_BREAKDOWN_ICB})),
              ElementsAre("QE1: 4/2/2/1/0/0/3", "UNMAPPED: 3/1/1/1/2/1/3",
                          kPathwayTotal));
}

TEST(PathwayReportTest, ByPharmacyAndQuarter) {
  DeadlinePolicy cal = SummerCalendar();
  v1::PathwayReport r = Pathway(
      cal, {v1::REPORT_BREAKDOWN_PHARMACY, v1::REPORT_BREAKDOWN_QUARTER});
  std::vector<std::string> rows;
  for (const auto& row : r.rows()) {
    rows.push_back(absl::StrCat(Key(row.dimensions(), row.total()), " ",
                                row.period_start(), " ",
                                Count(row.requests())));
  }
  EXPECT_THAT(
      rows, ElementsAre("FA001/2026-27 Q2 2026-08-24 2",
                        "FA002/2026-27 Q2 2026-08-24 1",
                        "NONE/2026-27 Q2 2026-08-24 4", "TOTAL 2026-08-24 7"));
}

TEST(PathwayReportTest, ControlledWithholdsSmallCountsRatesAndPercentiles) {
  DeadlinePolicy cal = SummerCalendar();
  v1::PathwayReport r = Pathway(cal, {}, v1::DISCLOSURE_CONTROLLED);
  const v1::PathwayReportRow& t = r.rows(0);
  EXPECT_EQ(Count(t.requests()), "*");
  EXPECT_EQ(Stats(t.to_acknowledgement()), "* median - p90 -");
  EXPECT_TRUE(t.gp_decline_rate().suppressed());
  EXPECT_TRUE(t.not_supplied_rate().suppressed());
  EXPECT_EQ(Orgs(r.overdue_by_organisation()), "A81001=* FA002=*");
  EXPECT_EQ(Orgs(r.dead_letters_by_destination()), "A81002=* FA001=*");
}

TEST(PathwayReportTest, HotSpotsSortByThePublishedFigure) {
  DeadlinePolicy cal = SummerCalendar();
  ReportSpec spec =
      BaseSpec(absl::CivilDay(2026, 9, 1), absl::CivilDay(2026, 9, 30), {});
  spec.calendar = &cal;
  spec.disclosure = v1::DISCLOSURE_CONTROLLED;
  auto b = NewPathwayReportBuilder(spec);
  auto add = [&](const char* ods, int n) {
    for (int i = 0; i < n; ++i) {
      PrescriptionFacts f =
          Request(v1::ROUTE_GP_PRESCRIPTION, ods, "", At(2026, 9, 2, 9),
                  v1::PRESCRIPTION_STATUS_SENT);
      f.first_overdue_waiting_on = ods;
      b->Add(f);
    }
  };
  add("B1", 3);
  add("C1", 12);
  add("D1", 13);
  add("E1", 9);
  v1::PathwayReport r = b->Finish();
  // 13 -> 15; 12 -> 10 and 9 -> 10 tie, by code; the withheld one last.
  EXPECT_EQ(Orgs(r.overdue_by_organisation()), "D1=~15 C1=~10 E1=~10 B1=*");
}

TEST(ValidateReportRequestTest, AcceptsAPlainRequest) {
  v1::ReportRequest req;
  req.set_from("2026-04-01");
  req.set_to("2027-03-31");
  req.add_by(v1::REPORT_BREAKDOWN_ICB);
  req.add_by(v1::REPORT_BREAKDOWN_QUARTER);
  EXPECT_TRUE(ValidateReportRequest(req).ok());
  req.set_to("2031-04-01");  // exactly five years
  EXPECT_TRUE(ValidateReportRequest(req).ok());
}

TEST(ValidateReportRequestTest, NamesEveryFault) {
  v1::ReportRequest req;
  req.set_to("2026-02-30");
  req.add_by(v1::REPORT_BREAKDOWN_SOURCE);
  req.add_by(v1::REPORT_BREAKDOWN_UNSPECIFIED);
  req.add_by(v1::REPORT_BREAKDOWN_SOURCE);
  req.set_disclosure(static_cast<v1::Disclosure>(9));
  absl::Status s = ValidateReportRequest(req);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  std::vector<std::string> fields;
  for (const FieldViolation& v : GetFieldViolations(s)) {
    fields.push_back(v.field);
  }
  EXPECT_THAT(fields, UnorderedElementsAre("from", "to", "by[1]", "by[2]",
                                           "disclosure"));
}

TEST(ValidateReportRequestTest, OrderAndSpan) {
  v1::ReportRequest req;
  req.set_from("2026-04-01");
  req.set_to("2026-03-31");
  auto fields = [](const absl::Status& s) {
    std::vector<std::string> out;
    for (const FieldViolation& v : GetFieldViolations(s))
      out.push_back(v.field);
    return out;
  };
  EXPECT_THAT(fields(ValidateReportRequest(req)), ElementsAre("to"));
  req.set_to("2031-04-02");
  EXPECT_THAT(fields(ValidateReportRequest(req)), ElementsAre("to"));
  req.set_to("2026-04-01");
  EXPECT_TRUE(ValidateReportRequest(req).ok());
}

TEST(DescribeDisclosureTest, Words) {
  ReportSpec spec;
  spec.reporting = ReportingDefaults({});
  EXPECT_EQ(DescribeDisclosure(spec),
            "counts 1 to 7 shown as *; other counts rounded to the nearest 5");
  spec.disclosure = v1::DISCLOSURE_EXACT;
  EXPECT_EQ(DescribeDisclosure(spec), "exact figures");
}

}  // namespace
}  // namespace nhs::tobacco::domain
