// reports (issue 14): the CSV and the tables of `tobaccoctl report`, from
// hand-made report messages.
#include "gateway/cli/report_render.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::cli {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

v1::ReportCount Count(int64_t value) {
  v1::ReportCount c;
  c.set_value(value);
  return c;
}

v1::ReportCount Suppressed() {
  v1::ReportCount c;
  c.set_suppressed(true);
  return c;
}

v1::ReportRate Rate(double value) {
  v1::ReportRate r;
  r.set_value(value);
  return r;
}

void AddDimension(v1::OutcomeReportRow* row, v1::ReportBreakdown b,
                  const std::string& value, const std::string& display = "") {
  v1::ReportDimension* d = row->add_dimensions();
  d->set_breakdown(b);
  d->set_value(value);
  d->set_display(display);
}

// Two rows by source and route, then the total: one row with a suppressed
// count (and so a suppressed rate), one with an undefined share.
v1::OutcomeReport SampleOutcomes() {
  v1::OutcomeReport report;
  v1::ReportHeader* h = report.mutable_header();
  h->set_from("2026-04-01");
  h->set_to("2026-06-30");
  h->add_by(v1::REPORT_BREAKDOWN_SOURCE);
  h->add_by(v1::REPORT_BREAKDOWN_ROUTE);
  h->set_disclosure(v1::DISCLOSURE_CONTROLLED);
  h->set_scope("ICB QE1 (3 organisations)");
  h->set_disclosure_rules(
      "counts 1 to 7 shown as *; other counts rounded to the nearest 5");
  h->set_as_of("2026-12-01");

  v1::OutcomeReportRow* a = report.add_rows();
  a->set_period_start("2026-04-01");
  a->set_period_end("2026-06-30");
  // Dimensions deliberately not in header order: columns follow the header.
  AddDimension(a, v1::REPORT_BREAKDOWN_ROUTE, "GP_PRESCRIPTION");
  AddDimension(a, v1::REPORT_BREAKDOWN_SOURCE, "TALKING_THERAPIES",
               "NHS Talking Therapies");
  *a->mutable_referrals_received() = Count(40);
  *a->mutable_quit_dates_set() = Count(30);
  *a->mutable_quit_4wk_self_reported() = Count(10);
  *a->mutable_quit_4wk_co_verified() = Suppressed();
  *a->mutable_not_quit_4wk() = Count(10);
  *a->mutable_lost_to_follow_up_4wk() = Count(10);
  *a->mutable_quit_12wk() = Count(0);
  *a->mutable_quit_52wk() = Count(0);
  *a->mutable_quit_rate_4wk() = Rate(1.0 / 3);
  a->mutable_co_verified_share()->set_suppressed(true);

  v1::OutcomeReportRow* b = report.add_rows();
  b->set_period_start("2026-04-01");
  b->set_period_end("2026-06-30");
  AddDimension(b, v1::REPORT_BREAKDOWN_SOURCE, "INPATIENT_MENTAL_HEALTH");
  AddDimension(b, v1::REPORT_BREAKDOWN_ROUTE, "NONE");
  *b->mutable_referrals_received() = Count(15);
  *b->mutable_quit_dates_set() = Count(0);
  *b->mutable_quit_4wk_self_reported() = Count(0);
  b->mutable_quit_rate_4wk()->set_undefined(true);
  b->mutable_co_verified_share()->set_undefined(true);

  v1::OutcomeReportRow* t = report.add_rows();
  t->set_period_start("2026-04-01");
  t->set_period_end("2026-06-30");
  t->set_total(true);
  *t->mutable_referrals_received() = Count(55);
  *t->mutable_quit_dates_set() = Count(30);
  *t->mutable_quit_4wk_self_reported() = Count(10);
  *t->mutable_quit_4wk_co_verified() = Count(5);
  *t->mutable_quit_rate_4wk() = Rate(0.3333);
  *t->mutable_co_verified_share() = Rate(0.5);
  return report;
}

std::vector<std::string> Lines(const std::string& csv) {
  std::vector<std::string> lines = absl::StrSplit(csv, "\r\n");
  EXPECT_EQ(lines.back(), "") << "the last line ends in CRLF";
  lines.pop_back();
  return lines;
}

TEST(ReportRenderTest, OutcomeCsvHeaderIsTheStableColumnsInByOrder) {
  const std::string csv = RenderOutcomeCsv(SampleOutcomes());
  EXPECT_EQ(Lines(csv)[0],
            "period_start,period_end,source,route,referrals_received,"
            "quit_dates_set,quit_4wk_self_reported,quit_4wk_co_verified,"
            "not_quit_4wk,lost_to_follow_up_4wk,quit_12wk,quit_52wk,"
            "quit_rate_4wk,co_verified_share");
  v1::OutcomeReport reversed = SampleOutcomes();
  reversed.mutable_header()->clear_by();
  reversed.mutable_header()->add_by(v1::REPORT_BREAKDOWN_ROUTE);
  reversed.mutable_header()->add_by(v1::REPORT_BREAKDOWN_SOURCE);
  std::vector<std::string> lines = Lines(RenderOutcomeCsv(reversed));
  EXPECT_THAT(lines[0], HasSubstr("period_end,route,source,referrals"));
  EXPECT_THAT(lines[1], HasSubstr(",GP_PRESCRIPTION,TALKING_THERAPIES,40,"));
}

TEST(ReportRenderTest, OutcomeCsvRowsSuppressionRatesAndTotal) {
  std::vector<std::string> lines = Lines(RenderOutcomeCsv(SampleOutcomes()));
  ASSERT_EQ(lines.size(), 4u);
  // Suppressed count and the rate from it: "*"; rate 3 decimals.
  EXPECT_EQ(lines[1],
            "2026-04-01,2026-06-30,TALKING_THERAPIES,GP_PRESCRIPTION,40,30,10,"
            "*,10,10,0,0,0.333,*");
  // Undefined rates (no quit dates): empty; zero counts: 0.
  EXPECT_EQ(lines[2],
            "2026-04-01,2026-06-30,INPATIENT_MENTAL_HEALTH,NONE,15,0,0,0,0,0,"
            "0,0,,");
  EXPECT_EQ(lines[3],
            "2026-04-01,2026-06-30,total,total,55,30,10,5,0,0,0,0,0.333,0.500");
}

TEST(ReportRenderTest, OutcomeCsvWithoutBreakdownsIsTheTotalOnly) {
  v1::OutcomeReport report;
  report.mutable_header()->set_from("2026-04-01");
  report.mutable_header()->set_to("2026-04-30");
  v1::OutcomeReportRow* t = report.add_rows();
  t->set_period_start("2026-04-01");
  t->set_period_end("2026-04-30");
  t->set_total(true);
  *t->mutable_referrals_received() = Count(120);
  EXPECT_EQ(RenderOutcomeCsv(report),
            "period_start,period_end,referrals_received,quit_dates_set,"
            "quit_4wk_self_reported,quit_4wk_co_verified,not_quit_4wk,"
            "lost_to_follow_up_4wk,quit_12wk,quit_52wk,quit_rate_4wk,"
            "co_verified_share\r\n"
            "2026-04-01,2026-04-30,120,0,0,0,0,0,0,0,0.000,0.000\r\n");
}

TEST(ReportRenderTest, CsvQuotesOnlyWhatMustBeQuoted) {
  EXPECT_EQ(CsvField("Y90001"), "Y90001");
  EXPECT_EQ(CsvField("2026-27 Q1"), "2026-27 Q1");
  EXPECT_EQ(CsvField("Smith, Jones & Partners"), "\"Smith, Jones & Partners\"");
  EXPECT_EQ(CsvField("The \"Old\" Surgery"), "\"The \"\"Old\"\" Surgery\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField("cr\rhere"), "\"cr\rhere\"");
  EXPECT_EQ(CsvField(""), "");
  EXPECT_EQ(CsvLine({"a", "b,c", ""}), "a,\"b,c\",\r\n");
}

TEST(ReportRenderTest, CellsFollowTheDocumentedRules) {
  EXPECT_EQ(CountCell(Count(0)), "0");
  EXPECT_EQ(CountCell(Count(25)), "25");
  EXPECT_EQ(CountCell(Suppressed()), "*");
  EXPECT_EQ(CsvRateCell(Rate(0.12345)), "0.123");
  EXPECT_EQ(CsvRateCell(Rate(0.0005)), "0.001");
  EXPECT_EQ(CsvRateCell(Rate(1)), "1.000");
  EXPECT_EQ(TableRateCell(Rate(0.12345)), "12.3%");
  v1::ReportRate undefined;
  undefined.set_undefined(true);
  EXPECT_EQ(CsvRateCell(undefined), "");
  EXPECT_EQ(TableRateCell(undefined), "");
  v1::ReportRate withheld;
  withheld.set_suppressed(true);
  EXPECT_EQ(CsvRateCell(withheld), "*");
  EXPECT_EQ(TableRateCell(withheld), "*");
}

TEST(ReportRenderTest, BreakdownNamesAreLowerCaseAndUnknownOnesListThem) {
  EXPECT_THAT(
      BreakdownNames(),
      ElementsAre("source", "smi", "diagnosis", "route", "product_kind",
                  "gp_practice", "pharmacy", "service", "icb", "quarter"));
  auto parsed = ParseBreakdown("by", "product_kind");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, v1::REPORT_BREAKDOWN_PRODUCT_KIND);
  auto bad = ParseBreakdown("by", "ccg");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(),
              AllOf(HasSubstr("--by: unknown breakdown \"ccg\""),
                    HasSubstr("source, smi, diagnosis, route, product_kind, "
                              "gp_practice, pharmacy, service, icb, quarter")));
  EXPECT_FALSE(ParseBreakdown("by", "REPORT_BREAKDOWN_SOURCE").ok());
  EXPECT_FALSE(ParseBreakdown("by", "unspecified").ok());
}

TEST(ReportRenderTest, OutcomeTableShowsHeaderWordsAndTotal) {
  const std::string table = RenderOutcomeTable(SampleOutcomes());
  EXPECT_THAT(
      table,
      AllOf(HasSubstr("Outcome return 2026-04-01 to 2026-06-30\n"),
            HasSubstr("Scope: ICB QE1 (3 organisations)\n"),
            HasSubstr("Disclosure: counts 1 to 7 shown as *"),
            HasSubstr("As of: 2026-12-01"), HasSubstr("NHS Talking Therapies"),
            HasSubstr("QUIT RATE"), HasSubstr("33.3%")));
  std::vector<std::string> lines = absl::StrSplit(table, '\n');
  // Header row, two rows, the total, then the trailing empty string.
  ASSERT_GE(lines.size(), 5u);
  const std::string& header = lines[lines.size() - 5];
  EXPECT_TRUE(absl::StartsWith(header, "SOURCE")) << header;
  EXPECT_THAT(header, AllOf(HasSubstr("ROUTE"), HasSubstr("RECEIVED"),
                            Not(HasSubstr("PERIOD"))));
  const std::string& total = lines[lines.size() - 2];
  EXPECT_TRUE(absl::StartsWith(total, "Total ")) << total;
  EXPECT_THAT(total, AllOf(HasSubstr("55"), HasSubstr("50.0%")));
  // The suppressed count shows "*" in its column, aligned under the header.
  const std::string& first = lines[lines.size() - 4];
  EXPECT_EQ(first.substr(header.find("CO-VERIFIED"), 1), "*") << first;
}

TEST(ReportRenderTest, QuarterRowsShowTheirPeriodInTheTable) {
  v1::OutcomeReport report = SampleOutcomes();
  report.mutable_rows(0)->set_period_end("2026-05-31");
  EXPECT_THAT(RenderOutcomeTable(report),
              AllOf(HasSubstr("PERIOD"), HasSubstr("2026-04-01..2026-05-31")));
}

v1::PathwayReport SamplePathway() {
  v1::PathwayReport report;
  v1::ReportHeader* h = report.mutable_header();
  h->set_from("2026-04-01");
  h->set_to("2026-06-30");
  h->add_by(v1::REPORT_BREAKDOWN_GP_PRACTICE);
  v1::PathwayReportRow* row = report.add_rows();
  row->set_period_start("2026-04-01");
  row->set_period_end("2026-06-30");
  v1::ReportDimension* d = row->add_dimensions();
  d->set_breakdown(v1::REPORT_BREAKDOWN_GP_PRACTICE);
  d->set_value("Y90001");
  d->set_display("Smith, Jones & Partners");
  *row->mutable_requests() = Count(20);
  v1::StatusCount* s = row->add_by_status();
  s->set_status(v1::PRESCRIPTION_STATUS_DISPENSED);
  *s->mutable_count() = Count(10);
  s = row->add_by_status();
  s->set_status(v1::PRESCRIPTION_STATUS_DECLINED);
  *s->mutable_count() = Count(10);
  *row->mutable_to_acknowledgement()->mutable_reached() = Count(20);
  row->mutable_to_acknowledgement()->set_median_working_days(1);
  row->mutable_to_acknowledgement()->set_p90_working_days(3);
  *row->mutable_to_prescription_or_supply()->mutable_reached() = Suppressed();
  *row->mutable_gp_decided() = Count(20);
  *row->mutable_gp_declined() = Count(10);
  *row->mutable_gp_decline_rate() = Rate(0.5);
  row->mutable_not_supplied_rate()->set_undefined(true);
  *row->mutable_went_overdue() = Count(5);
  v1::ReasonCount* reason = row->add_decline_reasons();
  reason->set_code("WANTS_TO_SEE_PATIENT");
  reason->set_display("Wants to see the patient, first");
  *reason->mutable_count() = Count(10);

  v1::PathwayReportRow* total = report.add_rows();
  *total = *row;
  total->set_total(true);
  total->clear_dimensions();

  v1::OrganisationCount* o = report.add_overdue_by_organisation();
  o->set_ods_code("Y90001");
  o->set_display("Smith, Jones & Partners");
  *o->mutable_count() = Count(5);
  o = report.add_dead_letters_by_destination();
  o->set_ods_code("RX9");
  o->set_display("Riverside \"Mental Health\" Trust");
  *o->mutable_count() = Suppressed();
  return report;
}

TEST(ReportRenderTest, PathwayCsvHasEveryStatusColumnAndTheStats) {
  std::vector<std::string> lines =
      Lines(RenderPathwayCsv(SamplePathway(), PathwaySection::kRows));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0],
            "period_start,period_end,gp_practice,requests,status_recommended,"
            "status_sent,status_acknowledged,status_prescribed,status_declined,"
            "status_appointment_required,status_dispensed,status_supplied,"
            "status_not_supplied,status_cancelled,status_expired,"
            "to_acknowledgement_reached,to_acknowledgement_median_wd,"
            "to_acknowledgement_p90_wd,to_prescription_or_supply_reached,"
            "to_prescription_or_supply_median_wd,"
            "to_prescription_or_supply_p90_wd,to_dispense_reached,"
            "to_dispense_median_wd,to_dispense_p90_wd,gp_decided,gp_declined,"
            "gp_decline_rate,pharmacy_decided,not_supplied,not_supplied_rate,"
            "went_overdue");
  // Absent statuses 0; withheld percentiles "*"; nothing reached: empty.
  EXPECT_EQ(lines[1],
            "2026-04-01,2026-06-30,Y90001,20,0,0,0,0,10,0,10,0,0,0,0,20,1,3,*,"
            "*,*,0,,,20,10,0.500,0,0,,5");
  EXPECT_TRUE(absl::StartsWith(lines[2], "2026-04-01,2026-06-30,total,20,"));
  EXPECT_EQ(PathwayCsvColumns({}, PathwaySection::kRows).size(), 30u);
}

TEST(ReportRenderTest, PathwayCsvSectionsQuoteDisplayText) {
  EXPECT_EQ(RenderPathwayCsv(SamplePathway(), PathwaySection::kOverdue),
            "ods_code,display,went_overdue\r\n"
            "Y90001,\"Smith, Jones & Partners\",5\r\n");
  EXPECT_EQ(RenderPathwayCsv(SamplePathway(), PathwaySection::kDeadLetters),
            "ods_code,display,dead_letters\r\n"
            "RX9,\"Riverside \"\"Mental Health\"\" Trust\",*\r\n");
  EXPECT_EQ(
      RenderPathwayCsv(SamplePathway(), PathwaySection::kDeclineReasons),
      "period_start,period_end,gp_practice,reason_code,reason_display,count\r\n"
      "2026-04-01,2026-06-30,Y90001,WANTS_TO_SEE_PATIENT,"
      "\"Wants to see the patient, first\",10\r\n"
      "2026-04-01,2026-06-30,total,WANTS_TO_SEE_PATIENT,"
      "\"Wants to see the patient, first\",10\r\n");
  EXPECT_EQ(
      RenderPathwayCsv(SamplePathway(), PathwaySection::kNotSuppliedReasons),
      "period_start,period_end,gp_practice,reason_code,reason_display,"
      "count\r\n");
  EXPECT_FALSE(ParsePathwaySection("reasons").ok());
  EXPECT_THAT(ParsePathwaySection("reasons").status().message(),
              HasSubstr("rows, decline_reasons, not_supplied_reasons, "
                        "overdue, dead_letters"));
}

TEST(ReportRenderTest, PathwayTableShowsStepsStatusesReasonsAndHotSpots) {
  const std::string table = RenderPathwayTable(SamplePathway());
  EXPECT_THAT(table,
              AllOf(HasSubstr("Pathway performance 2026-04-01 to 2026-06-30"),
                    HasSubstr("GP PRACTICE"), HasSubstr("Y90001 Smith, Jones"),
                    HasSubstr("1 / 3 (20)"), HasSubstr("* / * (*)"),
                    HasSubstr("- (0)"), HasSubstr("10 of 20"),
                    HasSubstr("50.0%"), HasSubstr("Requests by status now"),
                    HasSubstr("DECLINED"), HasSubstr("DISPENSED"),
                    Not(HasSubstr("EXPIRED")), HasSubstr("GP decline reasons"),
                    HasSubstr("Wants to see the patient, first"),
                    HasSubstr("Went overdue, by the organisation waited on"),
                    HasSubstr("Dead letters by destination"),
                    HasSubstr("Riverside \"Mental Health\" Trust")));
  EXPECT_THAT(table, HasSubstr("Pharmacy not-supplied reasons (all requests)\n"
                               "  none\n"));
}

TEST(ReportRenderTest, LongDisplayNamesAreCutInTables) {
  v1::PathwayReport report = SamplePathway();
  report.mutable_overdue_by_organisation(0)->set_display(std::string(80, 'x'));
  const std::string table = RenderPathwayTable(report);
  EXPECT_THAT(table, Not(HasSubstr(std::string(40, 'x'))));
  EXPECT_THAT(table, HasSubstr("\u2026"));
}

}  // namespace
}  // namespace nhs::tobacco::cli
