// The differencing test (issue 14): exports built from randomised fact sets
// under both secondary modes; no withheld small count can be derived from
// the published cells and the totals they add up to.
//
// The test reads only the exports (and, to know the truth, the exact report
// of the same facts), and finds the lines a reader knows add up on its own:
// every column of the rows against the total row; within a pathway row the
// statuses against the requests, the reasons against their decisions, the
// GP statuses against the GP decisions; the overdue hot spots against the
// total's went_overdue.
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gateway/domain/deadline_policy.h"
#include "gateway/domain/disclosure_control.h"
#include "gateway/domain/london_day.h"
#include "gateway/domain/report_builders.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::domain {
namespace {

constexpr int kSeeds = 400;

struct Cell {
  int64_t exact = 0;
  v1::ReportCount published;
  std::string name;
};
// The total first, then the parts.
using Line = std::vector<Cell>;

Cell Make(const v1::ReportCount& exact, const v1::ReportCount& published,
          std::string name) {
  return Cell{exact.value(), published, std::move(name)};
}

// What a reader knows of one cell's value from its published form.
struct Range {
  int64_t lo;
  int64_t hi;
};
constexpr int64_t kUnbounded = int64_t{1} << 40;

Range Known(const Cell& c, const v1::ReportingConfig& config) {
  const int64_t k = config.suppress_up_to();
  const int64_t base = config.rounding_base();
  // A withheld cell is not published: the reader knows nothing of it.
  if (c.published.suppressed()) return {0, kUnbounded};
  if (c.published.rounded()) {
    int64_t r = c.published.value();
    // Half up: v rounds to r for r - floor(base/2) <= v < r + base/2; and
    // a rounded count is above the threshold.
    return {std::max(r - base / 2, k + 1), r + (base + 1) / 2 - 1};
  }
  return {c.published.value(), c.published.value()};
}

// For every withheld small cell of the line: the values it can take given
// the published total and the other published cells, within 1..k.
void CheckRoundingLine(const Line& line, const v1::ReportingConfig& config,
                       const std::string& where) {
  const int64_t k = config.suppress_up_to();
  for (size_t i = 0; i < line.size(); ++i) {
    const Cell& c = line[i];
    if (!c.published.suppressed() || c.exact > k) continue;
    int64_t lo = 0;
    int64_t hi = 0;
    if (i == 0) {
      for (size_t j = 1; j < line.size(); ++j) {
        Range r = Known(line[j], config);
        lo += r.lo;
        hi = std::min(kUnbounded, hi + r.hi);
      }
    } else if (line[0].published.suppressed()) {
      continue;  // no published total to subtract from
    } else {
      Range t = Known(line[0], config);
      lo = t.lo;
      hi = t.hi;
      for (size_t j = 1; j < line.size(); ++j) {
        if (j == i) continue;
        Range r = Known(line[j], config);
        lo -= std::min(r.hi, kUnbounded);
        hi -= r.lo;
      }
    }
    int64_t from = std::max<int64_t>(lo, 1);
    int64_t to = std::min<int64_t>(hi, k);
    EXPECT_GE(to - from + 1, 2)
        << where << ": withheld " << c.name << " (" << c.exact
        << ") is pinned to " << from << ".." << to << " by its line of "
        << line.size() << " cells, total " << line[0].name;
  }
}

void CheckSuppressionLine(const Line& line, const std::string& where) {
  int withheld = 0;
  for (const Cell& c : line) withheld += c.published.suppressed() ? 1 : 0;
  EXPECT_NE(withheld, 1) << where << ": the only withheld cell of the line "
                         << "of total " << line[0].name
                         << " is the total minus the rest";
}

// Every cell on its own: small counts withheld, others exact or rounded.
void CheckCell(const Cell& c, const v1::ReportingConfig& config,
               const std::string& where) {
  const int64_t k = config.suppress_up_to();
  if (c.exact >= 1 && c.exact <= k) {
    EXPECT_TRUE(c.published.suppressed()) << where << " " << c.name;
  }
  if (c.published.suppressed()) {
    EXPECT_EQ(c.published.value(), 0) << where << " " << c.name;
    return;
  }
  if (config.secondary() == v1::ReportingConfig::SECONDARY_SUPPRESSION) {
    EXPECT_EQ(c.published.value(), c.exact) << where << " " << c.name;
  } else {
    EXPECT_EQ(c.published.value(), RoundToBase(c.exact, config.rounding_base()))
        << where << " " << c.name;
  }
}

void CheckLines(const std::vector<Line>& lines,
                const v1::ReportingConfig& config, const std::string& where) {
  for (const Line& line : lines) {
    for (const Cell& c : line) CheckCell(c, config, where);
    if (config.secondary() == v1::ReportingConfig::SECONDARY_SUPPRESSION) {
      CheckSuppressionLine(line, where);
    } else {
      CheckRoundingLine(line, config, where);
    }
  }
}

void CheckRate(const v1::ReportRate& rate, const v1::ReportCount& num,
               const v1::ReportCount& den, const std::string& where) {
  if (num.suppressed() || den.suppressed()) {
    EXPECT_TRUE(rate.suppressed()) << where;
  } else {
    EXPECT_FALSE(rate.suppressed()) << where;
  }
}

// ---------------------------------------------------------------------------
// Random facts.

const v1::ReportBreakdown kBreakdowns[] = {
    v1::REPORT_BREAKDOWN_SOURCE,       v1::REPORT_BREAKDOWN_SMI,
    v1::REPORT_BREAKDOWN_DIAGNOSIS,    v1::REPORT_BREAKDOWN_ROUTE,
    v1::REPORT_BREAKDOWN_PRODUCT_KIND, v1::REPORT_BREAKDOWN_GP_PRACTICE,
    v1::REPORT_BREAKDOWN_PHARMACY,     v1::REPORT_BREAKDOWN_SERVICE,
    v1::REPORT_BREAKDOWN_ICB,          v1::REPORT_BREAKDOWN_QUARTER,
};

template <typename T>
const T& Pick(std::mt19937& rng, const std::vector<T>& v) {
  return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
}

bool Chance(std::mt19937& rng, double p) {
  return std::bernoulli_distribution(p)(rng);
}

ReportSubject RandomSubject(std::mt19937& rng) {
  ReportSubject s;
  s.source = Pick(rng, std::vector<v1::ReferralSource>{
                           v1::REFERRAL_SOURCE_TALKING_THERAPIES,
                           v1::REFERRAL_SOURCE_COMMUNITY_MENTAL_HEALTH,
                           v1::REFERRAL_SOURCE_GP});
  s.smi = Chance(rng, 0.4);
  s.diagnosis = Pick(rng, std::vector<v1::DiagnosisCategory>{
                              v1::DIAGNOSIS_CATEGORY_SCHIZOPHRENIA,
                              v1::DIAGNOSIS_CATEGORY_DEPRESSION,
                              v1::DIAGNOSIS_CATEGORY_UNSPECIFIED});
  s.gp_ods = Pick(rng, std::vector<std::string>{"A1", "A2", "A3", ""});
  s.service_ods = Pick(rng, std::vector<std::string>{"S1", "S2"});
  return s;
}

ReportSpec RandomSpec(std::mt19937& rng, v1::Disclosure disclosure,
                      const v1::ReportingConfig& reporting,
                      const DeadlinePolicy* calendar) {
  ReportSpec spec;
  spec.from = absl::CivilDay(2026, 1, 1);
  spec.to = absl::CivilDay(2026, 12, 31);
  spec.as_of = absl::CivilDay(2027, 1, 15);
  spec.disclosure = disclosure;
  spec.reporting = reporting;
  spec.follow_up.mutable_week_4()->set_max_days(42);
  spec.calendar = calendar;
  spec.icb_of = {{"A1", "QE1"}, {"A2", "QE1"}, {"A3", "QE2"}};
  int n = std::uniform_int_distribution<int>(0, 2)(rng);
  std::vector<v1::ReportBreakdown> pool(std::begin(kBreakdowns),
                                        std::end(kBreakdowns));
  std::shuffle(pool.begin(), pool.end(), rng);
  spec.by.assign(pool.begin(), pool.begin() + n);
  return spec;
}

absl::CivilDay RandomDay(std::mt19937& rng) {
  // A little either side of 2026.
  return absl::CivilDay(2025, 12, 1) +
         std::uniform_int_distribution<int>(0, 420)(rng);
}

std::vector<ReferralFacts> RandomReferrals(std::mt19937& rng) {
  std::vector<ReferralFacts> v;
  int n = std::uniform_int_distribution<int>(1, 90)(rng);
  const std::vector<v1::OutcomeStatus> outcomes = {
      v1::OUTCOME_STATUS_UNSPECIFIED,
      v1::OUTCOME_STATUS_QUIT_SELF_REPORTED,
      v1::OUTCOME_STATUS_QUIT_CO_VERIFIED,
      v1::OUTCOME_STATUS_NOT_QUIT,
      v1::OUTCOME_STATUS_RELAPSED,
      v1::OUTCOME_STATUS_LOST_TO_FOLLOW_UP};
  for (int i = 0; i < n; ++i) {
    ReferralFacts f;
    f.subject = RandomSubject(rng);
    f.received_on = RandomDay(rng);
    if (Chance(rng, 0.7)) {
      f.quit_date =
          f.received_on + std::uniform_int_distribution<int>(0, 40)(rng);
    }
    f.outcome_4wk = Pick(rng, outcomes);
    f.outcome_12wk = Pick(rng, outcomes);
    f.outcome_52wk = Pick(rng, outcomes);
    f.first_route =
        Pick(rng, std::vector<v1::Route>{v1::ROUTE_UNSPECIFIED,
                                         v1::ROUTE_GP_PRESCRIPTION,
                                         v1::ROUTE_PHARMACY_SUPPLY});
    if (f.first_route != v1::ROUTE_UNSPECIFIED) {
      f.first_product_kind =
          Pick(rng, std::vector<v1::ProductKind>{v1::PRODUCT_KIND_NRT,
                                                 v1::PRODUCT_KIND_VARENICLINE});
      f.first_pharmacy_ods =
          Pick(rng, std::vector<std::string>{"P1", "P2", ""});
    }
    v.push_back(std::move(f));
  }
  return v;
}

std::vector<PrescriptionFacts> RandomRequests(std::mt19937& rng) {
  std::vector<PrescriptionFacts> v;
  int n = std::uniform_int_distribution<int>(1, 120)(rng);
  for (int i = 0; i < n; ++i) {
    PrescriptionFacts f;
    f.subject = RandomSubject(rng);
    f.route = Pick(rng, std::vector<v1::Route>{v1::ROUTE_GP_PRESCRIPTION,
                                               v1::ROUTE_PHARMACY_SUPPLY,
                                               v1::ROUTE_SERVICE_SUPPLY});
    f.product_kind =
        Pick(rng, std::vector<v1::ProductKind>{v1::PRODUCT_KIND_NRT,
                                               v1::PRODUCT_KIND_VARENICLINE,
                                               v1::PRODUCT_KIND_VAPE});
    std::vector<v1::PrescriptionStatus> statuses;
    switch (f.route) {
      case v1::ROUTE_GP_PRESCRIPTION:
        f.target_ods = f.subject.gp_ods.empty() ? "A9" : f.subject.gp_ods;
        f.pharmacy_ods = Pick(rng, std::vector<std::string>{"P1", "P2", ""});
        statuses = {v1::PRESCRIPTION_STATUS_SENT,
                    v1::PRESCRIPTION_STATUS_ACKNOWLEDGED,
                    v1::PRESCRIPTION_STATUS_PRESCRIBED,
                    v1::PRESCRIPTION_STATUS_DECLINED,
                    v1::PRESCRIPTION_STATUS_DISPENSED,
                    v1::PRESCRIPTION_STATUS_EXPIRED};
        break;
      case v1::ROUTE_PHARMACY_SUPPLY:
        f.target_ods = Pick(rng, std::vector<std::string>{"P1", "P2"});
        f.pharmacy_ods = f.target_ods;
        statuses = {v1::PRESCRIPTION_STATUS_SENT,
                    v1::PRESCRIPTION_STATUS_ACKNOWLEDGED,
                    v1::PRESCRIPTION_STATUS_SUPPLIED,
                    v1::PRESCRIPTION_STATUS_NOT_SUPPLIED,
                    v1::PRESCRIPTION_STATUS_CANCELLED};
        break;
      default:
        f.target_ods = f.subject.service_ods;
        statuses = {v1::PRESCRIPTION_STATUS_RECOMMENDED,
                    v1::PRESCRIPTION_STATUS_SUPPLIED};
        break;
    }
    f.status = Pick(rng, statuses);
    if (f.status == v1::PRESCRIPTION_STATUS_DECLINED) {
      f.status_reason = Pick(rng, std::vector<std::string>{"R1", "R2", ""});
    }
    if (f.status == v1::PRESCRIPTION_STATUS_NOT_SUPPLIED) {
      f.status_reason = Pick(rng, std::vector<std::string>{"OOS", "X"});
    }
    f.recommended_at =
        absl::FromCivil(absl::CivilSecond(RandomDay(rng)), LondonZone()) +
        absl::Minutes(std::uniform_int_distribution<int>(0, 1439)(rng));
    auto later = [&] {
      return f.recommended_at +
             absl::Hours(std::uniform_int_distribution<int>(0, 240)(rng));
    };
    if (f.status != v1::PRESCRIPTION_STATUS_SENT &&
        f.status != v1::PRESCRIPTION_STATUS_RECOMMENDED && Chance(rng, 0.9)) {
      f.acknowledged_at = later();
    }
    if (f.status == v1::PRESCRIPTION_STATUS_PRESCRIBED ||
        f.status == v1::PRESCRIPTION_STATUS_DISPENSED ||
        f.status == v1::PRESCRIPTION_STATUS_SUPPLIED) {
      f.prescribed_or_supplied_at = later();
    }
    if (f.status == v1::PRESCRIPTION_STATUS_DISPENSED) f.dispensed_at = later();
    if (Chance(rng, 0.3)) f.first_overdue_waiting_on = f.target_ods;
    v.push_back(std::move(f));
  }
  return v;
}

// ---------------------------------------------------------------------------
// Lines of each export.

using OutcomeCount = const v1::ReportCount& (v1::OutcomeReportRow::*)() const;
const std::pair<OutcomeCount, const char*> kOutcomeColumns[] = {
    {&v1::OutcomeReportRow::referrals_received, "referrals_received"},
    {&v1::OutcomeReportRow::quit_dates_set, "quit_dates_set"},
    {&v1::OutcomeReportRow::quit_4wk_self_reported, "quit_4wk_self_reported"},
    {&v1::OutcomeReportRow::quit_4wk_co_verified, "quit_4wk_co_verified"},
    {&v1::OutcomeReportRow::not_quit_4wk, "not_quit_4wk"},
    {&v1::OutcomeReportRow::lost_to_follow_up_4wk, "lost_to_follow_up_4wk"},
    {&v1::OutcomeReportRow::quit_12wk, "quit_12wk"},
    {&v1::OutcomeReportRow::quit_52wk, "quit_52wk"},
};

std::vector<Line> OutcomeLines(const v1::OutcomeReport& exact,
                               const v1::OutcomeReport& controlled) {
  std::vector<Line> lines;
  const int n = controlled.rows_size();
  for (const auto& [column, name] : kOutcomeColumns) {
    Line line;
    line.push_back(Make((exact.rows(n - 1).*column)(),
                        (controlled.rows(n - 1).*column)(),
                        absl::StrCat("total ", name)));
    for (int r = 0; r + 1 < n; ++r) {
      line.push_back(Make((exact.rows(r).*column)(),
                          (controlled.rows(r).*column)(),
                          absl::StrCat("row ", r, " ", name)));
    }
    if (line.size() > 1) lines.push_back(std::move(line));
  }
  return lines;
}

// A pathway row's cells by column name.
std::map<std::string, Cell> PathwayCells(const v1::PathwayReportRow& e,
                                         const v1::PathwayReportRow& c,
                                         const std::string& row) {
  std::map<std::string, Cell> m;
  auto put = [&](const std::string& name, const v1::ReportCount& ec,
                 const v1::ReportCount& cc) {
    m[name] = Make(ec, cc, absl::StrCat(row, " ", name));
  };
  put("requests", e.requests(), c.requests());
  EXPECT_EQ(e.by_status_size(), c.by_status_size());
  for (int i = 0; i < c.by_status_size(); ++i) {
    put(absl::StrCat("status:", c.by_status(i).status()),
        e.by_status(i).count(), c.by_status(i).count());
  }
  put("reached:ack", e.to_acknowledgement().reached(),
      c.to_acknowledgement().reached());
  put("reached:rx", e.to_prescription_or_supply().reached(),
      c.to_prescription_or_supply().reached());
  put("reached:dispense", e.to_dispense().reached(), c.to_dispense().reached());
  put("gp_decided", e.gp_decided(), c.gp_decided());
  put("gp_declined", e.gp_declined(), c.gp_declined());
  for (int i = 0; i < c.decline_reasons_size(); ++i) {
    put("decline:" + c.decline_reasons(i).code(), e.decline_reasons(i).count(),
        c.decline_reasons(i).count());
  }
  put("pharmacy_decided", e.pharmacy_decided(), c.pharmacy_decided());
  put("not_supplied", e.not_supplied(), c.not_supplied());
  for (int i = 0; i < c.not_supplied_reasons_size(); ++i) {
    put("not_supplied:" + c.not_supplied_reasons(i).code(),
        e.not_supplied_reasons(i).count(), c.not_supplied_reasons(i).count());
  }
  put("went_overdue", e.went_overdue(), c.went_overdue());
  return m;
}

std::vector<Line> PathwayLines(const v1::PathwayReport& exact,
                               const v1::PathwayReport& controlled) {
  std::vector<Line> lines;
  const int n = controlled.rows_size();
  std::vector<std::map<std::string, Cell>> rows;
  for (int r = 0; r < n; ++r) {
    rows.push_back(
        PathwayCells(exact.rows(r), controlled.rows(r),
                     r + 1 == n ? "total" : absl::StrCat("row ", r)));
  }
  // Columns.
  for (const auto& [name, total] : rows.back()) {
    Line line = {total};
    for (int r = 0; r + 1 < n; ++r) {
      auto it = rows[r].find(name);
      if (it != rows[r].end()) line.push_back(it->second);
    }
    if (line.size() > 1) lines.push_back(std::move(line));
  }
  // Within each row.
  auto prefixed = [](const std::map<std::string, Cell>& m,
                     const std::string& prefix) {
    std::vector<Cell> out;
    for (const auto& [name, cell] : m) {
      if (name.rfind(prefix, 0) == 0) out.push_back(cell);
    }
    return out;
  };
  auto status = [](const std::map<std::string, Cell>& m,
                   v1::PrescriptionStatus s) -> std::vector<Cell> {
    auto it = m.find(absl::StrCat("status:", static_cast<int>(s)));
    if (it == m.end()) return {};
    return {it->second};
  };
  for (const auto& m : rows) {
    auto add = [&](const std::string& total, std::vector<Cell> parts) {
      if (parts.empty()) return;
      Line line = {m.at(total)};
      line.insert(line.end(), parts.begin(), parts.end());
      lines.push_back(std::move(line));
    };
    add("requests", prefixed(m, "status:"));
    add("gp_declined", prefixed(m, "decline:"));
    add("not_supplied", prefixed(m, "not_supplied:"));
    // In these fact sets only GP requests are prescribed, dispensed or
    // declined, and only pharmacy requests are not supplied.
    add("gp_declined", status(m, v1::PRESCRIPTION_STATUS_DECLINED));
    add("not_supplied", status(m, v1::PRESCRIPTION_STATUS_NOT_SUPPLIED));
    std::vector<Cell> gp;
    for (auto s :
         {v1::PRESCRIPTION_STATUS_PRESCRIBED, v1::PRESCRIPTION_STATUS_DISPENSED,
          v1::PRESCRIPTION_STATUS_DECLINED}) {
      for (const Cell& c : status(m, s)) gp.push_back(c);
    }
    add("gp_decided", gp);
  }
  // Hot spots against the total's went_overdue.
  std::map<std::string, int64_t> exact_overdue;
  for (const auto& o : exact.overdue_by_organisation()) {
    exact_overdue[o.ods_code()] = o.count().value();
  }
  Line overdue = {rows.back().at("went_overdue")};
  for (const auto& o : controlled.overdue_by_organisation()) {
    overdue.push_back(Cell{exact_overdue.at(o.ods_code()), o.count(),
                           "overdue " + o.ods_code()});
  }
  if (overdue.size() > 1) lines.push_back(std::move(overdue));
  return lines;
}

// ---------------------------------------------------------------------------

struct Mode {
  std::string name;
  v1::ReportingConfig::Secondary secondary;
  int suppress_up_to = 0;  // 0: the default
  int rounding_base = 0;
};

v1::ReportingConfig Config(const Mode& mode) {
  v1::ReportingConfig c;
  c.set_secondary(mode.secondary);
  c.set_suppress_up_to(mode.suppress_up_to);
  c.set_rounding_base(mode.rounding_base);
  return ReportingDefaults(c);
}

class DifferencingTest : public ::testing::TestWithParam<Mode> {};

TEST_P(DifferencingTest, OutcomeReturnRevealsNoSmallCount) {
  const v1::ReportingConfig config = Config(GetParam());
  int withheld = 0;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    std::mt19937 rng(seed);
    ReportSpec exact_spec =
        RandomSpec(rng, v1::DISCLOSURE_EXACT, config, nullptr);
    ReportSpec controlled_spec = exact_spec;
    controlled_spec.disclosure = v1::DISCLOSURE_CONTROLLED;
    std::vector<ReferralFacts> facts = RandomReferrals(rng);
    auto e = NewOutcomeReportBuilder(exact_spec);
    auto c = NewOutcomeReportBuilder(controlled_spec);
    for (const ReferralFacts& f : facts) {
      e->Add(f);
      c->Add(f);
    }
    v1::OutcomeReport exact = e->Finish();
    v1::OutcomeReport controlled = c->Finish();
    ASSERT_EQ(exact.rows_size(), controlled.rows_size());
    std::string where = absl::StrCat("outcomes seed ", seed);
    std::vector<Line> lines = OutcomeLines(exact, controlled);
    CheckLines(lines, config, where);
    for (const Line& line : lines) {
      for (const Cell& cell : line) withheld += cell.published.suppressed();
    }
    for (const auto& row : controlled.rows()) {
      CheckRate(row.quit_rate_4wk(), row.quit_4wk_self_reported(),
                row.quit_dates_set(), where);
      CheckRate(row.co_verified_share(), row.quit_4wk_co_verified(),
                row.quit_4wk_self_reported(), where);
    }
    if (HasFailure()) return;
  }
  // The fact sets are small enough that plenty is withheld.
  EXPECT_GT(withheld, kSeeds);
}

TEST_P(DifferencingTest, PathwayReportRevealsNoSmallCount) {
  const v1::ReportingConfig config = Config(GetParam());
  v1::DeadlineConfig deadlines;
  deadlines.add_bank_holidays("2026-08-31");
  auto calendar = DeadlinePolicy::FromConfig(deadlines);
  ASSERT_TRUE(calendar.ok());
  int withheld = 0;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    std::mt19937 rng(seed * 7919);
    ReportSpec exact_spec =
        RandomSpec(rng, v1::DISCLOSURE_EXACT, config, &*calendar);
    ReportSpec controlled_spec = exact_spec;
    controlled_spec.disclosure = v1::DISCLOSURE_CONTROLLED;
    std::vector<PrescriptionFacts> facts = RandomRequests(rng);
    auto e = NewPathwayReportBuilder(exact_spec);
    auto c = NewPathwayReportBuilder(controlled_spec);
    for (const PrescriptionFacts& f : facts) {
      e->Add(f);
      c->Add(f);
    }
    v1::PathwayReport exact = e->Finish();
    v1::PathwayReport controlled = c->Finish();
    ASSERT_EQ(exact.rows_size(), controlled.rows_size());
    std::string where = absl::StrCat("pathway seed ", seed);
    std::vector<Line> lines = PathwayLines(exact, controlled);
    CheckLines(lines, config, where);
    for (const Line& line : lines) {
      for (const Cell& cell : line) withheld += cell.published.suppressed();
    }
    for (const auto& row : controlled.rows()) {
      CheckRate(row.gp_decline_rate(), row.gp_declined(), row.gp_decided(),
                where);
      CheckRate(row.not_supplied_rate(), row.not_supplied(),
                row.pharmacy_decided(), where);
      for (const v1::WorkingDayStats* s :
           {&row.to_acknowledgement(), &row.to_prescription_or_supply(),
            &row.to_dispense()}) {
        if (s->reached().suppressed()) {
          EXPECT_FALSE(s->has_median_working_days()) << where;
          EXPECT_FALSE(s->has_p90_working_days()) << where;
        }
      }
    }
    if (HasFailure()) return;
  }
  EXPECT_GT(withheld, kSeeds);
}

// The defaults of both modes, and configured thresholds and bases.
INSTANTIATE_TEST_SUITE_P(
    BothSecondaryModes, DifferencingTest,
    ::testing::Values(Mode{"Rounding", v1::ReportingConfig::SECONDARY_ROUNDING},
                      Mode{"Suppression",
                           v1::ReportingConfig::SECONDARY_SUPPRESSION},
                      Mode{"RoundingTensUpTo10",
                           v1::ReportingConfig::SECONDARY_ROUNDING, 10, 10},
                      Mode{"RoundingThreesUpTo2",
                           v1::ReportingConfig::SECONDARY_ROUNDING, 2, 3},
                      Mode{"SuppressionUpTo3",
                           v1::ReportingConfig::SECONDARY_SUPPRESSION, 3}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace nhs::tobacco::domain
