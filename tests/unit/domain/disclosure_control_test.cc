// Disclosure control on its own table (issue 14).
#include "gateway/domain/disclosure_control.h"

#include "gateway/domain/report_builders.h"
#include "gtest/gtest.h"

namespace nhs::tobacco::domain {
namespace {

v1::ReportingConfig Rounding() { return ReportingDefaults({}); }

v1::ReportingConfig Suppression() {
  v1::ReportingConfig c;
  c.set_secondary(v1::ReportingConfig::SECONDARY_SUPPRESSION);
  return ReportingDefaults(c);
}

TEST(DisclosureControlTest, DefaultsAreSevenRoundingFive) {
  v1::ReportingConfig c = ReportingDefaults({});
  EXPECT_EQ(c.suppress_up_to(), 7);
  EXPECT_EQ(c.secondary(), v1::ReportingConfig::SECONDARY_ROUNDING);
  EXPECT_EQ(c.rounding_base(), 5);
}

TEST(DisclosureControlTest, PrimarySuppressionAndRounding) {
  DisclosureTable t;
  int zero = t.Add(0), one = t.Add(1), seven = t.Add(7), eight = t.Add(8),
      twelve = t.Add(12), thirteen = t.Add(13), big = t.Add(1002);
  t.Apply(Rounding());
  EXPECT_FALSE(t.cell(zero).suppressed);
  EXPECT_FALSE(t.cell(zero).rounded);
  EXPECT_EQ(t.cell(zero).published, 0);
  EXPECT_TRUE(t.cell(one).suppressed);
  EXPECT_EQ(t.cell(one).published, 0);
  EXPECT_TRUE(t.cell(seven).suppressed);
  EXPECT_FALSE(t.cell(eight).suppressed);
  EXPECT_TRUE(t.cell(eight).rounded);
  EXPECT_EQ(t.cell(eight).published, 10);
  EXPECT_EQ(t.cell(twelve).published, 10);
  EXPECT_EQ(t.cell(thirteen).published, 15);
  EXPECT_EQ(t.cell(big).published, 1000);
}

TEST(DisclosureControlTest, RoundsHalfUp) {
  EXPECT_EQ(RoundToBase(12, 5), 10);
  EXPECT_EQ(RoundToBase(13, 5), 15);
  EXPECT_EQ(RoundToBase(15, 10), 20);
  EXPECT_EQ(RoundToBase(14, 10), 10);
  EXPECT_EQ(RoundToBase(14, 1), 14);
}

TEST(DisclosureControlTest, ConfiguredThresholdAndBase) {
  v1::ReportingConfig c;
  c.set_suppress_up_to(10);
  c.set_rounding_base(10);
  DisclosureTable t;
  int ten = t.Add(10), eleven = t.Add(11), fifteen = t.Add(15);
  t.Apply(ReportingDefaults(c));
  EXPECT_TRUE(t.cell(ten).suppressed);
  EXPECT_EQ(t.cell(eleven).published, 10);
  EXPECT_EQ(t.cell(fifteen).published, 20);
}

TEST(DisclosureControlTest, RoundingWithholdsMoreWhereEdgesPinACount) {
  // 17 = 1 + 8 + 8 publishes as 15 = * + 10 + 10: the total is at most 17
  // and the parts at least 8 each, so the withheld cell is at most 1. One
  // more cell is withheld (the smallest other part).
  DisclosureTable t;
  int one = t.Add(1), a = t.Add(8), b = t.Add(8), total = t.Add(17);
  t.AddLine(total, {one, a, b});
  t.Apply(Rounding());
  EXPECT_TRUE(t.cell(one).suppressed);
  EXPECT_EQ(t.cell(a).suppressed + t.cell(b).suppressed, 1);
  EXPECT_FALSE(t.cell(total).suppressed);
  EXPECT_EQ(t.cell(total).published, 15);

  // 12 = 2 + 10 publishes as 10 = * + 10, which leaves the withheld cell
  // anything from 1 to 4: rounding alone is enough.
  DisclosureTable u;
  int two = u.Add(2), ten = u.Add(10), twelve = u.Add(12);
  u.AddLine(twelve, {two, ten});
  u.Apply(Rounding());
  EXPECT_FALSE(u.cell(ten).suppressed);
  EXPECT_EQ(u.cell(ten).published, 10);
  EXPECT_EQ(u.cell(twelve).published, 10);
}

TEST(DisclosureControlTest, SecondarySuppressionKeepsCountsExact) {
  DisclosureTable t;
  int a = t.Add(3), b = t.Add(20), c = t.Add(30), total = t.Add(53);
  t.AddLine(total, {a, b, c});
  t.Apply(Suppression());
  EXPECT_TRUE(t.cell(a).suppressed);
  // The smallest other part is withheld with it; the rest stay exact.
  EXPECT_TRUE(t.cell(b).suppressed);
  EXPECT_FALSE(t.cell(c).suppressed);
  EXPECT_FALSE(t.cell(c).rounded);
  EXPECT_EQ(t.cell(c).published, 30);
  EXPECT_FALSE(t.cell(total).suppressed);
  EXPECT_EQ(t.cell(total).published, 53);
}

TEST(DisclosureControlTest, SecondarySuppressionReachesAFixedPoint) {
  // A 2x2 table with row, column and grand totals:
  //   a=3  b=10 | 13
  //   c=20 d=30 | 50
  //   23   40   | 63
  DisclosureTable t;
  int a = t.Add(3), b = t.Add(10), c = t.Add(20), d = t.Add(30);
  int r1 = t.Add(13), r2 = t.Add(50), c1 = t.Add(23), c2 = t.Add(40),
      g = t.Add(63);
  t.AddLine(r1, {a, b});
  t.AddLine(r2, {c, d});
  t.AddLine(c1, {a, c});
  t.AddLine(c2, {b, d});
  t.AddLine(g, {c1, c2});
  t.Apply(Suppression());
  for (int id : {a, b, c, d}) EXPECT_TRUE(t.cell(id).suppressed) << id;
  for (int id : {r1, r2, c1, c2, g}) EXPECT_FALSE(t.cell(id).suppressed) << id;
  for (const auto& line : t.lines()) {
    int withheld = 0;
    for (int id : line) withheld += t.cell(id).suppressed ? 1 : 0;
    EXPECT_NE(withheld, 1);
  }
}

TEST(DisclosureControlTest, SecondarySuppressionLeavesLinesWithTwoAlone) {
  // 10 = 3 + 0 + 7: both non-zero parts are small, so the line already has
  // two withheld cells; the zero and the total stay published.
  DisclosureTable t;
  int small = t.Add(3), zero = t.Add(0), other = t.Add(7), total = t.Add(10);
  t.AddLine(total, {small, zero, other});
  t.Apply(Suppression());
  EXPECT_TRUE(t.cell(small).suppressed);
  EXPECT_TRUE(t.cell(other).suppressed);
  EXPECT_FALSE(t.cell(zero).suppressed);
  EXPECT_FALSE(t.cell(total).suppressed);
}

TEST(DisclosureControlTest, SecondarySuppressionPrefersNonZeroCells) {
  // With no non-zero part left to withhold, the total goes before a zero
  // (a withheld zero tells the reader little it could not guess).
  DisclosureTable t;
  int small = t.Add(2), zero = t.Add(0), total = t.Add(8);
  t.AddLine(total, {small, zero});
  t.Apply(Suppression());
  EXPECT_TRUE(t.cell(total).suppressed);
  EXPECT_FALSE(t.cell(zero).suppressed);
}

TEST(DisclosureControlTest, RatesFromSuppressedCountsAreSuppressed) {
  DisclosureTable t;
  int five = t.Add(5), twenty = t.Add(20), zero = t.Add(0), ten = t.Add(10),
      thirty = t.Add(30);
  t.Apply(Rounding());
  v1::ReportRate r;
  PublishRate(t.cell(five), t.cell(twenty), true, &r);
  EXPECT_TRUE(r.suppressed());
  PublishRate(t.cell(twenty), t.cell(five), true, &r);
  EXPECT_TRUE(r.suppressed());
  PublishRate(t.cell(ten), t.cell(zero), true, &r);
  EXPECT_TRUE(r.undefined());
  EXPECT_FALSE(r.suppressed());
  // From the exact counts, to 3 decimals: 20/30 = 0.667.
  PublishRate(t.cell(twenty), t.cell(thirty), true, &r);
  EXPECT_DOUBLE_EQ(r.value(), 0.667);
  PublishRate(t.cell(twenty), t.cell(thirty), false, &r);
  EXPECT_DOUBLE_EQ(r.value(), 20.0 / 30.0);
}

TEST(DisclosureControlTest, PublishedCountFields) {
  DisclosureTable t;
  int three = t.Add(3), twelve = t.Add(12), zero = t.Add(0);
  t.Apply(Rounding());
  v1::ReportCount c;
  PublishCount(t.cell(three), &c);
  EXPECT_TRUE(c.suppressed());
  EXPECT_EQ(c.value(), 0);
  PublishCount(t.cell(twelve), &c);
  EXPECT_TRUE(c.rounded());
  EXPECT_EQ(c.value(), 10);
  PublishCount(t.cell(zero), &c);
  EXPECT_FALSE(c.rounded());
  EXPECT_FALSE(c.suppressed());
  EXPECT_EQ(c.value(), 0);
}

}  // namespace
}  // namespace nhs::tobacco::domain
