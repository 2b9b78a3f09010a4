#ifndef GATEWAY_CLI_TABLE_H_
#define GATEWAY_CLI_TABLE_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace nhs::tobacco::cli {

// A plain-text table: every column padded to its widest cell (counted in
// UTF-8 code points, not bytes), two spaces between columns, no trailing
// spaces. Rows shorter than the header are padded with empty cells. An empty
// header vector renders rows only (key/value detail views).
class Table {
 public:
  explicit Table(std::vector<std::string> headers);

  void AddRow(std::vector<std::string> cells);
  bool empty() const { return rows_.empty(); }
  std::string Render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// `text` as one cell at most `max_width` code points wide: line breaks and
// tabs become spaces (they would break the row), and a longer text is cut,
// ending in "…". For free text from other systems (delivery errors).
std::string FitCell(absl::string_view text, size_t max_width);

}  // namespace nhs::tobacco::cli

#endif  // GATEWAY_CLI_TABLE_H_
