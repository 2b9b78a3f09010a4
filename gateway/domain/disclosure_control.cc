#include "gateway/domain/disclosure_control.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace nhs::tobacco::domain {

int DisclosureTable::Add(int64_t value) {
  Cell cell;
  cell.value = value;
  cell.published = value;
  cells_.push_back(cell);
  return static_cast<int>(cells_.size()) - 1;
}

void DisclosureTable::AddLine(int total, std::vector<int> parts) {
  if (parts.empty()) return;
  std::vector<int> line;
  line.reserve(parts.size() + 1);
  line.push_back(total);
  line.insert(line.end(), parts.begin(), parts.end());
  lines_.push_back(std::move(line));
}

void DisclosureTable::Apply(const v1::ReportingConfig& config) {
  const int64_t up_to = config.suppress_up_to();
  for (Cell& c : cells_) {
    if (c.value >= 1 && c.value <= up_to) {
      c.suppressed = true;
      c.published = 0;
    }
  }
  if (config.secondary() == v1::ReportingConfig::SECONDARY_SUPPRESSION) {
    SuppressSecondary();
    return;
  }
  const int base = config.rounding_base() > 0 ? config.rounding_base() : 1;
  for (Cell& c : cells_) {
    if (c.suppressed || c.value == 0 || base == 1) continue;
    c.published = RoundToBase(c.value, base);
    c.rounded = true;
  }
  GuardRounding(up_to, base);
}

DisclosureTable::Range DisclosureTable::Known(const Cell& c, int64_t up_to,
                                              int base) const {
  if (c.suppressed) return {0, kUnbounded};
  if (!c.rounded) return {c.published, c.published};
  // Half up: v rounds to r for r - floor(base/2) <= v < r + base/2; and a
  // rounded count is above the suppression threshold.
  return {std::max(c.published - base / 2, up_to + 1),
          c.published + (base + 1) / 2 - 1};
}

void DisclosureTable::GuardRounding(int64_t up_to, int base) {
  // Rounding alone is not always enough: when a line's only withheld cell
  // sits beside a total and parts that all lie at the edges of their
  // rounding intervals (1 + 8 + 8 = 17, published * + 10 + 10 = 15), the
  // published figures leave it one possible value. Such a line has one
  // more cell withheld, as secondary suppression would, to a fixed point.
  bool changed = true;
  while (changed) {
    changed = false;
    for (const std::vector<int>& line : lines_) {
      if (cells_[line[0]].suppressed) continue;  // no published total
      int withheld = -1;
      int count = 0;
      for (size_t i = 1; i < line.size(); ++i) {
        if (cells_[line[i]].suppressed) {
          withheld = line[i];
          ++count;
        }
      }
      if (count != 1 || cells_[withheld].value > up_to) continue;
      Range total = Known(cells_[line[0]], up_to, base);
      int64_t lo = total.lo;
      int64_t hi = total.hi;
      for (size_t i = 1; i < line.size(); ++i) {
        if (line[i] == withheld) continue;
        Range r = Known(cells_[line[i]], up_to, base);
        lo -= r.hi;
        hi -= r.lo;
      }
      if (std::min(hi, up_to) - std::max<int64_t>(lo, 1) + 1 >= 2) continue;
      Withhold(PickComplement(line));
      changed = true;
    }
  }
}

int DisclosureTable::PickComplement(const std::vector<int>& line) const {
  // The one that costs the reader least: the smallest non-zero part, else
  // the total, else a zero part.
  int pick = -1;
  for (size_t i = 1; i < line.size(); ++i) {
    const Cell& c = cells_[line[i]];
    if (c.suppressed || c.value == 0) continue;
    if (pick < 0 || c.value < cells_[pick].value) pick = line[i];
  }
  if (pick < 0 && !cells_[line[0]].suppressed) pick = line[0];
  if (pick < 0) {
    for (size_t i = 1; i < line.size(); ++i) {
      if (!cells_[line[i]].suppressed) return line[i];
    }
  }
  return pick;
}

void DisclosureTable::Withhold(int id) {
  if (id < 0) return;
  cells_[id].suppressed = true;
  cells_[id].rounded = false;
  cells_[id].published = 0;
}

void DisclosureTable::SuppressSecondary() {
  // A line with exactly one withheld cell gives it away (total minus the
  // rest). Withhold one more of its cells (PickComplement). Withholding only
  // ever grows, so this reaches a fixed point.
  bool changed = true;
  while (changed) {
    changed = false;
    for (const std::vector<int>& line : lines_) {
      int withheld = 0;
      for (int id : line) withheld += cells_[id].suppressed ? 1 : 0;
      if (withheld != 1) continue;
      int pick = PickComplement(line);
      if (pick < 0) continue;  // cannot happen: a line has two cells
      Withhold(pick);
      changed = true;
    }
  }
}

void AddColumnLines(DisclosureTable& table,
                    const std::vector<std::map<std::string, int>>& rows,
                    const std::map<std::string, int>& total) {
  for (const auto& [column, total_cell] : total) {
    std::vector<int> parts;
    for (const auto& row : rows) {
      auto it = row.find(column);
      if (it != row.end()) parts.push_back(it->second);
    }
    table.AddLine(total_cell, std::move(parts));
  }
}

int64_t RoundToBase(int64_t value, int base) {
  if (base <= 1) return value;
  return (2 * value + base) / (2 * static_cast<int64_t>(base)) * base;
}

double PublishedRate(double rate) { return std::round(rate * 1000.0) / 1000.0; }

void PublishCount(const DisclosureTable::Cell& cell, v1::ReportCount* out) {
  out->set_value(cell.suppressed ? 0 : cell.published);
  out->set_suppressed(cell.suppressed);
  out->set_rounded(cell.rounded && !cell.suppressed);
}

void PublishRate(const DisclosureTable::Cell& numerator,
                 const DisclosureTable::Cell& denominator, bool controlled,
                 v1::ReportRate* out) {
  out->Clear();
  if (numerator.suppressed || denominator.suppressed) {
    out->set_suppressed(true);
    return;
  }
  if (denominator.value == 0) {
    out->set_undefined(true);
    return;
  }
  // A controlled rate is computed from the published counts: one from the
  // exact counts would pin a rounded pair (10 of 20 at 0.474 is 9 of 19),
  // and through the totals a withheld cell.
  const int64_t num = controlled ? numerator.published : numerator.value;
  const int64_t den = controlled ? denominator.published : denominator.value;
  if (den == 0) {
    out->set_undefined(true);
    return;
  }
  double rate = static_cast<double>(num) / static_cast<double>(den);
  out->set_value(controlled ? PublishedRate(rate) : rate);
}

}  // namespace nhs::tobacco::domain
