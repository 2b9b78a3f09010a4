#include "gateway/cli/table.h"

#include "gtest/gtest.h"

namespace nhs::tobacco::cli {
namespace {

TEST(TableTest, ColumnsArePaddedToTheWidestCell) {
  Table table({"ID", "STATUS"});
  table.AddRow({"P-1", "SENT"});
  table.AddRow({"P-1000", "ACKNOWLEDGED"});
  EXPECT_EQ(table.Render(),
            "ID      STATUS\n"
            "P-1     SENT\n"
            "P-1000  ACKNOWLEDGED\n");
}

TEST(TableTest, LastColumnHasNoTrailingSpaces) {
  Table table({"A", "B"});
  table.AddRow({"x", ""});
  table.AddRow({"y", "long value"});
  EXPECT_EQ(table.Render(),
            "A  B\n"
            "x\n"
            "y  long value\n");
}

TEST(TableTest, ShortRowsArePaddedWithEmptyCells) {
  Table table({"A", "B", "C"});
  table.AddRow({"1"});
  table.AddRow({"2", "two", "deux"});
  EXPECT_EQ(table.Render(),
            "A  B    C\n"
            "1\n"
            "2  two  deux\n");
}

TEST(TableTest, WidthCountsCharactersNotBytes) {
  Table table({"NAME", "X"});
  table.AddRow({"Siân", "1"});  // 'â' is two bytes in UTF-8.
  table.AddRow({"Owen", "2"});
  EXPECT_EQ(table.Render(),
            "NAME  X\n"
            "Siân  1\n"
            "Owen  2\n");
}

TEST(TableTest, NoHeadersRendersRowsOnly) {
  Table table({});
  table.AddRow({"Status", "SENT"});
  table.AddRow({"Route", "GP_PRESCRIPTION"});
  EXPECT_EQ(table.Render(),
            "Status  SENT\n"
            "Route   GP_PRESCRIPTION\n");
}

TEST(TableTest, EmptyTableWithHeadersRendersHeaderLine) {
  Table table({"ID", "STATUS"});
  EXPECT_TRUE(table.empty());
  EXPECT_EQ(table.Render(), "ID  STATUS\n");
}

TEST(FitCellTest, ShortTextIsKept) {
  EXPECT_EQ(FitCell("connection refused", 48), "connection refused");
}

TEST(FitCellTest, LineBreaksAndTabsBecomeSpaces) {
  EXPECT_EQ(FitCell("AE\r\nERR\t207", 48), "AE  ERR 207");
}

TEST(FitCellTest, LongTextIsCutToTheWidthEndingInAnEllipsis) {
  EXPECT_EQ(FitCell("abcdefghij", 5), "abcd\u2026");
}

TEST(FitCellTest, CutCountsCharactersAndNeverSplitsOne) {
  // Each 'â' is two bytes; a byte cut would leave half of one.
  EXPECT_EQ(FitCell("âââââ", 3), "ââ\u2026");
  Table table({"X"});
  table.AddRow({FitCell("âââââ", 3)});
  table.AddRow({"abc"});
  EXPECT_EQ(table.Render(), "X\nââ\u2026\nabc\n");
}

}  // namespace
}  // namespace nhs::tobacco::cli
