#include "cli/output.h"

#include <cstdio>

namespace gregor::cli {

void print_text(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
}

void print_json(const nlohmann::json& document) {
  // Invalid UTF-8 in record data or names is replaced rather than thrown on.
  print_text(document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

}  // namespace gregor::cli
