#include "gateway/domain/disclosure_control.h"

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
}

void DisclosureTable::SuppressSecondary() {
  // A line with exactly one withheld cell gives it away (total minus the
  // rest). Withhold one more of its cells, the one that costs the reader
  // least: the smallest non-zero part, else the total, else a zero part.
  // Withholding only ever grows, so this reaches a fixed point.
  bool changed = true;
  while (changed) {
    changed = false;
    for (const std::vector<int>& line : lines_) {
      int withheld = 0;
      for (int id : line) withheld += cells_[id].suppressed ? 1 : 0;
      if (withheld != 1) continue;
      int pick = -1;
      for (size_t i = 1; i < line.size(); ++i) {
        const Cell& c = cells_[line[i]];
        if (c.suppressed || c.value == 0) continue;
        if (pick < 0 || c.value < cells_[pick].value) pick = line[i];
      }
      if (pick < 0 && !cells_[line[0]].suppressed) pick = line[0];
      if (pick < 0) {
        for (size_t i = 1; i < line.size(); ++i) {
          if (!cells_[line[i]].suppressed) {
            pick = line[i];
            break;
          }
        }
      }
      if (pick < 0) continue;  // cannot happen: a line has two cells
      cells_[pick].suppressed = true;
      cells_[pick].published = 0;
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
  double rate = static_cast<double>(numerator.value) /
                static_cast<double>(denominator.value);
  out->set_value(controlled ? PublishedRate(rate) : rate);
}

}  // namespace nhs::tobacco::domain
