// Table: the human output of list/describe commands, in rpk's style: upper-case
// headers, left-aligned columns separated by two spaces, no borders.
#pragma once

#include <string>
#include <vector>

namespace gregor::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> headers);

  // A row has as many cells as there are headers (asserted).
  void add_row(std::vector<std::string> cells);
  bool empty() const { return rows_.empty(); }
  std::string render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// "1,2,3" from a list of ids.
std::string join_ints(const std::vector<int>& values, const char* separator = ",");

}  // namespace gregor::cli
