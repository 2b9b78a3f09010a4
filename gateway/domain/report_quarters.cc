#include "gateway/domain/report_quarters.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace nhs::tobacco::domain {
namespace {

// Quarter q (1-4) of the financial year starting in April of `year`.
FinancialQuarter Make(int64_t year, int q) {
  // Q1 starts in April, Q4 in January of the next year.
  int64_t y = q == 4 ? year + 1 : year;
  int month = q == 4 ? 1 : 1 + 3 * q;
  absl::CivilDay first(y, month, 1);
  absl::CivilDay last =
      absl::CivilDay(absl::CivilMonth(first) + 3) - 1;  // end of month 3
  return FinancialQuarter{
      absl::StrFormat("%04d-%02d Q%d", year, (year + 1) % 100, q), first, last};
}

}  // namespace

FinancialQuarter FinancialQuarterOf(absl::CivilDay day) {
  int month = day.month();
  int64_t year = month >= 4 ? day.year() : day.year() - 1;
  int q = month >= 4 ? (month - 4) / 3 + 1 : 4;
  return Make(year, q);
}

std::optional<FinancialQuarter> ParseFinancialQuarter(absl::string_view label) {
  // "YYYY-YY QN"
  if (label.size() != 10 || label[4] != '-' || label[7] != ' ' ||
      label[8] != 'Q') {
    return std::nullopt;
  }
  int year = 0;
  int next = 0;
  int q = 0;
  if (!absl::SimpleAtoi(label.substr(0, 4), &year) ||
      !absl::SimpleAtoi(label.substr(5, 2), &next) ||
      !absl::SimpleAtoi(label.substr(9, 1), &q) || q < 1 || q > 4 ||
      next != (year + 1) % 100) {
    return std::nullopt;
  }
  return Make(year, q);
}

std::string QuarterDisplay(const FinancialQuarter& quarter) {
  static constexpr const char* kMonths[] = {
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  return absl::StrCat(kMonths[quarter.first.month() - 1], " to ",
                      kMonths[quarter.last.month() - 1], " ",
                      quarter.first.year());
}

}  // namespace nhs::tobacco::domain
