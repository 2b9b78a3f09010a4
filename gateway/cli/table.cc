#include "gateway/cli/table.h"

#include <algorithm>
#include <utility>

namespace nhs::tobacco::cli {
namespace {

// True for the first byte of a UTF-8 code point (not a continuation byte).
bool IsLeadByte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
}

size_t DisplayWidth(const std::string& text) {
  size_t width = 0;
  for (char c : text) {
    if (IsLeadByte(c)) ++width;  // Count lead bytes only.
  }
  return width;
}

void AppendRow(const std::vector<std::string>& cells,
               const std::vector<size_t>& widths, std::string* out) {
  std::string line;
  for (size_t i = 0; i < widths.size(); ++i) {
    const std::string cell = i < cells.size() ? cells[i] : "";
    if (i > 0) line.append("  ");
    line.append(cell);
    line.append(widths[i] - DisplayWidth(cell), ' ');
  }
  // Padding of the last column(s) would be invisible trailing space.
  line.erase(line.find_last_not_of(' ') + 1);
  out->append(line);
  out->push_back('\n');
}

}  // namespace

std::string FitCell(absl::string_view text, size_t max_width) {
  std::string cell;
  cell.reserve(text.size());
  for (char c : text) {
    cell.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
  }
  if (DisplayWidth(cell) <= max_width) return cell;
  if (max_width == 0) return "";
  // Keep max_width - 1 whole code points, then the "…".
  size_t end = 0;
  size_t points = 0;
  for (; end < cell.size(); ++end) {
    if (!IsLeadByte(cell[end])) continue;
    if (points == max_width - 1) break;
    ++points;
  }
  cell.resize(end);
  cell.append("\u2026");
  return cell;
}

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void Table::AddRow(std::vector<std::string> cells) {
  rows_.push_back(std::move(cells));
}

std::string Table::Render() const {
  size_t columns = headers_.size();
  for (const auto& row : rows_) columns = std::max(columns, row.size());
  std::vector<size_t> widths(columns, 0);
  for (size_t i = 0; i < headers_.size(); ++i) {
    widths[i] = DisplayWidth(headers_[i]);
  }
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
  }
  std::string out;
  if (!headers_.empty()) AppendRow(headers_, widths, &out);
  for (const auto& row : rows_) AppendRow(row, widths, &out);
  return out;
}

}  // namespace nhs::tobacco::cli
