#ifndef GATEWAY_DOMAIN_DISCLOSURE_CONTROL_H_
#define GATEWAY_DOMAIN_DISCLOSURE_CONTROL_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "nhs/tobacco/v1/config.pb.h"
#include "nhs/tobacco/v1/report.pb.h"

// Disclosure control of exported report figures (issue 14; README
// "Disclosure control"), as NHS statistics practise it, on a plain table
// of counts so it can be tested on its own:
// - primary suppression: counts 1..suppress_up_to are withheld; 0 is
//   published;
// - SECONDARY_ROUNDING: every other count is rounded to the nearest
//   rounding_base, half up; where a line's published total and cells would
//   still leave its one withheld small count a single possible value (the
//   cells at the edges of their rounding intervals), one more cell of the
//   line is withheld;
// - SECONDARY_SUPPRESSION: counts stay exact, and further cells are
//   withheld until no line (a published total and the cells that add up to
//   it) has exactly one withheld cell, to a fixed point.
namespace nhs::tobacco::domain {

class DisclosureTable {
 public:
  struct Cell {
    int64_t value = 0;  // exact
    int64_t published = 0;
    bool suppressed = false;
    bool rounded = false;
  };

  // A new cell holding the exact `value` (>= 0); returns its id.
  int Add(int64_t value);
  // `total` is the sum of `parts` (each a cell id): one line.
  void AddLine(int total, std::vector<int> parts);

  // Applies the rules of `config` (defaults applied: ReportingDefaults).
  void Apply(const v1::ReportingConfig& config);

  const Cell& cell(int id) const { return cells_[id]; }
  int size() const { return static_cast<int>(cells_.size()); }
  // Each line: total first, then the parts.
  const std::vector<std::vector<int>>& lines() const { return lines_; }

 private:
  // What a reader knows of a cell from its published form: a withheld cell
  // anything from 0; a rounded one its rounding interval above up_to.
  struct Range {
    int64_t lo;
    int64_t hi;
  };
  static constexpr int64_t kUnbounded = int64_t{1} << 40;
  Range Known(const Cell& c, int64_t up_to, int base) const;

  void SuppressSecondary();
  void GuardRounding(int64_t up_to, int base);
  // The cell of `line` to withhold beside one already withheld, or -1.
  int PickComplement(const std::vector<int>& line) const;
  void Withhold(int id);

  std::vector<Cell> cells_;
  std::vector<std::vector<int>> lines_;
};

// Column lines of a grid of report rows: for every column key of `total`,
// its cell against the same column's cells of `rows` (absent = 0).
void AddColumnLines(DisclosureTable& table,
                    const std::vector<std::map<std::string, int>>& rows,
                    const std::map<std::string, int>& total);

// `value` rounded to the nearest multiple of `base`, half up.
int64_t RoundToBase(int64_t value, int base);

// A fraction published to 0.1 percentage point: 3 decimals.
double PublishedRate(double rate);

// The count as published (EXACT when `table` is null: the exact value).
void PublishCount(const DisclosureTable::Cell& cell, v1::ReportCount* out);

// numerator / denominator: suppressed when either cell is, undefined when
// the denominator is 0, otherwise from the exact counts, or when
// `controlled` from the published ones (so a rate cannot pin a rounded
// count) to 3 decimals.
void PublishRate(const DisclosureTable::Cell& numerator,
                 const DisclosureTable::Cell& denominator, bool controlled,
                 v1::ReportRate* out);

}  // namespace nhs::tobacco::domain

#endif  // GATEWAY_DOMAIN_DISCLOSURE_CONTROL_H_
