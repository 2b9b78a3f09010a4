#ifndef GATEWAY_CLI_TABLE_H_
#define GATEWAY_CLI_TABLE_H_

#include <string>
#include <vector>

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

}  // namespace nhs::tobacco::cli

#endif  // GATEWAY_CLI_TABLE_H_
